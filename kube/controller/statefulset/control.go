package statefulset

import (
	"context"
	"sort"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/utils/ptr"
)

// maxBatchSize caps the parallel requests of one slow-start batch
// (upstream's MaxBatchSize).
const maxBatchSize = 500

// setSync is one sync of one StatefulSet: the set (defaulted), the set at
// its current and update revisions, and the moment it runs.
type setSync struct {
	c                               *Controller
	set, currentSet, updateSet      *appsv1.StatefulSet
	currentRevision, updateRevision *appsv1.ControllerRevision
	now                             time.Time
}

// updateStatefulSet creates, updates and deletes pods to bring the set to
// spec.replicas pods, then rolls them onto the update revision, and
// returns the status to record (upstream's updateStatefulSet). Under
// OrderedReady ("monotonic") every step waits for the one before.
func (c *Controller) updateStatefulSet(ctx context.Context, set *appsv1.StatefulSet, current, update *appsv1.ControllerRevision,
	collisionCount int32, pods []*corev1.Pod) (*appsv1.StatefulSetStatus, error) {
	currentSet, err := ApplyRevision(set, current)
	if err != nil {
		return nil, err
	}
	updateSet, err := ApplyRevision(set, update)
	if err != nil {
		return nil, err
	}
	s := &setSync{c: c, set: set, currentSet: currentSet, updateSet: updateSet, currentRevision: current, updateRevision: update, now: c.now()}

	status := appsv1.StatefulSetStatus{
		ObservedGeneration: set.Generation,
		CurrentRevision:    current.Name,
		UpdateRevision:     update.Name,
		CollisionCount:     ptr.To(collisionCount),
	}
	s.updateStatus(&status, pods)

	replicas, condemned := s.partition(pods)
	firstUnavailable := s.firstUnavailable(replicas, condemned)
	if set.DeletionTimestamp != nil {
		return &status, nil // a set being deleted only reports
	}
	monotonic := set.Spec.PodManagementPolicy != appsv1.ParallelPodManagement

	processReplica := func(i int) (bool, error) { return s.processReplica(ctx, monotonic, replicas, i) }
	if exit, err := runForAll(replicas, processReplica, monotonic); exit || err != nil {
		s.updateStatus(&status, replicas, condemned)
		return &status, err
	}
	fixClaims := func(i int) (bool, error) {
		match, err := c.claimsMatchRetentionPolicy(updateSet, condemned[i])
		if err != nil {
			return true, err
		}
		if !match {
			if err := c.updatePodClaimForRetentionPolicy(ctx, updateSet, condemned[i]); err != nil {
				return true, err
			}
		}
		return false, nil
	}
	if exit, err := runForAll(condemned, fixClaims, monotonic); exit || err != nil {
		s.updateStatus(&status, replicas, condemned)
		return &status, err
	}
	// Under OrderedReady every replica is now running and available:
	// delete the condemned pods, highest ordinal first, one at a time.
	processCondemned := func(i int) (bool, error) { return s.processCondemned(ctx, firstUnavailable, monotonic, condemned, i) }
	if exit, err := runForAll(condemned, processCondemned, monotonic); exit || err != nil {
		s.updateStatus(&status, replicas, condemned)
		return &status, err
	}
	s.updateStatus(&status, replicas, condemned)

	if set.Spec.UpdateStrategy.Type == appsv1.OnDeleteStatefulSetStrategyType {
		return &status, nil // pods are updated when someone deletes them
	}
	return s.rollingUpdate(ctx, replicas, status)
}

// partition sorts the set's pods into the replicas, indexed by ordinal
// from the start ordinal (a pod to create where one is missing), and the
// condemned pods beyond the range, highest ordinal first. Pods whose name
// has no ordinal are ignored.
func (s *setSync) partition(pods []*corev1.Pod) (replicas, condemned []*corev1.Pod) {
	start, end := startOrdinal(s.set), endOrdinal(s.set)
	replicas = make([]*corev1.Pod, int(*s.set.Spec.Replicas))
	for _, pod := range pods {
		switch o := getOrdinal(pod); {
		case o >= start && o <= end:
			replicas[o-start] = pod
		case o >= 0:
			condemned = append(condemned, pod)
		}
	}
	for ord := start; ord <= end; ord++ {
		if replicas[ord-start] == nil {
			replicas[ord-start] = newVersionedStatefulSetPod(s.currentSet, s.updateSet, s.currentRevision.Name, s.updateRevision.Name, ord)
		}
	}
	sort.SliceStable(condemned, func(i, j int) bool { return getOrdinal(condemned[i]) > getOrdinal(condemned[j]) })
	return replicas, condemned
}

// firstUnavailable is the first unavailable replica by ordinal, or else
// the condemned pod with the lowest ordinal that is unavailable.
func (s *setSync) firstUnavailable(replicas, condemned []*corev1.Pod) *corev1.Pod {
	minReady := s.set.Spec.MinReadySeconds
	for _, pod := range replicas {
		if isUnavailable(pod, minReady, s.now) {
			return pod
		}
	}
	for i := len(condemned) - 1; i >= 0; i-- {
		if isUnavailable(condemned[i], minReady, s.now) {
			return condemned[i]
		}
	}
	return nil
}

// processReplica brings replica i in line: a failed or succeeded pod is
// deleted (and made anew next sync), a missing one created, a pending one
// given its missing claims, a pod with the wrong identity, storage or
// claim ownership updated. Under OrderedReady it stops (true) at the
// first pod that is not running, ready and available.
func (s *setSync) processReplica(ctx context.Context, monotonic bool, replicas []*corev1.Pod, i int) (bool, error) {
	c, pod := s.c, replicas[i]
	// Succeeded pods are replaced too: a pod evicted or stopped with its
	// node may end either way, and the set wants it running.
	if isFailed(pod) || isSucceeded(pod) {
		if pod.DeletionTimestamp == nil {
			if err := c.deleteStatefulPod(ctx, s.set, pod); err != nil {
				return true, err
			}
		}
		return true, nil
	}
	if !isCreated(pod) {
		stale, err := c.podClaimIsStale(s.set, pod)
		if err != nil || stale {
			return true, err // a claim that is going blocks the pod
		}
		if err := c.createStatefulPod(ctx, s.set, pod); err != nil {
			return true, err
		}
		if monotonic {
			return true, nil
		}
	}
	if isPending(pod) {
		if err := c.createMissingPersistentVolumeClaims(ctx, s.set, pod); err != nil {
			return true, err
		}
	}
	minReady := s.set.Spec.MinReadySeconds
	if monotonic && (isTerminating(pod) || !isRunningAndReady(pod) || !isRunningAndAvailable(pod, minReady, s.now)) {
		return true, nil
	}
	match, err := c.claimsMatchRetentionPolicy(s.updateSet, pod)
	if err != nil {
		match = true // expected while the pod itself is being updated
	}
	if identityMatches(s.set, pod) && storageMatches(s.set, pod) && match {
		return false, nil
	}
	if err := c.updateStatefulPod(ctx, s.updateSet, pod.DeepCopy()); err != nil {
		return true, err
	}
	return false, nil
}

// processCondemned deletes condemned pod i. Under OrderedReady it waits
// for a terminating pod to go, and for unhealthy pods to recover, unless
// the pod is the first unavailable one.
func (s *setSync) processCondemned(ctx context.Context, firstUnavailable *corev1.Pod, monotonic bool, condemned []*corev1.Pod, i int) (bool, error) {
	pod := condemned[i]
	if isTerminating(pod) {
		return monotonic, nil
	}
	if monotonic && pod != firstUnavailable &&
		(!isRunningAndReady(pod) || !isRunningAndAvailable(pod, s.set.Spec.MinReadySeconds, s.now)) {
		return true, nil
	}
	return true, s.c.deleteStatefulPod(ctx, s.set, pod)
}

// runForAll calls fn for each pod: in order, stopping at the first that
// asks to, when monotonic; else in parallel slow-start batches.
func runForAll(pods []*corev1.Pod, fn func(i int) (bool, error), monotonic bool) (bool, error) {
	if monotonic {
		for i := range pods {
			if exit, err := fn(i); exit || err != nil {
				return true, err
			}
		}
		return false, nil
	}
	if _, err := slowStartBatch(1, len(pods), fn); err != nil {
		return true, err
	}
	return false, nil
}

// slowStartBatch calls fn for 0..remaining-1 in parallel batches of 1, 2,
// 4, ... (at most maxBatchSize), stopping after a batch with errors.
func slowStartBatch(initial, remaining int, fn func(int) (bool, error)) (int, error) {
	successes, next := 0, 0
	for batch := min(remaining, initial); batch > 0; batch = min(2*batch, remaining, maxBatchSize) {
		errs := make(chan error, batch)
		var wg sync.WaitGroup
		for k := next; k < next+batch; k++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := fn(k); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		next += batch
		close(errs)
		successes += batch - len(errs)
		if len(errs) > 0 {
			var all []error
			for err := range errs {
				all = append(all, err)
			}
			return successes, utilerrors.NewAggregate(all)
		}
		remaining -= batch
	}
	return successes, nil
}
