package deployment

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"

	"github.com/kubesim/kubesim/kube/controller/replicaset"
	"github.com/kubesim/kubesim/store"
)

// claimReplicaSets returns the ReplicaSets the Deployment owns, after
// adopting the orphans its selector matches and releasing the owned ones
// it no longer matches (upstream's getReplicaSetsForDeployment). The
// objects are the stored ones: never modify them.
func (c *Controller) claimReplicaSets(ctx context.Context, view *store.View, d *appsv1.Deployment) ([]*appsv1.ReplicaSet, error) {
	selector, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
	if err != nil {
		return nil, fmt.Errorf("deployment %s/%s has invalid label selector: %w", d.Namespace, d.Name, err)
	}
	var checked bool
	var adoptErr error
	canAdopt := func() error {
		if !checked {
			checked, adoptErr = true, c.recheck(d)
		}
		return adoptErr
	}
	var claimed []*appsv1.ReplicaSet
	var errs []error
	view.List("replicasets.apps", d.Namespace, func(obj runtime.Object) bool {
		rs := obj.(*appsv1.ReplicaSet)
		adopt := func() error {
			if err := canAdopt(); err != nil {
				return fmt.Errorf("can't adopt ReplicaSet %v/%v (%v): %w", rs.Namespace, rs.Name, rs.UID, err)
			}
			patch, err := replicaset.AdoptPatch(d, controllerKind, rs.UID)
			if err != nil {
				return err
			}
			return c.patchReplicaSet(ctx, rs, patch)
		}
		release := func() error {
			patch, err := replicaset.ReleasePatch(rs.UID, d.UID)
			if err != nil {
				return err
			}
			if err := c.patchReplicaSet(ctx, rs, patch); err != nil && !apierrors.IsInvalid(err) {
				return err
			}
			return nil
		}
		ok, err := replicaset.ClaimObject(d, rs, selector.Matches(labels.Set(rs.Labels)), adopt, release)
		switch {
		case err != nil:
			errs = append(errs, err)
		case ok:
			claimed = append(claimed, rs)
		}
		return true
	})
	return claimed, utilerrors.NewAggregate(errs)
}

// recheck makes sure the Deployment is still there, the same one, and not
// being deleted, before it adopts anything (upstream's
// RecheckDeletionTimestamp).
func (c *Controller) recheck(d *appsv1.Deployment) error {
	obj := c.store.View().Get("deployments.apps", d.Namespace, d.Name)
	if obj == nil {
		return fmt.Errorf("can't recheck DeletionTimestamp: deployment %s/%s not found", d.Namespace, d.Name)
	}
	fresh := obj.(*appsv1.Deployment)
	if fresh.UID != d.UID {
		return fmt.Errorf("original Deployment %v/%v is gone: got uid %v, wanted %v", d.Namespace, d.Name, fresh.UID, d.UID)
	}
	if fresh.DeletionTimestamp != nil {
		return fmt.Errorf("%v/%v has just been deleted at %v", d.Namespace, d.Name, fresh.DeletionTimestamp)
	}
	return nil
}

func (c *Controller) patchReplicaSet(ctx context.Context, rs *appsv1.ReplicaSet, patch []byte) error {
	_, err := c.client.AppsV1().ReplicaSets(rs.Namespace).Patch(ctx, rs.Name, types.StrategicMergePatchType, patch, metav1.PatchOptions{})
	return err
}

// podMap groups the pods the Deployment selects by the ReplicaSet that
// controls them, finished and terminating pods included: Recreate waits
// for every old pod to stop (upstream's getPodMapForDeployment).
func podMap(view *store.View, d *appsv1.Deployment, rsList []*appsv1.ReplicaSet) map[types.UID][]*corev1.Pod {
	selector, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
	if err != nil {
		return nil
	}
	out := make(map[types.UID][]*corev1.Pod, len(rsList))
	for _, rs := range rsList {
		out[rs.UID] = []*corev1.Pod{}
		for _, obj := range view.ByOwner(string(rs.UID), "pods") {
			pod := obj.(*corev1.Pod)
			if ref := metav1.GetControllerOfNoCopy(pod); ref != nil && ref.UID == rs.UID && selector.Matches(labels.Set(pod.Labels)) {
				out[rs.UID] = append(out[rs.UID], pod)
			}
		}
	}
	return out
}

// podsLeft counts the pods of the Deployment's ReplicaSets.
func podsLeft(view *store.View, d *appsv1.Deployment) int {
	var rsList []*appsv1.ReplicaSet
	for _, obj := range view.ByOwner(string(d.UID), "replicasets.apps") {
		rs := obj.(*appsv1.ReplicaSet)
		if ref := metav1.GetControllerOfNoCopy(rs); ref != nil && ref.UID == d.UID {
			rsList = append(rsList, rs)
		}
	}
	n := 0
	for _, pods := range podMap(view, d, rsList) {
		n += len(pods)
	}
	return n
}
