package deployment

import (
	"context"
	"fmt"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/klog/v2"
	"k8s.io/utils/ptr"
)

// getNewReplicaSet returns the ReplicaSet whose template is the
// Deployment's, with its annotations and revision (one more than the
// highest old revision) brought up to date, and the Deployment's revision
// set to it. When there is none and create is set, it creates
// <deployment>-<pod-template-hash>; a name taken by a ReplicaSet with
// another template is a hash collision, which bumps
// status.collisionCount so that the next sync hashes differently
// (upstream's getNewReplicaSet).
func (c *Controller) getNewReplicaSet(ctx context.Context, d *appsv1.Deployment, rsList, oldRSs []*appsv1.ReplicaSet, create bool) (*appsv1.ReplicaSet, error) {
	newRevision := strconv.FormatInt(maxRevision(oldRSs)+1, 10)
	if existing := findNewReplicaSet(d, rsList); existing != nil {
		return c.syncExistingNewReplicaSet(ctx, d, existing, newRevision)
	}
	if !create {
		return nil, nil
	}
	rs, err := newReplicaSet(d, oldRSs, newRevision)
	if err != nil {
		return nil, err
	}
	created, err := c.client.AppsV1().ReplicaSets(d.Namespace).Create(ctx, rs, metav1.CreateOptions{})
	alreadyExists := false
	switch {
	case apierrors.IsAlreadyExists(err):
		alreadyExists = true
		if created, err = c.adoptOrCollide(ctx, d, rs.Name, err); err != nil {
			return nil, err
		}
	case apierrors.HasStatusCause(err, corev1.NamespaceTerminatingCause):
		return nil, err
	case err != nil:
		msg := fmt.Sprintf("Failed to create new replica set %q: %v", rs.Name, err)
		if hasProgressDeadline(d) {
			setCondition(&d.Status, newCondition(c.now(), appsv1.DeploymentProgressing, corev1.ConditionFalse, ReasonFailedRSCreate, msg))
			_ = c.updateStatus(ctx, d) // the failure to create is the error to report
		}
		c.recorder.Event(d, corev1.EventTypeWarning, ReasonFailedRSCreate, msg)
		return nil, err
	}
	if !alreadyExists && rsReplicas(rs) > 0 {
		c.recorder.Eventf(d, corev1.EventTypeNormal, "ScalingReplicaSet", "Scaled up replica set %s from 0 to %d", created.Name, rsReplicas(rs))
	}
	needsUpdate := setDeploymentRevision(d, newRevision)
	if !alreadyExists && hasProgressDeadline(d) {
		msg := fmt.Sprintf("Created new replica set %q", created.Name)
		setCondition(&d.Status, newCondition(c.now(), appsv1.DeploymentProgressing, corev1.ConditionTrue, ReasonNewReplicaSet, msg))
		needsUpdate = true
	}
	if needsUpdate {
		if err := c.updateStatus(ctx, d); err != nil {
			return nil, err
		}
	}
	return created, nil
}

// newReplicaSet builds the Deployment's new ReplicaSet: the template with
// the pod-template-hash label, a selector that includes it, and as many
// replicas as the strategy allows now.
func newReplicaSet(d *appsv1.Deployment, oldRSs []*appsv1.ReplicaSet, newRevision string) (*appsv1.ReplicaSet, error) {
	template := *d.Spec.Template.DeepCopy()
	hash := ComputeHash(&template, d.Status.CollisionCount)
	template.Labels = withLabel(template.Labels, appsv1.DefaultDeploymentUniqueLabelKey, hash)
	selector := d.Spec.Selector.DeepCopy()
	selector.MatchLabels = withLabel(selector.MatchLabels, appsv1.DefaultDeploymentUniqueLabelKey, hash)
	rs := &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{
			Name:            d.Name + "-" + hash, // deterministic, so that creating it twice fails
			Namespace:       d.Namespace,
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(d, controllerKind)},
			Labels:          template.Labels,
		},
		Spec: appsv1.ReplicaSetSpec{
			Replicas:        ptr.To[int32](0),
			MinReadySeconds: d.Spec.MinReadySeconds,
			Selector:        selector,
			Template:        template,
		},
	}
	n, err := newRSNewReplicas(d, append(append([]*appsv1.ReplicaSet(nil), oldRSs...), rs), rs)
	if err != nil {
		return nil, err
	}
	rs.Spec.Replicas = ptr.To(n)
	setNewReplicaSetAnnotations(d, rs, newRevision, false)
	return rs, nil
}

// adoptOrCollide handles a ReplicaSet name already taken: if the
// Deployment owns it and it has the Deployment's template, it is the new
// ReplicaSet; otherwise the hash collided.
func (c *Controller) adoptOrCollide(ctx context.Context, d *appsv1.Deployment, name string, createErr error) (*appsv1.ReplicaSet, error) {
	obj := c.store.View().Get("replicasets.apps", d.Namespace, name)
	if obj == nil {
		return nil, createErr // deleted since: try again
	}
	rs := obj.(*appsv1.ReplicaSet)
	if ref := metav1.GetControllerOfNoCopy(rs); ref != nil && ref.UID == d.UID && equalIgnoreHash(&d.Spec.Template, &rs.Spec.Template) {
		return rs, nil
	}
	before := ptr.Deref(d.Status.CollisionCount, 0)
	d.Status.CollisionCount = ptr.To(before + 1)
	if err := c.updateStatus(ctx, d); err == nil {
		klog.V(2).InfoS("Found a hash collision for deployment - bumping collisionCount to resolve it", "deployment", klog.KObj(d), "oldCollisionCount", before, "newCollisionCount", before+1)
	}
	return nil, createErr // requeue: the next sync hashes with the new count
}

// syncExistingNewReplicaSet brings an existing new ReplicaSet's
// annotations and minReadySeconds up to date, then the Deployment's
// revision and, if it has none, its Progressing condition.
func (c *Controller) syncExistingNewReplicaSet(ctx context.Context, d *appsv1.Deployment, existing *appsv1.ReplicaSet, newRevision string) (*appsv1.ReplicaSet, error) {
	rs := existing.DeepCopy()
	annotationsUpdated := setNewReplicaSetAnnotations(d, rs, newRevision, true)
	if annotationsUpdated || rs.Spec.MinReadySeconds != d.Spec.MinReadySeconds {
		rs.Spec.MinReadySeconds = d.Spec.MinReadySeconds
		return c.client.AppsV1().ReplicaSets(rs.Namespace).Update(ctx, rs, metav1.UpdateOptions{})
	}
	needsUpdate := setDeploymentRevision(d, rs.Annotations[RevisionAnnotation])
	if hasProgressDeadline(d) && getCondition(d.Status, appsv1.DeploymentProgressing) == nil {
		msg := fmt.Sprintf("Found new replica set %q", rs.Name)
		setCondition(&d.Status, newCondition(c.now(), appsv1.DeploymentProgressing, corev1.ConditionTrue, ReasonFoundNewRS, msg))
		needsUpdate = true
	}
	if needsUpdate {
		if err := c.updateStatus(ctx, d); err != nil {
			return nil, err
		}
	}
	return rs, nil
}

// withLabel returns a copy of set with key=value added.
func withLabel(set map[string]string, key, value string) map[string]string {
	out := make(map[string]string, len(set)+1)
	for k, v := range set {
		out[k] = v
	}
	out[key] = value
	return out
}
