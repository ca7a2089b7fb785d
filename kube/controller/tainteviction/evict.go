package tainteviction

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/klog/v2"

	"github.com/kubesim/kubesim/kube/controller"
)

// The DisruptionTarget condition the controller gives a pod it deletes.
const (
	reasonDeletionByTaintManager  = "DeletionByTaintManager"
	messageDeletionByTaintManager = "Taint manager: deleting due to NoExecute taint"
	eventReason                   = "TaintManagerEviction"
)

// Reconcile decides about one pod: evict it now, later, or not at all
// (upstream's processPodOnNode, level-triggered).
func (c *Controller) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	view := c.store.View()
	pod, _ := view.Get(podsResource, req.Namespace, req.Name).(*corev1.Pod)
	if pod == nil || pod.Spec.NodeName == "" {
		c.cancel(req, true)
		return controller.Result{}, nil
	}
	var taints []corev1.Taint
	if node, ok := view.Get(nodesResource, "", pod.Spec.NodeName).(*corev1.Node); ok {
		taints = noExecuteTaints(node.Spec.Taints)
	}
	if len(taints) == 0 {
		c.cancel(req, true)
		return controller.Result{}, nil
	}
	now := c.clock.Now()
	used, all := matchingTolerations(taints, pod.Spec.Tolerations)
	if !all {
		// Upstream cancels a pending eviction (saying so) and deletes at once.
		if _, fired, ok := c.entry(req); ok && !fired {
			c.cancel(req, true)
		}
		return controller.Result{}, c.evict(ctx, req, pod, now)
	}
	wait := minTolerationTime(used)
	if wait < 0 {
		c.cancel(req, true) // tolerated forever
		return controller.Result{}, nil
	}
	since, fired, ok := c.entry(req)
	if !ok {
		since = now
		c.setEntry(req, since, false)
	}
	if fired {
		return controller.Result{}, nil
	}
	if at := since.Add(wait); now.Before(at) {
		return controller.Result{RequeueAfter: at.Sub(now)}, nil
	}
	return controller.Result{}, c.evict(ctx, req, pod, now)
}

// evict marks the pod with the DisruptionTarget condition and deletes it
// (upstream's deletePodHandler and addConditionAndDeletePod).
func (c *Controller) evict(ctx context.Context, req controller.Request, pod *corev1.Pod, now time.Time) error {
	if _, fired, _ := c.entry(req); fired {
		return nil
	}
	klog.V(2).InfoS("Deleting pod", "controller", Name, "pod", klog.KObj(pod))
	c.recorder.EventRef(&corev1.ObjectReference{APIVersion: "v1", Kind: "Pod", Namespace: pod.Namespace, Name: pod.Name},
		corev1.EventTypeNormal, eventReason, fmt.Sprintf("Marking for deletion Pod %s/%s", pod.Namespace, pod.Name))
	if err := c.markDisruptionTarget(ctx, pod, now); err != nil {
		if apierrors.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("evict pod %s/%s: %w", pod.Namespace, pod.Name, err)
	}
	uid := pod.UID
	err := c.client.CoreV1().Pods(pod.Namespace).Delete(ctx, pod.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("evict pod %s/%s: %w", pod.Namespace, pod.Name, err)
	}
	since, _, ok := c.entry(req)
	if !ok {
		since = now
	}
	c.setEntry(req, since, true)
	return nil
}

// markDisruptionTarget patches the DisruptionTarget condition onto the pod
// unless it already has it.
func (c *Controller) markDisruptionTarget(ctx context.Context, pod *corev1.Pod, now time.Time) error {
	for _, cond := range pod.Status.Conditions {
		if cond.Type == corev1.DisruptionTarget && cond.Status == corev1.ConditionTrue &&
			cond.Reason == reasonDeletionByTaintManager && cond.Message == messageDeletionByTaintManager {
			return nil
		}
	}
	cond := corev1.PodCondition{
		Type:               corev1.DisruptionTarget,
		Status:             corev1.ConditionTrue,
		Reason:             reasonDeletionByTaintManager,
		Message:            messageDeletionByTaintManager,
		LastTransitionTime: metav1.NewTime(now.Truncate(time.Second)),
	}
	patch, err := json.Marshal(map[string]any{
		"metadata": map[string]any{"uid": pod.UID},
		"status":   map[string]any{"conditions": []corev1.PodCondition{cond}},
	})
	if err != nil {
		return err
	}
	_, err = c.client.CoreV1().Pods(pod.Namespace).Patch(ctx, pod.Name, types.StrategicMergePatchType, patch, metav1.PatchOptions{}, "status")
	return err
}

// cancel forgets a pending eviction; with event, it says so as upstream's
// cancelWorkWithEvent does when an eviction was still to come.
func (c *Controller) cancel(req controller.Request, event bool) {
	c.mu.Lock()
	e, ok := c.scheduled[req]
	delete(c.scheduled, req)
	c.mu.Unlock()
	if ok && !e.fired && event {
		c.recorder.EventRef(&corev1.ObjectReference{APIVersion: "v1", Kind: "Pod", Namespace: req.Namespace, Name: req.Name},
			corev1.EventTypeNormal, eventReason, fmt.Sprintf("Cancelling deletion of Pod %s/%s", req.Namespace, req.Name))
	}
}

// matchingTolerations returns, for each taint, the first toleration that
// tolerates it, and whether every taint is tolerated
// (v1helper.GetMatchingTolerations).
func matchingTolerations(taints []corev1.Taint, tolerations []corev1.Toleration) ([]corev1.Toleration, bool) {
	var used []corev1.Toleration
	for i := range taints {
		found := false
		for j := range tolerations {
			if tolerations[j].ToleratesTaint(klog.Background(), &taints[i], true) {
				used = append(used, tolerations[j])
				found = true
				break
			}
		}
		if !found {
			return nil, false
		}
	}
	return used, true
}

// minTolerationTime is the shortest tolerationSeconds among tolerations,
// 0 when one is zero or negative or there are none, and -1 when none
// limits the time (upstream's getMinTolerationTime).
func minTolerationTime(tolerations []corev1.Toleration) time.Duration {
	if len(tolerations) == 0 {
		return 0
	}
	least := int64(math.MaxInt64)
	for _, t := range tolerations {
		if t.TolerationSeconds == nil {
			continue
		}
		if *t.TolerationSeconds <= 0 {
			return 0
		}
		least = min(least, *t.TolerationSeconds)
	}
	if least == math.MaxInt64 {
		return -1
	}
	return time.Duration(least) * time.Second
}
