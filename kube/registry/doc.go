// Package registry is kubesim's equivalent of kube-apiserver's
// pkg/registry: for every built-in resource it knows the kind, the scope,
// the subresources, and the strategy that decides what create, update and
// delete do to an object (which fields the system owns, which status a new
// object starts with, how long a graceful deletion takes, what validation
// runs). The verbs themselves come from upstream's generic registry
// (k8s.io/apiserver/pkg/registry/generic/registry.Store) running on kubesim's
// store through package storage.
//
// Start with Catalog (the list of resources), then New, which builds the
// REST storage of each resource and subresource; package apiserver serves
// them over HTTP.
package registry
