// Package apiextensions serves CustomResourceDefinitions and the custom
// resources they define.
//
// Start with server.go: Server wraps upstream's custom resource handler
// (k8s.io/apiextensions-apiserver) over kubesim's store, so defaulting,
// pruning, OpenAPI validation, status and scale subresources, and
// conversion behave exactly as on a real kube-apiserver. The controllers a
// real apiserver runs beside it live in names.go (accept names, mark the
// CRD Established), finalizer.go (delete instances when a CRD goes away)
// and the upstream EstablishingController; controllers.go wires them to a
// controller.Manager. publish.go feeds discovery and OpenAPI.
//
// Everything runs on the environment's virtual clock.
package apiextensions
