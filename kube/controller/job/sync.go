package job

import (
	"context"
	"fmt"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/klog/v2"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/store"
)

// syncState is what one sync of a Job works out (upstream's syncJobCtx).
type syncState struct {
	req  controller.Request
	job  *batchv1.Job
	pods []*corev1.Pod
	// activePods are the pods neither finished nor being deleted.
	activePods []*corev1.Pod
	// finishedCondition is the condition the Job is to finish with, if
	// decided: FailureTarget, SuccessCriteriaMet, or, once those are
	// recorded, Failed or Complete.
	finishedCondition *batchv1.JobCondition
	// succeeded and failed count the pods in status plus those finished
	// since.
	succeeded, failed    int32
	prevSucceededIndexes intervals
	succeededIndexes     intervals
	failedIndexes        *intervals
	newBackoff           backoffRecord
	uncounted            uncountedSets
	delayedDeletion      map[int]*corev1.Pod
	terminating          int32
	ready                int32
}

// uncountedSets are the UIDs in status.uncountedTerminatedPods.
type uncountedSets struct{ succeeded, failed map[string]bool }

func newUncountedSets(u *batchv1.UncountedTerminatedPods) uncountedSets {
	s := uncountedSets{succeeded: map[string]bool{}, failed: map[string]bool{}}
	for _, uid := range u.Succeeded {
		s.succeeded[string(uid)] = true
	}
	for _, uid := range u.Failed {
		s.failed[string(uid)] = true
	}
	return s
}

// Reconcile syncs one Job with its pods (upstream's syncJob).
func (c *Controller) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	view := c.store.View()
	shared, ok := view.Get(jobsResource, req.Namespace, req.Name).(*batchv1.Job)
	if !ok {
		c.backoff.remove(req.String())
		return controller.Result{}, nil
	}
	if managedByOther(shared) {
		return controller.Result{}, nil
	}
	if isFinished(shared) {
		c.backoff.remove(req.String())
		return controller.Result{}, nil
	}
	if m := shared.Spec.CompletionMode; m != nil && *m != batchv1.NonIndexedCompletion && *m != batchv1.IndexedCompletion {
		c.recorder.Event(shared, corev1.EventTypeWarning, "UnknownCompletionMode", "Skipped Job sync because completion mode is unknown")
		return controller.Result{}, nil
	}
	job := shared.DeepCopy()
	withDefaults(job)
	if err := checkSpec(job); err != nil {
		// Validation rejects such Jobs; one that got in is left alone.
		klog.V(2).InfoS("Skipping invalid Job", "job", req.String(), "err", err)
		return controller.Result{}, nil
	}
	return controller.Result{}, c.syncJob(ctx, view, req, job)
}

// checkSpec rejects the specs the controller cannot work with, which
// validation would have refused.
func checkSpec(job *batchv1.Job) error {
	if (isIndexed(job) || hasBackoffLimitPerIndex(job)) && job.Spec.Completions == nil {
		return fmt.Errorf("an Indexed Job needs spec.completions")
	}
	if hasBackoffLimitPerIndex(job) && !isIndexed(job) {
		return fmt.Errorf("spec.backoffLimitPerIndex needs the Indexed completion mode")
	}
	return nil
}

func (c *Controller) syncJob(ctx context.Context, view *store.View, req controller.Request, job *batchv1.Job) error {
	if job.Status.UncountedTerminatedPods == nil {
		job.Status.UncountedTerminatedPods = &batchv1.UncountedTerminatedPods{}
	}
	pods, err := c.podsForJob(ctx, view, job)
	if err != nil {
		return err
	}
	now := c.now()
	st := &syncState{req: req, job: job, pods: pods, activePods: filterPods(pods, isActive)}
	st.ready = countPods(st.activePods, isReady)
	st.terminating = countPods(pods, isTerminating)
	st.uncounted = newUncountedSets(job.Status.UncountedTerminatedPods)
	active := int32(len(st.activePods))
	newSucceeded, newFailed := st.newFinishedPods()
	st.succeeded = job.Status.Succeeded + int32(len(newSucceeded)) + int32(len(st.uncounted.succeeded))
	st.failed = job.Status.Failed + int32(countedFailures(job, newFailed)) + int32(len(st.uncounted.failed))

	// A Job starts when it is first synced unsuspended.
	if job.Status.StartTime == nil && !isSuspended(job) {
		job.Status.StartTime = ptr.To(metav1.NewTime(now))
	}
	st.newBackoff = c.backoff.next(req.String(), newSucceeded, newFailed)
	c.decideFinish(st, now)

	var manageErr error
	suspendChanged := false
	if st.finishedCondition != nil {
		deletedReady, deleted, err := c.deleteActivePods(ctx, job, st.activePods)
		if deleted != active {
			// Not finished until every active pod is on its way out.
			st.finishedCondition = nil
		}
		active -= deleted
		st.terminating += deleted
		st.ready -= deletedReady
		manageErr = err
	} else {
		managed := false
		if job.DeletionTimestamp == nil {
			active, manageErr = c.manageJob(ctx, job, st, now)
			managed = true
		}
		if complete(job, st.succeeded, active) {
			st.finishedCondition = newSuccessCondition(now)
		} else if managed {
			// Conditions and events follow the sync that acted.
			suspendChanged = c.updateSuspended(job, now)
		}
	}

	terminating, ready := st.terminating, st.ready
	needsUpdate := suspendChanged || active != job.Status.Active ||
		!ptr.Equal(&ready, job.Status.Ready) || !ptr.Equal(&terminating, job.Status.Terminating)
	job.Status.Active = active
	job.Status.Ready = &ready
	job.Status.Terminating = &terminating
	if err := c.trackStatus(ctx, st, needsUpdate, now); err != nil {
		return fmt.Errorf("tracking status: %w", err)
	}
	return manageErr
}

// newFinishedPods are the pods that succeeded or failed since the last
// sync: still holding the finalizer, not yet in uncountedTerminatedPods,
// and for Indexed Jobs with a valid index.
func (st *syncState) newFinishedPods() (succeeded, failed []*corev1.Pod) {
	for _, p := range st.pods {
		uid := string(p.UID)
		if !hasTrackingFinalizer(p) {
			continue
		}
		if isIndexed(st.job) {
			if _, ok := validIndex(p, *st.job.Spec.Completions); !ok {
				continue
			}
		}
		switch {
		case p.Status.Phase == corev1.PodSucceeded && !st.uncounted.succeeded[uid]:
			succeeded = append(succeeded, p)
		case isPodFailed(p, st.job) && !st.uncounted.failed[uid]:
			failed = append(failed, p)
		}
	}
	return succeeded, failed
}

// decideFinish works out whether the Job fails or meets its success
// criteria now: by a condition already recorded, the pod failure policy,
// the backoff limits, the active deadline, the failed indexes or the
// success policy, in upstream's order.
func (c *Controller) decideFinish(st *syncState, now time.Time) {
	job := st.job
	st.finishedCondition = trueCondition(job, batchv1.JobSuccessCriteriaMet)
	if st.finishedCondition == nil {
		if ft := trueCondition(job, batchv1.JobFailureTarget); ft != nil {
			st.finishedCondition = newCondition(batchv1.JobFailed, corev1.ConditionTrue, ft.Reason, ft.Message, now)
		} else if msg := failJobMessage(job, st.pods); msg != nil {
			st.finishedCondition = newFailureCondition(batchv1.JobReasonPodFailurePolicy, *msg, now)
		}
	}
	if st.finishedCondition == nil {
		switch {
		case st.failed > *job.Spec.BackoffLimit || pastBackoffLimitOnFailure(job, st.pods):
			st.finishedCondition = newFailureCondition(batchv1.JobReasonBackoffLimitExceeded, msgBackoffLimitExceeded, now)
		case pastActiveDeadline(job, now):
			st.finishedCondition = newFailureCondition(batchv1.JobReasonDeadlineExceeded, msgDeadlineExceeded, now)
		case job.Spec.ActiveDeadlineSeconds != nil && !isSuspended(job):
			deadline := job.Status.StartTime.Add(time.Duration(*job.Spec.ActiveDeadlineSeconds) * time.Second)
			c.queue.AddAfter(st.req, deadline.Sub(now))
		}
	}
	if !isIndexed(job) {
		return
	}
	st.prevSucceededIndexes, st.succeededIndexes = succeededIndexes(job, st.pods)
	st.succeeded = int32(st.succeededIndexes.total())
	if hasBackoffLimitPerIndex(job) {
		st.failedIndexes = failedIndexes(job, st.pods)
		if st.finishedCondition == nil {
			failed := st.failedIndexes.total()
			if job.Spec.MaxFailedIndexes != nil && failed > int(*job.Spec.MaxFailedIndexes) {
				st.finishedCondition = newFailureCondition(batchv1.JobReasonMaxFailedIndexesExceeded, msgMaxFailedIndexes, now)
			} else if failed > 0 && failed+st.succeededIndexes.total() >= int(*job.Spec.Completions) {
				st.finishedCondition = newFailureCondition(batchv1.JobReasonFailedIndexes, msgFailedIndexes, now)
			}
		}
		st.delayedDeletion = podsWithDelayedDeletion(st)
	}
	if st.finishedCondition == nil {
		if msg, met := matchSuccessPolicy(job.Spec.SuccessPolicy, *job.Spec.Completions, st.succeededIndexes); met {
			st.finishedCondition = newCondition(batchv1.JobSuccessCriteriaMet, corev1.ConditionTrue, batchv1.JobReasonSuccessPolicy, msg, now)
		}
	}
}

// complete: without completions, some pod succeeded and none is left
// active; with completions, that many succeeded and none is left.
func complete(job *batchv1.Job, succeeded, active int32) bool {
	if active != 0 {
		return false
	}
	if job.Spec.Completions == nil {
		return succeeded > 0
	}
	return succeeded >= *job.Spec.Completions
}

// updateSuspended sets the Suspended condition after a sync that acted,
// with its event; resuming starts the Job's clock again, so that
// activeDeadlineSeconds counts continuous activity. It reports a change.
func (c *Controller) updateSuspended(job *batchv1.Job, now time.Time) bool {
	var changed bool
	if isSuspended(job) {
		job.Status.Conditions, changed = ensureCondition(job.Status.Conditions, batchv1.JobSuspended, corev1.ConditionTrue, "JobSuspended", "Job suspended", now)
		if changed {
			c.recorder.Event(job, corev1.EventTypeNormal, "Suspended", "Job suspended")
		}
		return changed
	}
	job.Status.Conditions, changed = ensureCondition(job.Status.Conditions, batchv1.JobSuspended, corev1.ConditionFalse, "JobResumed", "Job resumed", now)
	if changed {
		c.recorder.Event(job, corev1.EventTypeNormal, "Resumed", "Job resumed")
		job.Status.StartTime = ptr.To(metav1.NewTime(now))
	}
	return changed
}

// pastBackoffLimitOnFailure: with restartPolicy OnFailure, failures are
// container restarts of running and pending pods; it compares their sum
// with the backoff limit.
func pastBackoffLimitOnFailure(job *batchv1.Job, pods []*corev1.Pod) bool {
	if job.Spec.Template.Spec.RestartPolicy != corev1.RestartPolicyOnFailure {
		return false
	}
	var restarts int32
	for _, p := range pods {
		if p.Status.Phase != corev1.PodRunning && p.Status.Phase != corev1.PodPending {
			continue
		}
		for _, st := range p.Status.InitContainerStatuses {
			restarts += st.RestartCount
		}
		for _, st := range p.Status.ContainerStatuses {
			restarts += st.RestartCount
		}
	}
	if *job.Spec.BackoffLimit == 0 {
		return restarts > 0
	}
	return restarts >= *job.Spec.BackoffLimit
}

// pastActiveDeadline: a running Job has been active for
// activeDeadlineSeconds.
func pastActiveDeadline(job *batchv1.Job, now time.Time) bool {
	if job.Spec.ActiveDeadlineSeconds == nil || job.Status.StartTime == nil || isSuspended(job) {
		return false
	}
	return now.Sub(job.Status.StartTime.Time) >= time.Duration(*job.Spec.ActiveDeadlineSeconds)*time.Second
}
