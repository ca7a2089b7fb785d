package podgc

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// failAndDelete marks a pod that has not finished Failed, with cond when
// given, and deletes it at once: a pod without a kubelet would otherwise
// stay Running forever (upstream's markFailedAndDeletePodWithCondition).
func (c *Controller) failAndDelete(ctx context.Context, pod *corev1.Pod, cond *corev1.PodCondition) error {
	pods := c.client.CoreV1().Pods(pod.Namespace)
	if pod.Status.Phase != corev1.PodSucceeded && pod.Status.Phase != corev1.PodFailed {
		p := pod.DeepCopy()
		p.Status.Phase = corev1.PodFailed
		if cond != nil {
			setCondition(&p.Status, *cond, c.clock.Now())
		}
		if _, err := pods.UpdateStatus(ctx, p, metav1.UpdateOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("mark pod %s/%s failed: %w", pod.Namespace, pod.Name, err)
		}
	}
	err := pods.Delete(ctx, pod.Name, metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0),
		Preconditions: &metav1.Preconditions{UID: &pod.UID}})
	if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
		return fmt.Errorf("delete pod %s/%s: %w", pod.Namespace, pod.Name, err)
	}
	return nil
}

// setCondition adds cond, or updates the condition of its type, moving
// the transition time only when the status changes.
func setCondition(status *corev1.PodStatus, cond corev1.PodCondition, now time.Time) {
	cond.LastTransitionTime = metav1.NewTime(now)
	cond.LastProbeTime = metav1.Time{}
	for i, c := range status.Conditions {
		if c.Type == cond.Type {
			if c.Status == cond.Status {
				cond.LastTransitionTime = c.LastTransitionTime
			}
			status.Conditions[i] = cond
			return
		}
	}
	status.Conditions = append(status.Conditions, cond)
}
