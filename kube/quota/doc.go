// Package quota measures what objects cost against a ResourceQuota, as
// upstream's pkg/quota/v1/evaluator/core does: one evaluator per
// resource that k8s.io/apiserver's quota machinery (quota/v1,
// quota/v1/generic, and the ResourceQuota admission plugin's
// CheckRequest) can use.
//
// Start with NewRegistry (registry.go), which lists the evaluators: pods
// (pods.go), services (services.go), persistentvolumeclaims (pvcs.go),
// the object counts with legacy names (configmaps, secrets,
// replicationcontrollers, resourcequotas), and, on demand, an object
// count for any other resource named count/<resource>.<group>. The
// ResourceQuota admission plugin (kube/admission) and the resourcequota
// controller (kube/controller/resourcequota) share it; both read objects
// from the store.
package quota
