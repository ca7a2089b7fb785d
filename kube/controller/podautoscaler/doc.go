// Package podautoscaler is kube-controller-manager's
// "horizontalpodautoscaling" controller (pkg/controller/podautoscaler):
// it scales the targets of autoscaling/v2 HorizontalPodAutoscalers,
// through their scale subresource, so that the pods' average CPU or
// memory use meets the target.
//
// Start with Add and Controller.Reconcile (controller.go): every HPA is
// synced every 15 s of virtual time, as with the default
// --horizontal-pod-autoscaler-sync-period. A sync reads the target's
// scale, asks the resource metrics API (metrics.k8s.io, which kube/metrics
// serves) for the pods' usage and computes a replica count per metric
// (replicas.go, with upstream's tolerance of 0.1 and its handling of
// unready and missing pods), takes the largest, stabilises and rate-limits
// it (normalize.go: the 300 s scale-down window, or spec.behavior's
// windows and policies), scales, and writes the status with the
// AbleToScale, ScalingActive and ScalingLimited conditions
// (conditions.go).
//
// Resource and ContainerResource metrics (Utilization and AverageValue,
// of cpu or memory) are computed; Pods, Object and External metrics, which
// need the custom and external metrics APIs that kubesim does not serve,
// fail with upstream's ScalingActive=False conditions, as in a cluster
// without a metrics adapter.
package podautoscaler
