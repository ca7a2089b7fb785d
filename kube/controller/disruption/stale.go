package disruption

import (
	"context"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/store"
)

// stalePodDisruptionTimeout is how long a pod may carry a DisruptionTarget
// condition without being deleted before the controller sets the
// condition back to False: the eviction that added it did not go through
// (upstream's stalePodDisruptionTimeout).
const stalePodDisruptionTimeout = 2 * time.Minute

// staleConditions resets stale DisruptionTarget conditions; it runs as a
// second controller with a queue of pods.
type staleConditions struct {
	c     *Controller
	queue *controller.Queue
}

func (s *staleConditions) onPod(ev store.Event) {
	pod, ok := ev.Object.(*corev1.Pod)
	if !ok || ev.Type == watch.Deleted {
		return
	}
	if stale, after := s.c.staleDisruption(pod); stale {
		s.queue.AddAfter(controller.Request{Namespace: pod.Namespace, Name: pod.Name}, after)
	}
}

// staleDisruption reports whether the pod carries a DisruptionTarget
// condition that will be stale, and in how long. The kubelet's
// conditions are never stale (termination may take arbitrarily long),
// nor are those of pods that are terminating or have finished.
func (c *Controller) staleDisruption(pod *corev1.Pod) (bool, time.Duration) {
	if pod.DeletionTimestamp != nil || pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
		return false, 0
	}
	cond := findPodCondition(pod, corev1.DisruptionTarget)
	if cond == nil || cond.Status != corev1.ConditionTrue || cond.Reason == corev1.PodReasonTerminationByKubelet {
		return false, 0
	}
	return true, max(stalePodDisruptionTimeout-c.clock.Since(cond.LastTransitionTime.Time), 0)
}

// Reconcile sets a stale DisruptionTarget condition to False (upstream's
// syncStalePodDisruption).
func (s *staleConditions) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	pod, ok := s.c.store.View().Get(podsResource, req.Namespace, req.Name).(*corev1.Pod)
	if !ok {
		return controller.Result{}, nil
	}
	stale, after := s.c.staleDisruption(pod)
	if !stale {
		return controller.Result{}, nil
	}
	if after > 0 {
		return controller.Result{RequeueAfter: after}, nil
	}
	updated := pod.DeepCopy()
	cond := findPodCondition(updated, corev1.DisruptionTarget)
	*cond = corev1.PodCondition{
		Type:               corev1.DisruptionTarget,
		Status:             corev1.ConditionFalse,
		LastTransitionTime: metav1.NewTime(s.c.clock.Now()),
	}
	_, err := s.c.client.CoreV1().Pods(pod.Namespace).UpdateStatus(ctx, updated, metav1.UpdateOptions{})
	return controller.Result{}, err
}

func findPodCondition(pod *corev1.Pod, t corev1.PodConditionType) *corev1.PodCondition {
	for i := range pod.Status.Conditions {
		if pod.Status.Conditions[i].Type == t {
			return &pod.Status.Conditions[i]
		}
	}
	return nil
}
