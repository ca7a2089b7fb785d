package cronjob

import (
	"context"
	"fmt"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/klog/v2"

	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/kube/controller/cronjob/cron"
	"github.com/kubesim/kubesim/store"
)

// Reconcile syncs one CronJob (upstream's sync): it cleans up finished
// Jobs, runs the schedule, writes the status once, and asks to come back
// at the next firing.
func (c *Controller) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	view := c.store.View()
	shared, ok := view.Get(cronJobsResource, req.Namespace, req.Name).(*batchv1.CronJob)
	if !ok {
		return controller.Result{}, nil
	}
	jobs := jobsToReconcile(view, shared)
	cj := shared.DeepCopy()
	withDefaults(cj)
	updateAfterCleanup := c.cleanupFinishedJobs(ctx, cj, jobs)
	requeueAfter, updateAfterSync, syncErr := c.syncCronJob(ctx, &cj, jobs)
	if syncErr != nil {
		klog.V(2).InfoS("Error reconciling cronjob", "cronjob", req.String(), "err", syncErr)
	}
	if updateAfterCleanup || updateAfterSync {
		if _, err := c.client.BatchV1().CronJobs(cj.Namespace).UpdateStatus(ctx, cj, metav1.UpdateOptions{}); err != nil {
			return controller.Result{}, fmt.Errorf("update status of cronjob %s: %w", req, err)
		}
	}
	if requeueAfter != nil {
		return controller.Result{RequeueAfter: max(*requeueAfter, time.Nanosecond)}, nil
	}
	return controller.Result{}, syncErr
}

// jobsToReconcile lists the Jobs of the namespace whose controller
// reference names the CronJob. Upstream matches the name only, and so
// does this.
func jobsToReconcile(view *store.View, cj *batchv1.CronJob) []*batchv1.Job {
	var out []*batchv1.Job
	view.List(jobsResource, cj.Namespace, func(obj runtime.Object) bool {
		job := obj.(*batchv1.Job)
		if ref := metav1.GetControllerOfNoCopy(job); ref != nil && ref.Name == cj.Name {
			out = append(out, job)
		}
		return true
	})
	return out
}

// syncCronJob reconciles the CronJob with its Jobs and, if a firing is
// due, starts its Job (upstream's syncCronJob). It returns when to look
// again (nil: only when something changes), whether the status changed,
// and an error to retry after. *pcj is the copy whose status the caller
// writes; reconcileActive may replace it by a fresher one.
func (c *Controller) syncCronJob(ctx context.Context, pcj **batchv1.CronJob, jobs []*batchv1.Job) (*time.Duration, bool, error) {
	now := c.now()
	updated, err := c.reconcileActive(ctx, pcj, jobs)
	cj := *pcj
	if err != nil || cj.DeletionTimestamp != nil {
		return nil, updated, err
	}
	sched := c.activeSchedule(cj)
	if sched == nil {
		return nil, updated, nil
	}
	scheduled, err := nextScheduleTime(cj, now, sched, c.recorder)
	if err != nil {
		c.recorder.Eventf(cj, corev1.EventTypeWarning, "InvalidSchedule", "invalid schedule: %s : %s", cj.Spec.Schedule, err)
		return nil, updated, nil
	}
	next := func() (*time.Duration, bool, error) {
		return nextScheduleTimeDuration(cj, now, sched), updated, nil
	}
	if scheduled == nil {
		return next()
	}
	if d := cj.Spec.StartingDeadlineSeconds; d != nil && scheduled.Add(time.Duration(*d)*time.Second).Before(now) {
		c.recorder.Eventf(cj, corev1.EventTypeWarning, "MissSchedule", "Missed scheduled time to start a job: %s", scheduled.UTC().Format(time.RFC1123Z))
		return next()
	}
	if inActiveListByName(cj, jobName(cj, *scheduled)) || (cj.Status.LastScheduleTime != nil && cj.Status.LastScheduleTime.Time.Equal(*scheduled)) {
		return next() // this firing already ran
	}
	if cj.Spec.ConcurrencyPolicy == batchv1.ForbidConcurrent && len(cj.Status.Active) > 0 {
		c.recorder.Eventf(cj, corev1.EventTypeNormal, "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid")
		return next()
	}
	if cj.Spec.ConcurrencyPolicy == batchv1.ReplaceConcurrent {
		replaced, err := c.replaceActive(ctx, cj)
		updated = updated || replaced
		if err != nil {
			return nil, updated, err
		}
	}
	started, err := c.startJob(ctx, cj, *scheduled)
	if err != nil || !started {
		return nil, updated, err
	}
	updated = true // status.active and lastScheduleTime
	return next()
}

// activeSchedule returns the CronJob's schedule, or nil when it is not
// to run until its spec changes: suspended, or (with a warning event) in
// an unknown time zone or unparseable. Validation rejects the last two
// on writes, but objects stored under older rules may have them.
func (c *Controller) activeSchedule(cj *batchv1.CronJob) cron.Schedule {
	if cj.Spec.TimeZone != nil {
		if _, err := time.LoadLocation(*cj.Spec.TimeZone); err != nil {
			c.recorder.Eventf(cj, corev1.EventTypeWarning, "UnknownTimeZone", "invalid timeZone: %q: %s", *cj.Spec.TimeZone, err)
			return nil
		}
	}
	if cj.Spec.Suspend != nil && *cj.Spec.Suspend {
		return nil
	}
	sched, err := cron.Parse(formatSchedule(cj, c.recorder))
	if err != nil {
		c.recorder.Eventf(cj, corev1.EventTypeWarning, "UnparseableSchedule", "unparseable schedule: %q : %s", cj.Spec.Schedule, err)
		return nil
	}
	return sched
}

// reconcileActive brings status.active and status.lastSuccessfulTime in
// line with the Jobs; it may replace *cj by a fresher copy, as upstream
// does when it sees a running Job missing from the list.
func (c *Controller) reconcileActive(ctx context.Context, pcj **batchv1.CronJob, jobs []*batchv1.Job) (bool, error) {
	cj := *pcj
	updated := false
	children := map[types.UID]bool{}
	for _, j := range jobs {
		children[j.UID] = true
		found := inActiveList(cj, j.UID)
		finished, status := finishedStatus(j)
		if !found && !finished {
			// Maybe created by a sync whose status update is newer than
			// the copy read at the start: look again.
			if fresh, ok := c.store.View().Get(cronJobsResource, cj.Namespace, cj.Name).(*batchv1.CronJob); ok && inActiveList(fresh, j.UID) {
				cj = fresh.DeepCopy()
				withDefaults(cj)
				*pcj = cj
				continue
			}
			c.recorder.Eventf(cj, corev1.EventTypeWarning, "UnexpectedJob", "Saw a job that the controller did not create or forgot: %s", j.Name)
			continue
		}
		if !finished {
			continue
		}
		if found {
			deleteFromActiveList(cj, j.UID)
			c.recorder.Eventf(cj, corev1.EventTypeNormal, "SawCompletedJob", "Saw completed job: %s, condition: %v", j.Name, status)
			updated = true
		}
		// A Job need not be active to count as the last success.
		if t := j.Status.CompletionTime; status == batchv1.JobComplete && t != nil &&
			(cj.Status.LastSuccessfulTime == nil || t.After(cj.Status.LastSuccessfulTime.Time)) {
			cj.Status.LastSuccessfulTime = t.DeepCopy()
			updated = true
		}
	}
	// A Job in the list that is gone would keep the CronJob busy forever.
	for _, ref := range append([]corev1.ObjectReference(nil), cj.Status.Active...) {
		if children[ref.UID] {
			continue
		}
		if _, err := c.client.BatchV1().Jobs(ref.Namespace).Get(ctx, ref.Name, metav1.GetOptions{}); apierrors.IsNotFound(err) {
			c.recorder.Eventf(cj, corev1.EventTypeNormal, "MissingJob", "Active job went missing: %v", ref.Name)
			deleteFromActiveList(cj, ref.UID)
			updated = true
		} else if err != nil {
			return updated, err
		}
	}
	return updated, nil
}
