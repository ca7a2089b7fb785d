// Package disruption keeps the status of PodDisruptionBudgets, as
// kube-controller-manager's "disruption" controller
// (pkg/controller/disruption) does. The eviction subresource
// (kube/registry/eviction.go) reads that status to decide whether a pod
// may go, and spends one disruption per eviction.
//
// Start with Add (disruption.go) and Controller.Reconcile (sync.go). A
// sync of one budget:
//   - lists the pods its selector matches;
//   - computes expectedPods and desiredHealthy (expected.go): from
//     minAvailable as a number, or from the scale of the pods' controllers
//     (Deployment via ReplicaSet, ReplicaSet, StatefulSet,
//     ReplicationController) for a percentage or maxUnavailable, rounding
//     percentages up;
//   - keeps the disruptedPods the eviction API recorded until the pod is
//     seen terminating or DeletionTimeout (two virtual minutes) passes,
//     and counts as healthy the ready pods that are neither;
//   - writes currentHealthy, desiredHealthy, expectedPods,
//     disruptionsAllowed, observedGeneration and the DisruptionAllowed
//     condition (SufficientPods, InsufficientPods, or SyncFailed when the
//     sync failed), and comes back when the oldest disruption expires.
//
// A second queue (stale.go) sets back to False the DisruptionTarget
// condition of a pod that an eviction marked but that was not deleted
// within two minutes.
//
// Reads come from store views; writes go through the API server.
package disruption
