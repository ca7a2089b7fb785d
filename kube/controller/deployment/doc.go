// Package deployment rolls Deployments out, as kube-controller-manager's
// "deployment" controller does: it owns one ReplicaSet per pod template,
// named <deployment>-<pod-template-hash>, and moves replicas from the old
// ReplicaSets to the new one.
//
// Start with Add and Controller.Reconcile (deployment.go), which follows
// upstream's syncDeployment: claim the ReplicaSets (replicasets.go), then
// one of
//   - sync (sync.go): paused Deployments and scaling events, with
//     proportional scaling of every active ReplicaSet (scale.go);
//   - rollback (rollback.go): the deprecated rollbackTo annotation
//     (kubectl rollout undo patches the template instead, which is an
//     ordinary rollout to a new revision);
//   - rolloutRolling (rolling.go) within maxSurge and maxUnavailable, or
//     rolloutRecreate (recreate.go), which starts new pods only once every
//     old pod has stopped.
//
// The new ReplicaSet, its revision annotations and the collision count
// live in newrs.go; status, the Available and Progressing conditions and
// the progress deadline in status.go and progress.go; the helpers of
// upstream's deployment/util in annotations.go, replicas.go and hash.go.
// Time is the virtual clock's.
package deployment
