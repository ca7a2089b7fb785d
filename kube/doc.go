// Package kube is kubesim's control plane: the API server with its
// registry and admission, and (in sub-packages) the controllers and the
// scheduler, all on one virtual clock and one store.
//
// Start with New, which returns a ControlPlane: its Handler serves the
// Kubernetes API, and RESTConfig gives a client-go configuration that
// reaches that handler in-process. The parts live in sub-packages:
// storage (the store behind upstream's generic registry), registry (the
// resources and their strategies), apiserver (HTTP), scheme (types and
// codecs).
package kube
