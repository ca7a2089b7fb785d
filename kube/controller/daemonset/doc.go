// Package daemonset runs one pod of each DaemonSet on every node that
// should run it, as kube-controller-manager's "daemonset" controller does.
//
// Start with Add (daemonset.go) and Controller.Reconcile (sync.go). A
// sync:
//   - finds, or records, the ControllerRevision of the current pod
//     template; its hash labels new pods controller-revision-hash
//     (history.go);
//   - decides for each node whether the DaemonSet should run there: the
//     node selector, required node affinity and taints (with the
//     tolerations every DaemonSet pod gets) must allow it
//     (placement.go);
//   - creates the missing pods, each pinned to its node by a required
//     node affinity on metadata.name that the scheduler honours, deletes
//     the pods of nodes that should not run them, and replaces failed
//     ones with a back-off (manage.go);
//   - replaces out-of-date pods under RollingUpdate within maxUnavailable,
//     or by surging up to maxSurge new pods first (rolling.go);
//   - writes status: desired, current, misscheduled, ready, updated,
//     available and unavailable counts (status.go).
//
// Reads come from a fresh store.View, so upstream's expectations (which
// guard against stale informer caches) are not needed; a sync that
// created or deleted pods leaves the rolling update to the next sync, as
// unsatisfied expectations do upstream. Fields that upstream's defaulting
// fills are defaulted locally (defaults.go).
package daemonset
