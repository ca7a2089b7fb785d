package job

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
)

// trackStatus accounts the Job's finished pods and writes its status
// (upstream's trackJobStatusAndRemoveFinalizers), in an order that
// survives a crash at any point:
//  1. the UIDs of finished pods go to status.uncountedTerminatedPods (and
//     the interim FailureTarget or SuccessCriteriaMet condition is
//     recorded), and the status is written;
//  2. their tracking finalizers are removed;
//  3. the UIDs whose finalizer is gone move to status.succeeded or
//     status.failed, and the Job gets its terminal condition once nothing
//     is uncounted or terminating.
//
// At most maxUncountedPods pods are handled per sync; the status update
// brings the Job back for the rest.
func (c *Controller) trackStatus(ctx context.Context, st *syncState, needsFlush bool, now time.Time) error {
	job := st.job
	indexed := isIndexed(job)
	pods := st.pods
	if indexed {
		// Completed indexes go in in order.
		pods = append([]*corev1.Pod(nil), pods...)
		sort.SliceStable(pods, func(i, j int) bool { return completionIndex(pods[i]) < completionIndex(pods[j]) })
	}
	withFinalizer := map[string]bool{}
	for _, p := range pods {
		if hasTrackingFinalizer(p) {
			withFinalizer[string(p.UID)] = true
		}
	}
	if moveCounted(&job.Status, withFinalizer) {
		needsFlush = true
	}
	toRemove, newIndexes, reachedMax, added := st.podsToCount(pods)
	needsFlush = needsFlush || added
	if indexed && st.recordIndexes(newIndexes) {
		needsFlush = true
	}
	if st.recordInterimCondition(now) {
		needsFlush = true
	}
	needsFlush, err := c.flushAndRemoveFinalizers(ctx, st, toRemove, withFinalizer, needsFlush)
	if err != nil {
		return err
	}
	finished := !reachedMax && enactFinished(st, now)
	if !needsFlush && !finished {
		return nil
	}
	if _, err := c.updateStatus(ctx, st.job); err != nil {
		return fmt.Errorf("removing uncounted pods from status: %w", err)
	}
	if finished {
		c.recordFinished(st.job, st.finishedCondition)
	}
	return nil
}

// podsToCount picks the pods whose finalizer can go and adds the finished
// ones to status.uncountedTerminatedPods (or, for an Indexed Job, lists
// their newly succeeded indexes). It reports whether it added any, and
// whether it stopped at maxUncountedPods.
func (st *syncState) podsToCount(pods []*corev1.Pod) (toRemove []*corev1.Pod, newIndexes []int, reachedMax, added bool) {
	job := st.job
	uncounted := job.Status.UncountedTerminatedPods
	indexed := isIndexed(job)
	for _, pod := range pods {
		if !hasTrackingFinalizer(pod) {
			continue // counted in an earlier sync
		}
		failed := isPodFailed(pod, job)
		if !st.canRemoveFinalizer(pod, failed) {
			continue
		}
		toRemove = append(toRemove, pod)
		uid := string(pod.UID)
		switch {
		case pod.Status.Phase == corev1.PodSucceeded && !st.uncounted.failed[uid]:
			if indexed {
				// The index is enough to not count a pod twice.
				if ix, ok := validIndex(pod, *job.Spec.Completions); ok && !st.prevSucceededIndexes.has(ix) {
					newIndexes = append(newIndexes, ix)
					added = true
				}
			} else if !st.uncounted.succeeded[uid] {
				uncounted.Succeeded = append(uncounted.Succeeded, pod.UID)
				added = true
			}
		case failed || (st.finishedCondition != nil && !isSuccessCriteriaMet(st.finishedCondition)):
			// A Job that fails counts each pod it stops as failed.
			_, validIx := validIndex(pod, ptr.Deref(job.Spec.Completions, 0))
			if st.uncounted.failed[uid] || (indexed && !validIx) {
				break
			}
			if _, count, _ := matchPodFailurePolicy(job.Spec.PodFailurePolicy, pod); count {
				uncounted.Failed = append(uncounted.Failed, pod.UID)
				added = true
			}
		}
		if len(newIndexes)+len(uncounted.Succeeded)+len(uncounted.Failed) >= maxUncountedPods {
			return toRemove, newIndexes, true, added
		}
	}
	return toRemove, newIndexes, false, added
}

// canRemoveFinalizer: the Job is being deleted or finishing, the pod
// succeeded, or it failed and is not kept for its index's replacement.
func (st *syncState) canRemoveFinalizer(pod *corev1.Pod, failed bool) bool {
	if st.job.DeletionTimestamp != nil || st.finishedCondition != nil || pod.Status.Phase == corev1.PodSucceeded {
		return true
	}
	if !failed {
		return false
	}
	if hasBackoffLimitPerIndex(st.job) {
		if ix := completionIndex(pod); ix != noIndex {
			if kept, ok := st.delayedDeletion[ix]; ok && kept.UID == pod.UID {
				return false
			}
		}
	}
	return true
}

// recordIndexes writes completedIndexes, succeeded and failedIndexes of
// an Indexed Job; it reports a change.
func (st *syncState) recordIndexes(newIndexes []int) bool {
	s := &st.job.Status
	st.succeededIndexes = st.succeededIndexes.withIndexes(uniqueSorted(newIndexes))
	completed := st.succeededIndexes.String()
	changed := completed != s.CompletedIndexes
	s.Succeeded = int32(st.succeededIndexes.total())
	s.CompletedIndexes = completed
	var failed *string
	if st.failedIndexes != nil {
		failed = ptr.To(st.failedIndexes.String())
	}
	if !ptr.Equal(s.FailedIndexes, failed) {
		s.FailedIndexes = failed
		changed = true
	}
	return changed
}

// recordInterimCondition adds FailureTarget or SuccessCriteriaMet to the
// status before any finalizer goes, and turns finishedCondition into the
// terminal condition that follows it. It reports a change.
func (st *syncState) recordInterimCondition(now time.Time) bool {
	fc := st.finishedCondition
	changed := false
	switch {
	case fc != nil && fc.Type == batchv1.JobFailureTarget:
		st.job.Status.Conditions = append(st.job.Status.Conditions, *fc)
		st.finishedCondition = newCondition(batchv1.JobFailed, corev1.ConditionTrue, fc.Reason, fc.Message, now)
		changed = true
	case isSuccessCriteriaMet(fc):
		if trueCondition(st.job, batchv1.JobSuccessCriteriaMet) == nil {
			st.job.Status.Conditions = append(st.job.Status.Conditions, *fc)
			changed = true
		}
		st.finishedCondition = newCondition(batchv1.JobComplete, corev1.ConditionTrue, fc.Reason, fc.Message, now)
	}
	return changed
}

// flushAndRemoveFinalizers writes the status if needed, removes the
// finalizers, and moves the pods whose finalizer went from uncounted to
// counted. If some removals failed it writes that progress before
// returning the error. It reports whether the status still needs
// writing (upstream's flushUncountedAndRemoveFinalizers).
func (c *Controller) flushAndRemoveFinalizers(ctx context.Context, st *syncState, toRemove []*corev1.Pod, withFinalizer map[string]bool, needsFlush bool) (bool, error) {
	if needsFlush {
		job, err := c.updateStatus(ctx, st.job)
		if err != nil {
			return needsFlush, fmt.Errorf("adding uncounted pods to status: %w", err)
		}
		st.job = job
		c.backoff.update(st.newBackoff)
		needsFlush = false
	}
	var rmErr error
	if len(toRemove) > 0 {
		var removed []bool
		removed, rmErr = c.removeTrackingFinalizers(ctx, toRemove)
		for i, p := range toRemove {
			if removed[i] {
				delete(withFinalizer, string(p.UID))
			}
		}
	}
	if moveCounted(&st.job.Status, withFinalizer) {
		needsFlush = true
	}
	if rmErr != nil && needsFlush {
		if _, err := c.updateStatus(ctx, st.job); err != nil {
			return needsFlush, fmt.Errorf("removing uncounted pods from status: %w", err)
		}
	}
	return needsFlush, rmErr
}

// moveCounted moves the uncounted pods that no longer have the finalizer
// to status.succeeded and status.failed; it reports a change.
func moveCounted(s *batchv1.JobStatus, withFinalizer map[string]bool) bool {
	u := s.UncountedTerminatedPods
	if u == nil {
		return false
	}
	keep := func(uids []types.UID) []types.UID {
		var out []types.UID
		for _, uid := range uids {
			if withFinalizer[string(uid)] {
				out = append(out, uid)
			}
		}
		return out
	}
	changed := false
	if left := keep(u.Succeeded); len(left) != len(u.Succeeded) {
		s.Succeeded += int32(len(u.Succeeded) - len(left))
		u.Succeeded, changed = left, true
	}
	if left := keep(u.Failed); len(left) != len(u.Failed) {
		s.Failed += int32(len(u.Failed) - len(left))
		u.Failed, changed = left, true
	}
	return changed
}

// removeTrackingFinalizers patches the finalizer off each pod in
// parallel; removed[i] says it is gone from pods[i] (or the pod is).
func (c *Controller) removeTrackingFinalizers(ctx context.Context, pods []*corev1.Pod) ([]bool, error) {
	removed := make([]bool, len(pods))
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	for i, pod := range pods {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := c.patchPod(ctx, pod, removeFinalizerPatch())
			if err == nil || apierrors.IsNotFound(err) {
				removed[i] = true
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if firstErr == nil {
				firstErr = fmt.Errorf("removing tracking finalizer: %w", err)
			}
		}()
	}
	wg.Wait()
	return removed, firstErr
}

// enactFinished adds the terminal condition once no pod is uncounted or
// terminating, with completionTime for Complete; it reports whether it
// did.
func enactFinished(st *syncState, now time.Time) bool {
	fc := st.finishedCondition
	if fc == nil {
		return false
	}
	job := st.job
	if u := job.Status.UncountedTerminatedPods; u != nil && len(u.Succeeded)+len(u.Failed) > 0 {
		return false
	}
	if st.terminating > 0 {
		return false
	}
	job.Status.Conditions, _ = ensureCondition(job.Status.Conditions, fc.Type, fc.Status, fc.Reason, fc.Message, now)
	if fc.Type == batchv1.JobComplete {
		job.Status.CompletionTime = ptr.To(fc.LastTransitionTime)
	}
	return true
}

// recordFinished records the event of a finished Job.
func (c *Controller) recordFinished(job *batchv1.Job, fc *batchv1.JobCondition) {
	if fc.Type != batchv1.JobComplete {
		c.recorder.Event(job, corev1.EventTypeWarning, fc.Reason, fc.Message)
		return
	}
	if job.Spec.Completions != nil && job.Status.Succeeded > *job.Spec.Completions {
		c.recorder.Event(job, corev1.EventTypeWarning, "TooManySucceededPods", "Too many succeeded pods running after completion count reached")
	}
	c.recorder.Event(job, corev1.EventTypeNormal, "Completed", "Job completed")
}

// updateStatus writes the Job's status. The result gets the controller's
// defaults again, since it carries the stored spec.
func (c *Controller) updateStatus(ctx context.Context, job *batchv1.Job) (*batchv1.Job, error) {
	out, err := c.client.BatchV1().Jobs(job.Namespace).UpdateStatus(ctx, job, metav1.UpdateOptions{})
	if err != nil {
		return nil, err
	}
	withDefaults(out)
	if out.Status.UncountedTerminatedPods == nil {
		out.Status.UncountedTerminatedPods = &batchv1.UncountedTerminatedPods{}
	}
	return out, nil
}
