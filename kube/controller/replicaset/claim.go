package replicaset

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
)

// ClaimObject decides whether owner keeps obj, as upstream's
// BaseControllerRefManager.ClaimObject does: an object owned by someone
// else is left alone; one owned by owner is kept while matches holds and
// released (unless owner is being deleted) when it does not; an orphan
// that matches is adopted, unless owner or obj is being deleted. It
// reports whether owner now owns obj.
func ClaimObject(owner, obj metav1.Object, matches bool, adopt, release func() error) (bool, error) {
	if ref := metav1.GetControllerOfNoCopy(obj); ref != nil {
		if ref.UID != owner.GetUID() {
			return false, nil
		}
		if matches {
			return true, nil
		}
		if owner.GetDeletionTimestamp() != nil {
			return false, nil
		}
		if err := release(); err != nil && !apierrors.IsNotFound(err) {
			return false, err
		}
		return false, nil
	}
	if owner.GetDeletionTimestamp() != nil || !matches || obj.GetDeletionTimestamp() != nil {
		return false, nil
	}
	if owner.GetNamespace() != "" && owner.GetNamespace() != obj.GetNamespace() {
		return false, nil
	}
	if err := adopt(); err != nil {
		if apierrors.IsNotFound(err) {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// AdoptPatch is the strategic merge patch that makes owner the controller
// of the object with uid dependent (upstream's ownerRefControllerPatch).
// The object's uid in the patch makes it fail on a different object of
// the same name.
func AdoptPatch(owner metav1.Object, gvk schema.GroupVersionKind, dependent types.UID) ([]byte, error) {
	yes := true
	return json.Marshal(map[string]any{"metadata": map[string]any{
		"uid": dependent,
		"ownerReferences": []metav1.OwnerReference{{
			APIVersion: gvk.GroupVersion().String(), Kind: gvk.Kind,
			Name: owner.GetName(), UID: owner.GetUID(),
			Controller: &yes, BlockOwnerDeletion: &yes,
		}},
	}})
}

// ReleasePatch is the strategic merge patch that removes the reference to
// owner from the object with uid dependent (upstream's
// GenerateDeleteOwnerRefStrategicMergeBytes).
func ReleasePatch(dependent, owner types.UID) ([]byte, error) {
	return json.Marshal(map[string]any{"metadata": map[string]any{
		"uid":             dependent,
		"ownerReferences": []map[string]string{{"$patch": "delete", "uid": string(owner)}},
	}})
}

// claimPods adopts the matching orphans among pods and releases the owned
// pods the selector no longer matches; it returns the pods rs owns
// (upstream's claimPods with PodControllerRefManager).
func (c *Controller) claimPods(ctx context.Context, rs *appsv1.ReplicaSet, selector labels.Selector, pods []*corev1.Pod) ([]*corev1.Pod, error) {
	var (
		once     sync.Once
		adoptErr error
	)
	// Before the first adoption, check that the owner is still there and
	// not being deleted (upstream's RecheckDeletionTimestamp).
	canAdopt := func() error {
		once.Do(func() { adoptErr = c.recheck(rs) })
		return adoptErr
	}
	claimed := make([]*corev1.Pod, 0, len(pods))
	var errs []error
	for _, pod := range pods {
		matches := selector.Matches(labels.Set(pod.Labels))
		if ref := metav1.GetControllerOfNoCopy(pod); matches && ref != nil && ref.UID == rs.UID {
			claimed = append(claimed, pod) // the common case: ours already
			continue
		}
		adopt := func() error {
			if err := canAdopt(); err != nil {
				return fmt.Errorf("can't adopt Pod %v/%v (%v): %w", pod.Namespace, pod.Name, pod.UID, err)
			}
			patch, err := AdoptPatch(rs, c.kind.gvk, pod.UID)
			if err != nil {
				return err
			}
			return c.patchPod(ctx, pod, patch)
		}
		release := func() error { return c.releasePod(ctx, rs, pod) }
		ok, err := ClaimObject(rs, pod, matches, adopt, release)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if ok {
			claimed = append(claimed, pod)
		}
	}
	return claimed, utilerrors.NewAggregate(errs)
}

func (c *Controller) recheck(rs *appsv1.ReplicaSet) error {
	obj := c.store.View().Get(c.kind.resource, rs.Namespace, rs.Name)
	if obj == nil {
		return fmt.Errorf("can't recheck DeletionTimestamp: %s %s/%s not found", c.kind.gvk.Kind, rs.Namespace, rs.Name)
	}
	fresh := c.kind.asReplicaSet(obj)
	if fresh.UID != rs.UID {
		return fmt.Errorf("original %v %v/%v is gone: got uid %v, wanted %v", c.kind.gvk.Kind, rs.Namespace, rs.Name, fresh.UID, rs.UID)
	}
	if fresh.DeletionTimestamp != nil {
		return fmt.Errorf("%v/%v has just been deleted at %v", fresh.Namespace, fresh.Name, fresh.DeletionTimestamp)
	}
	return nil
}

func (c *Controller) releasePod(ctx context.Context, rs *appsv1.ReplicaSet, pod *corev1.Pod) error {
	patch, err := ReleasePatch(pod.UID, rs.UID)
	if err != nil {
		return err
	}
	err = c.patchPod(ctx, pod, patch)
	if apierrors.IsNotFound(err) || apierrors.IsInvalid(err) {
		return nil // gone, or replaced by a pod of the same name
	}
	return err
}

func (c *Controller) patchPod(ctx context.Context, pod *corev1.Pod, patch []byte) error {
	_, err := c.client.CoreV1().Pods(pod.Namespace).Patch(ctx, pod.Name, types.StrategicMergePatchType, patch, metav1.PatchOptions{})
	return err
}
