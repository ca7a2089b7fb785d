package statefulset

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// statusAttempts bounds the retries of a status write that meets a
// conflict (upstream retries with client-go's DefaultRetry: 5 steps).
const statusAttempts = 5

// updateStatus counts the pods of the lists into status: created ones,
// running and ready ones, available ones, and the live ones at the
// current and at the update revision (upstream's updateStatus and
// computeReplicaStatus). Pods not yet created count for nothing.
func (s *setSync) updateStatus(status *appsv1.StatefulSetStatus, lists ...[]*corev1.Pod) {
	status.Replicas, status.ReadyReplicas, status.AvailableReplicas = 0, 0, 0
	status.CurrentReplicas, status.UpdatedReplicas = 0, 0
	for _, pods := range lists {
		for _, pod := range pods {
			if !isCreated(pod) {
				continue
			}
			status.Replicas++
			if isRunningAndReady(pod) {
				status.ReadyReplicas++
				if isRunningAndAvailable(pod, s.set.Spec.MinReadySeconds, s.now) {
					status.AvailableReplicas++
				}
			}
			if isTerminating(pod) {
				continue
			}
			switch rev := getPodRevision(pod); {
			case rev == s.currentRevision.Name && rev == s.updateRevision.Name:
				status.CurrentReplicas++
				status.UpdatedReplicas++
			case rev == s.currentRevision.Name:
				status.CurrentReplicas++
			case rev == s.updateRevision.Name:
				status.UpdatedReplicas++
			}
		}
	}
}

// completeRollingUpdate makes the update revision current once every
// replica is updated and ready.
func completeRollingUpdate(set *appsv1.StatefulSet, status *appsv1.StatefulSetStatus) {
	n := *set.Spec.Replicas
	if set.Spec.UpdateStrategy.Type == appsv1.RollingUpdateStatefulSetStrategyType &&
		status.UpdatedReplicas == n && status.ReadyReplicas == n && status.Replicas == n {
		status.CurrentReplicas = status.UpdatedReplicas
		status.CurrentRevision = status.UpdateRevision
	}
}

// inconsistentStatus reports whether status says something the stored
// one does not.
func inconsistentStatus(set *appsv1.StatefulSet, status *appsv1.StatefulSetStatus) bool {
	cur := &set.Status
	return status.ObservedGeneration > cur.ObservedGeneration ||
		status.Replicas != cur.Replicas ||
		status.CurrentReplicas != cur.CurrentReplicas ||
		status.ReadyReplicas != cur.ReadyReplicas ||
		status.UpdatedReplicas != cur.UpdatedReplicas ||
		status.CurrentRevision != cur.CurrentRevision ||
		status.AvailableReplicas != cur.AvailableReplicas ||
		status.UpdateRevision != cur.UpdateRevision
}

// updateStatefulSetStatus completes a finished rolling update in status
// and writes it unless the stored status already says the same. stored is
// the set as read from the store (not defaulted); on a conflict the write
// is retried on the set read anew.
func (c *Controller) updateStatefulSetStatus(ctx context.Context, stored, set *appsv1.StatefulSet, status *appsv1.StatefulSetStatus) error {
	completeRollingUpdate(set, status)
	if !inconsistentStatus(stored, status) {
		return nil
	}
	toWrite := stored.DeepCopy()
	var err error
	for attempt := 0; attempt < statusAttempts; attempt++ {
		toWrite.Status = *status
		_, err = c.client.AppsV1().StatefulSets(toWrite.Namespace).UpdateStatus(ctx, toWrite, metav1.UpdateOptions{})
		if err == nil || !apierrors.IsConflict(err) {
			break
		}
		fresh, ok := c.store.View().Get(resource, stored.Namespace, stored.Name).(*appsv1.StatefulSet)
		if !ok {
			break
		}
		toWrite = fresh.DeepCopy()
	}
	if err != nil {
		return fmt.Errorf("update status of StatefulSet %s/%s: %w", stored.Namespace, stored.Name, err)
	}
	return nil
}

// nextAvailabilityCheck is how long until the first pod that is ready but
// not yet available for minReadySeconds becomes available, so that the
// set is synced again then; 0 when no pod is waiting. Upstream requeues
// after minReadySeconds (plus a second on the pod's ready event) to get
// past clock skew; on the virtual clock the moment is known exactly.
func nextAvailabilityCheck(set *appsv1.StatefulSet, pods []*corev1.Pod, now time.Time) time.Duration {
	if set.Spec.MinReadySeconds <= 0 {
		return 0
	}
	minReady := time.Duration(set.Spec.MinReadySeconds) * time.Second
	var next time.Duration
	for _, pod := range pods {
		cond := readyCondition(pod)
		if cond == nil || cond.Status != corev1.ConditionTrue || cond.LastTransitionTime.IsZero() {
			continue
		}
		// Available needs the deadline strictly passed, hence the nanosecond.
		if d := cond.LastTransitionTime.Add(minReady).Sub(now) + time.Nanosecond; d > 0 && (next == 0 || d < next) {
			next = d
		}
	}
	return next
}
