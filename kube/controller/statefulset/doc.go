// Package statefulset runs the pods of StatefulSets, as
// kube-controller-manager's "statefulset" controller does: pods with
// stable ordinal names (web-0, web-1, ...), hostnames and storage, created,
// updated and deleted in order.
//
// Start with Add (statefulset.go) and Controller.Reconcile (sync.go). A
// sync:
//   - adopts orphaned ControllerRevisions and claims the set's pods
//     (claim.go);
//   - finds or creates the current and update revisions of the pod
//     template (revisions.go, on package history);
//   - creates missing pods (and their PersistentVolumeClaims first),
//     replaces failed ones, fixes identities and deletes pods beyond the
//     ordinal range, one at a time and in order under OrderedReady, all at
//     once under Parallel (control.go, podcontrol.go, identity.go);
//   - rolls pods onto the update revision from the highest ordinal down to
//     the partition, at most maxUnavailable at a time (rolling.go);
//   - keeps the claims' owner references in line with the
//     persistentVolumeClaimRetentionPolicy (retention.go);
//   - writes status and trims old revisions (status.go).
//
// Reads come from a fresh store.View, so upstream's informer caches and
// their staleness are not modelled. Fields that upstream's defaulting
// fills are defaulted locally (defaults.go), so the controller works
// whether or not the API server defaults StatefulSets.
package statefulset
