// Package printers turns API objects into the metav1.Table that
// `kubectl get` asks for (Accept: application/json;as=Table), so that kubectl
// prints the same columns against kubesim as against a real cluster.
//
// Start with ToTable: it takes objects of one type and the current (virtual)
// time and returns the table, with one printer per built-in type reproducing
// k8s.io/kubernetes pkg/printers/internalversion/printers.go (column names,
// priorities and cell formatting, including the pod STATUS logic). Types
// without a printer get upstream's default NAME / CREATED AT table
// (k8s.io/apiserver pkg/registry/rest/table.go). CustomColumns does the same
// for custom resources from a CRD's additionalPrinterColumns
// (k8s.io/apiextensions-apiserver pkg/registry/customresource/tableconvertor).
//
// NewTableConvertor and NewCustomResourceTableConvertor wrap both as
// rest.TableConvertor for the API server's registry: they accept single
// objects and lists, copy the list metadata and read the time from a clock.
//
// Like kube-apiserver, every table is generated "wide": all columns are
// present and those kubectl shows only with -o wide have Priority 1. The
// AGE-style cells are computed against the time passed in; nothing here
// reads the wall clock.
package printers
