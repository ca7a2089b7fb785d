package deployment

import (
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/klog/v2"
)

// Annotations the controller keeps on Deployments and ReplicaSets
// (upstream's deployment/util).
const (
	// RevisionAnnotation numbers the rollouts of a Deployment, on it and
	// on each of its ReplicaSets.
	RevisionAnnotation = "deployment.kubernetes.io/revision"
	// RevisionHistoryAnnotation lists the older revisions a ReplicaSet
	// served, when a rollback made it new again.
	RevisionHistoryAnnotation = "deployment.kubernetes.io/revision-history"
	// DesiredReplicasAnnotation is the Deployment's replicas when the
	// ReplicaSet was last scaled.
	DesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas"
	// MaxReplicasAnnotation is replicas + maxSurge at that time; it lets
	// proportional scaling find each ReplicaSet's share.
	MaxReplicasAnnotation = "deployment.kubernetes.io/max-replicas"
	// RollbackToAnnotation carries the deprecated spec.rollbackTo of the
	// extensions/v1beta1 and apps/v1beta1 APIs.
	RollbackToAnnotation = appsv1.DeprecatedRollbackTo
)

// maxRevHistoryLengthInChars bounds the revision-history annotation.
const maxRevHistoryLengthInChars = 2000

// annotationsToSkip are not copied between a Deployment and its
// ReplicaSets.
var annotationsToSkip = map[string]bool{
	corev1.LastAppliedConfigAnnotation: true,
	RevisionAnnotation:                 true,
	RevisionHistoryAnnotation:          true,
	DesiredReplicasAnnotation:          true,
	MaxReplicasAnnotation:              true,
	RollbackToAnnotation:               true,
}

// revision reads an object's revision annotation; none is revision 0.
func revision(annotations map[string]string) (int64, error) {
	v, ok := annotations[RevisionAnnotation]
	if !ok {
		return 0, nil
	}
	return strconv.ParseInt(v, 10, 64)
}

// maxRevision is the highest revision among the ReplicaSets.
func maxRevision(rss []*appsv1.ReplicaSet) int64 {
	var max int64
	for _, rs := range rss {
		if v, err := revision(rs.Annotations); err != nil {
			klog.V(4).InfoS("Couldn't parse revision for replica set, deployment controller will skip it when reconciling revisions", "replicaSet", klog.KObj(rs), "err", err)
		} else if v > max {
			max = v
		}
	}
	return max
}

// lastRevision is the second highest revision: the one before the
// current rollout.
func lastRevision(rss []*appsv1.ReplicaSet) int64 {
	var max, second int64
	for _, rs := range rss {
		v, err := revision(rs.Annotations)
		switch {
		case err != nil:
		case v >= max:
			second, max = max, v
		case v > second:
			second = v
		}
	}
	return second
}

// setDeploymentRevision sets the Deployment's revision annotation and
// reports whether it changed.
func setDeploymentRevision(d *appsv1.Deployment, rev string) bool {
	if d.Annotations == nil {
		d.Annotations = map[string]string{}
	}
	if d.Annotations[RevisionAnnotation] == rev {
		return false
	}
	d.Annotations[RevisionAnnotation] = rev
	return true
}

// setNewReplicaSetAnnotations copies the Deployment's annotations to its
// new ReplicaSet, raises the ReplicaSet's revision to newRevision (keeping
// the revision it had in revision-history, which is what happens on a
// rollback) and, for a ReplicaSet about to be created, records the
// replica annotations. It reports whether anything changed (upstream's
// SetNewReplicaSetAnnotations).
func setNewReplicaSetAnnotations(d *appsv1.Deployment, rs *appsv1.ReplicaSet, newRevision string, exists bool) bool {
	changed := copyDeploymentAnnotations(d, rs)
	if rs.Annotations == nil {
		rs.Annotations = map[string]string{}
	}
	oldRevision, had := rs.Annotations[RevisionAnnotation]
	oldRev, err := strconv.ParseInt(oldRevision, 10, 64)
	if err != nil {
		if oldRevision != "" {
			klog.InfoS("Updating replica set revision OldRevision not int", "err", err)
			return false
		}
		oldRev = 0
	}
	newRev, err := strconv.ParseInt(newRevision, 10, 64)
	if err != nil {
		klog.InfoS("Updating replica set revision NewRevision not int", "err", err)
		return false
	}
	if oldRev < newRev {
		rs.Annotations[RevisionAnnotation] = newRevision
		changed = true
		if had {
			appendRevisionHistory(rs, oldRevision)
		}
	}
	if !exists && setReplicasAnnotations(rs, replicas(d), replicas(d)+maxSurge(d)) {
		changed = true
	}
	return changed
}

// appendRevisionHistory adds a revision to the history annotation,
// dropping the oldest entries beyond maxRevHistoryLengthInChars.
func appendRevisionHistory(rs *appsv1.ReplicaSet, rev string) {
	history := rs.Annotations[RevisionHistoryAnnotation]
	if history == "" {
		rs.Annotations[RevisionHistoryAnnotation] = rev
		return
	}
	old := strings.Split(history, ",")
	total, start := len(history)+len(rev)+1, 0
	for total > maxRevHistoryLengthInChars && start < len(old) {
		total -= len(old[start]) + 1
		start++
	}
	if total > maxRevHistoryLengthInChars {
		klog.InfoS("Not appending revision due to revision history length limit reached", "revisionHistoryLimit", maxRevHistoryLengthInChars)
		return
	}
	rs.Annotations[RevisionHistoryAnnotation] = strings.Join(append(old[start:], rev), ",")
}

// copyDeploymentAnnotations copies the Deployment's annotations, except
// those to skip, onto the ReplicaSet and reports whether any changed.
func copyDeploymentAnnotations(d *appsv1.Deployment, rs *appsv1.ReplicaSet) bool {
	if rs.Annotations == nil {
		rs.Annotations = map[string]string{}
	}
	changed := false
	for k, v := range d.Annotations {
		if annotationsToSkip[k] {
			continue
		}
		if cur, ok := rs.Annotations[k]; ok && cur == v {
			continue
		}
		rs.Annotations[k] = v
		changed = true
	}
	return changed
}

// setDeploymentAnnotationsTo makes the Deployment's annotations those of
// the ReplicaSet it rolls back to, keeping its own skipped ones.
func setDeploymentAnnotationsTo(d *appsv1.Deployment, rs *appsv1.ReplicaSet) {
	kept := map[string]string{}
	for k, v := range d.Annotations {
		if annotationsToSkip[k] {
			kept[k] = v
		}
	}
	for k, v := range rs.Annotations {
		if !annotationsToSkip[k] {
			kept[k] = v
		}
	}
	d.Annotations = kept
}

// setReplicasAnnotations records desired and max replicas on a ReplicaSet
// and reports whether they changed.
func setReplicasAnnotations(rs *appsv1.ReplicaSet, desired, max int32) bool {
	if rs.Annotations == nil {
		rs.Annotations = map[string]string{}
	}
	changed := false
	for k, v := range map[string]string{
		DesiredReplicasAnnotation: strconv.Itoa(int(desired)),
		MaxReplicasAnnotation:     strconv.Itoa(int(max)),
	} {
		if rs.Annotations[k] != v {
			rs.Annotations[k] = v
			changed = true
		}
	}
	return changed
}

// replicasAnnotationsNeedUpdate reports whether the replica annotations
// differ from desired and max.
func replicasAnnotationsNeedUpdate(rs *appsv1.ReplicaSet, desired, max int32) bool {
	return rs.Annotations[DesiredReplicasAnnotation] != strconv.Itoa(int(desired)) ||
		rs.Annotations[MaxReplicasAnnotation] != strconv.Itoa(int(max))
}

// intAnnotation reads a non-negative int32 annotation.
func intAnnotation(rs *appsv1.ReplicaSet, key string) (int32, bool) {
	v, ok := rs.Annotations[key]
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil || n < 0 {
		klog.V(2).InfoS("Could not parse annotation as a non-negative int32", "replicaSet", klog.KObj(rs), "annotation", key, "value", v)
		return 0, false
	}
	return int32(n), true
}
