package cronjob

import (
	"context"
	"sort"

	batchv1 "k8s.io/api/batch/v1"
)

// cleanupFinishedJobs deletes the oldest finished Jobs beyond the history
// limits; it reports whether the status changed.
func (c *Controller) cleanupFinishedJobs(ctx context.Context, cj *batchv1.CronJob, jobs []*batchv1.Job) bool {
	var succeeded, failed []*batchv1.Job
	for _, j := range jobs {
		switch _, status := finishedStatus(j); status {
		case batchv1.JobComplete:
			succeeded = append(succeeded, j)
		case batchv1.JobFailed:
			failed = append(failed, j)
		}
	}
	a := c.removeOldestJobs(ctx, cj, succeeded, *cj.Spec.SuccessfulJobsHistoryLimit)
	b := c.removeOldestJobs(ctx, cj, failed, *cj.Spec.FailedJobsHistoryLimit)
	return a || b
}

// removeOldestJobs deletes all but the newest keep Jobs, oldest first by
// start time (then name), as upstream's byJobStartTime sorts them.
func (c *Controller) removeOldestJobs(ctx context.Context, cj *batchv1.CronJob, jobs []*batchv1.Job, keep int32) bool {
	n := len(jobs) - int(keep)
	if n <= 0 {
		return false
	}
	jobs = append([]*batchv1.Job(nil), jobs...)
	sort.SliceStable(jobs, func(i, j int) bool { return startedBefore(jobs[i], jobs[j]) })
	updated := false
	for _, job := range jobs[:n] {
		if c.deleteJob(ctx, cj, job) {
			updated = true
		}
	}
	return updated
}

func startedBefore(a, b *batchv1.Job) bool {
	sa, sb := a.Status.StartTime, b.Status.StartTime
	switch {
	case sa == nil && sb != nil:
		return false
	case sa != nil && sb == nil:
		return true
	case sa.Equal(sb):
		return a.Name < b.Name
	}
	return sa.Before(sb)
}
