package replicaset

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"

	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/store"
)

// Reconcile syncs one ReplicaSet (or ReplicationController) with its pods,
// as upstream's syncReplicaSet does.
func (c *Controller) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	view := c.store.View()
	obj := view.Get(c.kind.resource, req.Namespace, req.Name)
	if obj == nil {
		return controller.Result{}, nil // deleted; the garbage collector takes its pods
	}
	rs := c.kind.asReplicaSet(obj)
	selector, err := metav1.LabelSelectorAsSelector(rs.Spec.Selector)
	if err != nil {
		utilruntime.HandleError(fmt.Errorf("%s %s/%s: invalid selector: %w", c.kind.gvk.Kind, rs.Namespace, rs.Name, err))
		return controller.Result{}, nil
	}
	all := c.candidatePods(view, rs)
	active, err := c.claimPods(ctx, rs, selector, filterPods(all, isPodActive))
	if err != nil {
		return controller.Result{}, err
	}
	var terminating []*corev1.Pod
	if c.kind.terminating {
		terminating = filterClaimed(rs, selector, filterPods(all, isPodTerminating))
	}

	var manageErr error
	if rs.DeletionTimestamp == nil {
		var deleted map[string]bool
		deleted, manageErr = c.manageReplicas(ctx, view, obj, rs, active)
		// Pods deleted just now are terminating: count them so, so that the
		// deployment controller never acts on availability already gone.
		active, terminating = moveDeleted(active, terminating, deleted, c.kind.terminating)
	}
	now := c.now()
	status := calculateStatus(rs, active, terminating, manageErr, c.kind.terminating, now)
	updated, err := c.updateStatus(ctx, obj, rs, status)
	if err != nil {
		return controller.Result{}, err
	}
	return controller.Result{RequeueAfter: nextAvailabilityCheck(updated, active, now)}, manageErr
}

// candidatePods are the pods the object controls and the orphans of its
// namespace (upstream's FilterPodsByOwner with orphans included).
func (c *Controller) candidatePods(view *store.View, rs *appsv1.ReplicaSet) []*corev1.Pod {
	owned := view.ByOwner(string(rs.UID), "pods")
	out := make([]*corev1.Pod, 0, len(owned))
	for _, obj := range owned {
		pod := obj.(*corev1.Pod)
		if ref := metav1.GetControllerOfNoCopy(pod); ref != nil && ref.UID == rs.UID {
			out = append(out, pod)
		}
	}
	for _, name := range c.orphans.in(rs.Namespace) {
		if obj := view.Get("pods", rs.Namespace, name); obj != nil {
			if pod := obj.(*corev1.Pod); metav1.GetControllerOfNoCopy(pod) == nil {
				out = append(out, pod)
			}
		}
	}
	return out
}

// filterClaimed keeps the pods rs controls whose labels its selector
// matches (upstream's FilterClaimedPods).
func filterClaimed(rs *appsv1.ReplicaSet, selector labels.Selector, pods []*corev1.Pod) []*corev1.Pod {
	var out []*corev1.Pod
	for _, pod := range pods {
		if ref := metav1.GetControllerOfNoCopy(pod); ref != nil && ref.UID == rs.UID && selector.Matches(labels.Set(pod.Labels)) {
			out = append(out, pod)
		}
	}
	return out
}

func moveDeleted(active, terminating []*corev1.Pod, deleted map[string]bool, countTerminating bool) ([]*corev1.Pod, []*corev1.Pod) {
	if len(deleted) == 0 {
		return active, terminating
	}
	kept := make([]*corev1.Pod, 0, len(active))
	for _, pod := range active {
		switch {
		case !deleted[pod.Name]:
			kept = append(kept, pod)
		case countTerminating:
			terminating = append(terminating, pod)
		}
	}
	return kept, terminating
}

// updateStatus writes the status unless nothing changed, retrying once
// after a conflict with the object read anew (upstream's
// updateReplicaSetStatus with statusUpdateRetries = 1).
func (c *Controller) updateStatus(ctx context.Context, obj runtime.Object, rs *appsv1.ReplicaSet, st appsv1.ReplicaSetStatus) (*appsv1.ReplicaSet, error) {
	if statusUnchanged(rs, st) {
		return rs, nil
	}
	for attempt := 0; ; attempt++ {
		st.ObservedGeneration = rs.Generation
		written, err := c.kind.writeStatus(ctx, c.client, obj, st)
		if err == nil {
			return c.kind.asReplicaSet(written), nil
		}
		if attempt >= 1 {
			return nil, fmt.Errorf("update status of %s %s/%s: %w", c.kind.gvk.Kind, rs.Namespace, rs.Name, err)
		}
		if obj, err = c.kind.get(ctx, c.client, rs.Namespace, rs.Name); err != nil {
			return nil, fmt.Errorf("read %s %s/%s again: %w", c.kind.gvk.Kind, rs.Namespace, rs.Name, err)
		}
		rs = c.kind.asReplicaSet(obj)
	}
}

// nextAvailabilityCheck is when pods that are ready but not yet available
// for minReadySeconds become available: the sync looks again then, so that
// availableReplicas follows the virtual clock (upstream's
// FindMinNextPodAvailabilityCheck).
func nextAvailabilityCheck(rs *appsv1.ReplicaSet, active []*corev1.Pod, now time.Time) time.Duration {
	if rs.Spec.MinReadySeconds <= 0 || rs.Status.ReadyReplicas == rs.Status.AvailableReplicas {
		return 0
	}
	minReady := time.Duration(rs.Spec.MinReadySeconds) * time.Second
	next := minReady
	for _, pod := range active {
		cond := readyCondition(pod)
		if cond == nil || cond.Status != corev1.ConditionTrue || cond.LastTransitionTime.IsZero() {
			continue
		}
		// Availability needs the deadline strictly passed (IsPodAvailable),
		// hence the nanosecond.
		if d := cond.LastTransitionTime.Add(minReady).Sub(now) + time.Nanosecond; d > 0 && d < next {
			next = d
		}
	}
	return next
}
