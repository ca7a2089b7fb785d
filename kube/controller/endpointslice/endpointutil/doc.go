// Package endpointutil holds what the "endpointslice" and "endpoint"
// controllers share, after upstream's k8s.io/endpointslice/util and
// pkg/api/v1/pod: which pods a Service selects, whether a pod belongs in
// its endpoints, how a Service port resolves on a pod, which pod changes
// matter, and the endpoints.kubernetes.io/last-change-trigger-time
// bookkeeping (trigger.go).
package endpointutil
