package statefulset

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

// claimPods returns the pods the set owns, after adopting the orphans of
// its namespace that its selector matches and whose name makes them its
// members, and releasing owned pods that no longer match (upstream's
// getPodsForStatefulSet with a ControllerRefManager). The pods are the
// stored ones: never modify them.
func (c *Controller) claimPods(ctx context.Context, view *store.View, set *appsv1.StatefulSet, selector labels.Selector) ([]*corev1.Pod, error) {
	var candidates []*corev1.Pod
	view.List(podsResource, set.Namespace, func(obj runtime.Object) bool {
		pod := obj.(*corev1.Pod)
		if ref := metav1.GetControllerOfNoCopy(pod); ref == nil || ref.UID == set.UID {
			candidates = append(candidates, pod)
		}
		return true
	})
	checked, adoptErr := false, error(nil)
	canAdopt := func() error {
		if !checked {
			checked, adoptErr = true, c.recheck(set)
		}
		return adoptErr
	}
	var claimed []*corev1.Pod
	var errs []error
	for _, pod := range candidates {
		matches := selector.Matches(labels.Set(pod.Labels)) && isMemberOf(set, pod)
		adopt := func() error {
			if err := canAdopt(); err != nil {
				return fmt.Errorf("can't adopt Pod %v/%v (%v): %w", pod.Namespace, pod.Name, pod.UID, err)
			}
			patch, err := replicaset.AdoptPatch(set, controllerKind, pod.UID)
			if err != nil {
				return err
			}
			return c.patchPod(ctx, pod, patch)
		}
		release := func() error {
			patch, err := replicaset.ReleasePatch(pod.UID, set.UID)
			if err != nil {
				return err
			}
			if err := c.patchPod(ctx, pod, patch); err != nil && !apierrors.IsNotFound(err) && !apierrors.IsInvalid(err) {
				return err
			}
			return nil
		}
		ok, err := replicaset.ClaimObject(set, pod, matches, adopt, release)
		switch {
		case err != nil:
			errs = append(errs, err)
		case ok:
			claimed = append(claimed, pod)
		}
	}
	return claimed, utilerrors.NewAggregate(errs)
}

func (c *Controller) patchPod(ctx context.Context, pod *corev1.Pod, patch []byte) error {
	_, err := c.client.CoreV1().Pods(pod.Namespace).Patch(ctx, pod.Name, types.StrategicMergePatchType, patch, metav1.PatchOptions{})
	return err
}

// adoptOrphanRevisions makes the set the controller of the orphaned
// ControllerRevisions its selector matches.
func (c *Controller) adoptOrphanRevisions(ctx context.Context, set *appsv1.StatefulSet, selector labels.Selector) error {
	var orphans []*appsv1.ControllerRevision
	for _, r := range c.history.ListControllerRevisions(set, selector) {
		if metav1.GetControllerOfNoCopy(r) == nil {
			orphans = append(orphans, r)
		}
	}
	if len(orphans) == 0 {
		return nil
	}
	if err := c.recheck(set); err != nil {
		return fmt.Errorf("can't adopt ControllerRevisions: %w", err)
	}
	for _, r := range orphans {
		if _, err := c.history.AdoptControllerRevision(ctx, set, controllerKind, r); err != nil {
			return err
		}
	}
	return nil
}

// recheck makes sure the set is still there, the same one, and not being
// deleted, before it adopts anything (upstream's RecheckDeletionTimestamp).
func (c *Controller) recheck(set *appsv1.StatefulSet) error {
	fresh, ok := c.store.View().Get(resource, set.Namespace, set.Name).(*appsv1.StatefulSet)
	if !ok {
		return fmt.Errorf("can't recheck DeletionTimestamp: StatefulSet %s/%s not found", set.Namespace, set.Name)
	}
	if fresh.UID != set.UID {
		return fmt.Errorf("original StatefulSet %v/%v is gone: got uid %v, wanted %v", set.Namespace, set.Name, fresh.UID, set.UID)
	}
	if fresh.DeletionTimestamp != nil {
		return fmt.Errorf("%v/%v has just been deleted at %v", set.Namespace, set.Name, fresh.DeletionTimestamp)
	}
	return nil
}
