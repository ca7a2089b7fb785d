package nodelifecycle

import (
	"context"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/store"
)

// onPod wakes the pod pass for a pod just bound to a node that is not
// Ready (upstream's podUpdated).
func (c *Controller) onPod(ev store.Event) {
	pod, ok := ev.Object.(*corev1.Pod)
	if !ok || ev.Type == watch.Deleted || pod.Spec.NodeName == "" {
		return
	}
	if prev, ok := ev.Prev.(*corev1.Pod); ok && prev.Spec.NodeName == pod.Spec.NodeName {
		return
	}
	c.mu.Lock()
	h := c.health[pod.Spec.NodeName]
	notReady := h != nil && h.ready != "" && h.ready != corev1.ConditionTrue
	c.mu.Unlock()
	if notReady {
		c.pods.Add(controller.Request{Namespace: pod.Namespace, Name: pod.Name})
	}
}

// reconcilePod marks a pod bound to a node that is not Ready not ready
// (upstream's processPod).
func (c *Controller) reconcilePod(ctx context.Context, req controller.Request) (controller.Result, error) {
	view := c.store.View()
	pod, _ := view.Get(podsResource, req.Namespace, req.Name).(*corev1.Pod)
	if pod == nil || pod.Spec.NodeName == "" {
		return controller.Result{}, nil
	}
	node, _ := view.Get(nodesResource, "", pod.Spec.NodeName).(*corev1.Node)
	if node == nil {
		return controller.Result{}, nil
	}
	if ready := readyCondition(node); ready == nil || ready.Status == corev1.ConditionTrue {
		return controller.Result{}, nil
	}
	return controller.Result{}, c.markPodNotReady(ctx, pod)
}

// markPodsNotReady sets Ready=False on every pod of the node (upstream's
// MarkPodsNotReady).
func (c *Controller) markPodsNotReady(ctx context.Context, view *store.View, nodeName string) error {
	var errs []error
	for _, obj := range view.ByIndex(podsResource, nodeNameIndex, nodeName) {
		if err := c.markPodNotReady(ctx, obj.(*corev1.Pod)); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// markPodNotReady turns the pod's Ready condition False, keeping its
// reason and message, and records NodeNotReady on the pod.
func (c *Controller) markPodNotReady(ctx context.Context, pod *corev1.Pod) error {
	i := -1
	for j, cond := range pod.Status.Conditions {
		if cond.Type == corev1.PodReady {
			i = j
			break
		}
	}
	if i < 0 || pod.Status.Conditions[i].Status == corev1.ConditionFalse {
		return nil
	}
	next := pod.DeepCopy()
	next.Status.Conditions[i].Status = corev1.ConditionFalse
	next.Status.Conditions[i].LastTransitionTime = metav1.NewTime(c.clock.Now().Truncate(time.Second))
	_, err := c.client.CoreV1().Pods(pod.Namespace).UpdateStatus(ctx, next, metav1.UpdateOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("mark pod %s/%s not ready: %w", pod.Namespace, pod.Name, err)
	}
	c.recorder.Eventf(next, corev1.EventTypeWarning, "NodeNotReady", "Node is not ready")
	return nil
}
