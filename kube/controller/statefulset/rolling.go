package statefulset

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// rollingUpdate deletes replicas that are not at the update revision, from
// the highest ordinal down to the partition, so that the next syncs
// recreate them at it; no more than maxUnavailable replicas may be
// unavailable at once (upstream's updateStatefulSetAfterInvariantEstablished:
// MaxUnavailableStatefulSet is on by default since 1.35).
func (s *setSync) rollingUpdate(ctx context.Context, replicas []*corev1.Pod, status appsv1.StatefulSetStatus) (*appsv1.StatefulSetStatus, error) {
	set := s.set
	updateMin, maxUnavailable := 0, 1
	if ru := set.Spec.UpdateStrategy.RollingUpdate; ru != nil {
		if ru.Partition != nil {
			updateMin = int(*ru.Partition)
		}
		var err error
		if maxUnavailable, err = maxUnavailableOf(ru.MaxUnavailable, int(*set.Spec.Replicas)); err != nil {
			return &status, fmt.Errorf("StatefulSet %s/%s: %w", set.Namespace, set.Name, err)
		}
	}
	unavailable := 0
	for _, pod := range replicas {
		if isUnavailable(pod, set.Spec.MinReadySeconds, s.now) {
			unavailable++
		}
	}
	if unavailable > maxUnavailable {
		return &status, nil
	}
	toDelete, deleted := maxUnavailable-unavailable, 0
	for target := len(replicas) - 1; target >= updateMin && deleted < toDelete; target-- {
		pod := replicas[target]
		if getPodRevision(pod) == s.updateRevision.Name || isTerminating(pod) {
			continue
		}
		if err := s.c.deleteStatefulPod(ctx, set, pod); err != nil && !apierrors.IsNotFound(err) {
			return &status, err
		}
		deleted++
		status.CurrentReplicas--
	}
	return &status, nil
}

// maxUnavailableOf scales maxUnavailable (default 1) to the replica count,
// rounding a percentage down, and never returns less than 1 (upstream's
// getStatefulSetMaxUnavailable).
func maxUnavailableOf(maxUnavailable *intstr.IntOrString, replicas int) (int, error) {
	v := intstr.FromInt32(1)
	if maxUnavailable != nil {
		v = *maxUnavailable
	}
	n, err := intstr.GetScaledValueFromIntOrPercent(&v, replicas, false)
	if err != nil {
		return 0, fmt.Errorf("invalid maxUnavailable %s: %w", v.String(), err)
	}
	return max(n, 1), nil
}
