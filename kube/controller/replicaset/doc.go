// Package replicaset keeps the number of pods of ReplicaSets and
// ReplicationControllers at their spec.replicas, as kube-controller-manager's
// "replicaset" and "replicationcontroller" controllers do. One Controller
// serves both kinds: a ReplicationController is converted to a ReplicaSet on
// the way in and its status back on the way out, as upstream's
// pkg/controller/replication does.
//
// Start with Add (replicaset.go) and Controller.Reconcile (sync.go). A sync:
//   - lists the pods the object controls plus the orphans of its namespace,
//     adopts the orphans its selector matches and releases the pods it no
//     longer matches (claim.go);
//   - creates missing pods in slow-start batches (1, 2, 4, ...) or deletes
//     surplus ones (manage.go), the least valuable first (rank.go);
//   - writes status: replicas, fullyLabeledReplicas, readyReplicas,
//     availableReplicas (ready for minReadySeconds on the virtual clock),
//     terminatingReplicas, observedGeneration and the ReplicaFailure
//     condition (status.go).
//
// Reads come from a fresh store.View, so upstream's expectations (which
// guard against stale informer caches) are not needed; pod events that
// cannot change a sync's outcome do not trigger one (replicaset.go), and
// pods deleted by a sync count as terminating in the status it writes.
//
// The ownership helpers (ClaimObject, AdoptPatch, ReleasePatch) are
// exported for the deployment controller, which claims ReplicaSets the
// same way.
package replicaset
