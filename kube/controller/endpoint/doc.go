// Package endpoint keeps the legacy v1 Endpoints object of every Service
// with a selector in line with the pods it selects, as
// kube-controller-manager's "endpoint" controller does
// (pkg/controller/endpoint upstream).
//
// Start with Add (endpoint.go) and Controller.Reconcile (sync.go). A sync
// puts each selected pod that has an address (terminating ones only with
// publishNotReadyAddresses) under addresses when it is ready, or
// notReadyAddresses, once per resolved Service port, then repacks the
// subsets so that addresses offering the same ports share one
// (repack.go). The Endpoints object has the Service's name and labels and
// the endpoints.kubernetes.io/last-change-trigger-time annotation; it is
// deleted with the Service. Services without a selector keep the
// Endpoints their users write, such as default/kubernetes, which the API
// server writes.
package endpoint
