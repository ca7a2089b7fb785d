// Package endpointslice keeps the EndpointSlices of every Service with a
// selector in line with the pods it selects, as kube-controller-manager's
// "endpointslice" controller does (pkg/controller/endpointslice and
// k8s.io/endpointslice upstream).
//
// Start with Add (endpointslice.go) and Controller.Reconcile (sync.go). A
// sync:
//   - skips Services without a selector (their slices are the user's) and
//     ExternalName Services;
//   - turns each selected pod that has an address into an endpoint with
//     ready/serving/terminating conditions, targetRef, nodeName, zone and
//     hostname, zone (and node) hints when the Service's
//     trafficDistribution prefers close endpoints, and its ports resolved
//     from the Service's targetPorts, grouping endpoints by resolved ports
//     (endpoint.go);
//   - packs them into the Service's managed slices, at most 100 endpoints
//     a slice, changing as few slices as it can and keeping a placeholder
//     slice when there are no endpoints (pack.go), then writes the
//     creates, updates and deletes through the API server (apply.go).
//
// Slices are owned by their Service, so the garbage collector removes them
// with it. Reads come from a fresh store.View, so upstream's
// EndpointSliceTracker (which guards against a stale informer cache) is
// not needed. What this controller shares with the legacy Endpoints
// controller (kube/controller/endpoint) lives in endpointutil.
package endpointslice
