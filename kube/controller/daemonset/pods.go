package daemonset

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"

	"github.com/kubesim/kubesim/kube/controller/replicaset"
)

// claimPods returns the pods ds owns, after adopting the orphans of its
// namespace its selector matches and releasing the owned ones it no
// longer matches (upstream's getDaemonPods). The pods are the stored
// ones: never modify them.
func (c *Controller) claimPods(ctx context.Context, ds *appsv1.DaemonSet) ([]*corev1.Pod, error) {
	selector, err := metav1.LabelSelectorAsSelector(ds.Spec.Selector)
	if err != nil {
		return nil, err
	}
	var candidates []*corev1.Pod
	c.store.View().List(podsResource, ds.Namespace, func(obj runtime.Object) bool {
		pod := obj.(*corev1.Pod)
		if ref := metav1.GetControllerOfNoCopy(pod); ref == nil || ref.UID == ds.UID {
			candidates = append(candidates, pod)
		}
		return true
	})
	checked, adoptErr := false, error(nil)
	var claimed []*corev1.Pod
	var errs []error
	for _, pod := range candidates {
		adopt := func() error {
			if !checked {
				checked, adoptErr = true, c.recheck(ds)
			}
			if adoptErr != nil {
				return fmt.Errorf("can't adopt Pod %v/%v (%v): %w", pod.Namespace, pod.Name, pod.UID, adoptErr)
			}
			patch, err := replicaset.AdoptPatch(ds, controllerKind, pod.UID)
			if err != nil {
				return err
			}
			return c.patchPod(ctx, pod, patch)
		}
		release := func() error {
			patch, err := replicaset.ReleasePatch(pod.UID, ds.UID)
			if err != nil {
				return err
			}
			if err := c.patchPod(ctx, pod, patch); err != nil && !apierrors.IsNotFound(err) && !apierrors.IsInvalid(err) {
				return err
			}
			return nil
		}
		ok, err := replicaset.ClaimObject(ds, pod, selector.Matches(labels.Set(pod.Labels)), adopt, release)
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

// recheck makes sure ds is still there, the same one, and not being
// deleted, before it adopts anything (upstream's RecheckDeletionTimestamp).
func (c *Controller) recheck(ds *appsv1.DaemonSet) error {
	fresh, ok := c.store.View().Get(resource, ds.Namespace, ds.Name).(*appsv1.DaemonSet)
	if !ok {
		return fmt.Errorf("can't recheck DeletionTimestamp: DaemonSet %s/%s not found", ds.Namespace, ds.Name)
	}
	if fresh.UID != ds.UID {
		return fmt.Errorf("original DaemonSet %v/%v is gone: got uid %v, wanted %v", ds.Namespace, ds.Name, fresh.UID, ds.UID)
	}
	if fresh.DeletionTimestamp != nil {
		return fmt.Errorf("%v/%v has just been deleted at %v", ds.Namespace, ds.Name, fresh.DeletionTimestamp)
	}
	return nil
}

// nodesToDaemonPods groups the pods of ds by the node they are for.
// Terminal pods already being deleted are left out unless asked for: the
// kubelet or the pod GC is removing them (upstream's getNodesToDaemonPods).
func (c *Controller) nodesToDaemonPods(ctx context.Context, ds *appsv1.DaemonSet, includeDeletedTerminal bool) (map[string][]*corev1.Pod, error) {
	pods, err := c.claimPods(ctx, ds)
	if err != nil {
		return nil, err
	}
	out := map[string][]*corev1.Pod{}
	for _, pod := range pods {
		if !includeDeletedTerminal && isTerminal(pod) && pod.DeletionTimestamp != nil {
			continue
		}
		node, err := targetNode(pod)
		if err != nil {
			continue
		}
		out[node] = append(out[node], pod)
	}
	return out, nil
}

func isTerminal(pod *corev1.Pod) bool {
	return pod.Status.Phase == corev1.PodFailed || pod.Status.Phase == corev1.PodSucceeded
}

func readyCondition(pod *corev1.Pod) *corev1.PodCondition {
	for i := range pod.Status.Conditions {
		if pod.Status.Conditions[i].Type == corev1.PodReady {
			return &pod.Status.Conditions[i]
		}
	}
	return nil
}

func isPodReady(pod *corev1.Pod) bool {
	c := readyCondition(pod)
	return c != nil && c.Status == corev1.ConditionTrue
}

// isPodAvailable: ready for longer than minReadySeconds at now (upstream's
// podutil.IsPodAvailable).
func isPodAvailable(pod *corev1.Pod, minReadySeconds int32, now time.Time) bool {
	c := readyCondition(pod)
	if c == nil || c.Status != corev1.ConditionTrue {
		return false
	}
	if minReadySeconds == 0 {
		return true
	}
	minReady := time.Duration(minReadySeconds) * time.Second
	return !c.LastTransitionTime.IsZero() && c.LastTransitionTime.Add(minReady).Before(now)
}

// byCreation orders pods scheduled first, then oldest first, then by name
// (upstream's podByCreationTimestampAndPhase).
func byCreation(pods []*corev1.Pod) func(i, j int) bool {
	return func(i, j int) bool {
		a, b := pods[i], pods[j]
		if (a.Spec.NodeName != "") != (b.Spec.NodeName != "") {
			return a.Spec.NodeName != ""
		}
		if a.CreationTimestamp.Equal(&b.CreationTimestamp) {
			return a.Name < b.Name
		}
		return a.CreationTimestamp.Before(&b.CreationTimestamp)
	}
}
