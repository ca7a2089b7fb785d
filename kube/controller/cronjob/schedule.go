package cronjob

import (
	"fmt"
	"strings"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kubesim/kubesim/kube/controller/cronjob/cron"
)

// missed says how many schedule times went by without a Job.
type missed int

const (
	noneMissed missed = iota
	fewMissed
	manyMissed
)

// tooManyMissed is upstream's threshold for warning about missed times.
const tooManyMissed = 100

// recorder is the part of events.Recorder the schedule helpers use.
type recorder interface {
	Eventf(obj runtime.Object, eventtype, reason, messageFmt string, args ...any)
}

// mostRecentScheduleTime returns (upstream's mostRecentScheduleTime):
//   - the time missed schedules are counted from: the last schedule time,
//     else the CronJob's creation, or, when includeDeadline, no earlier
//     than startingDeadlineSeconds ago;
//   - the most recent schedule time up to now after it, or nil;
//   - how many schedule times went by;
//   - an error for a schedule that fires less than a second apart, which
//     is how a schedule that never fires ("0 0 30 2 *") shows.
//
// Like upstream it counts missed times from the interval between the
// next two firings, and only walks the schedule near now.
func mostRecentScheduleTime(cj *batchv1.CronJob, now time.Time, sched cron.Schedule, includeDeadline bool) (time.Time, *time.Time, missed, error) {
	earliest := cj.CreationTimestamp.Time
	if cj.Status.LastScheduleTime != nil {
		earliest = cj.Status.LastScheduleTime.Time
	}
	if includeDeadline && cj.Spec.StartingDeadlineSeconds != nil {
		if deadline := now.Add(-time.Duration(*cj.Spec.StartingDeadlineSeconds) * time.Second); deadline.After(earliest) {
			earliest = deadline
		}
	}
	t1 := sched.Next(earliest)
	t2 := sched.Next(t1)
	if now.Before(t1) {
		return earliest, nil, noneMissed, nil
	}
	if now.Before(t2) {
		return earliest, &t1, noneMissed, nil
	}
	interval := int64(t2.Sub(t1).Round(time.Second).Seconds())
	if interval < 1 {
		return earliest, nil, noneMissed, fmt.Errorf("time difference between two schedules is less than 1 second")
	}
	count := int64(now.Sub(t1).Seconds())/interval + 1
	// Start a little before the estimate of the last firing and let the
	// schedule find it, which also suits irregular schedules.
	var mostRecent time.Time
	from := t1.Add(time.Duration((count-2)*interval) * time.Second)
	for t := sched.Next(from); !t.After(now); t = sched.Next(t) {
		mostRecent = t
	}
	m := fewMissed
	if count > tooManyMissed {
		m = manyMissed
	}
	if mostRecent.IsZero() {
		return earliest, nil, m, nil
	}
	return earliest, &mostRecent, m, nil
}

// nextScheduleTimeDuration is how long until the CronJob's next firing
// after the most recent one (upstream adds 100 ms for clock skew between
// machines; on the virtual clock timers fire exactly, so the sync happens
// at the firing time itself and advancing N minutes runs N firings).
// It returns nil when the schedule does not fire again within the
// parser's five-year horizon: there is nothing to wait for, and a
// negative delay would make the controller spin.
func nextScheduleTimeDuration(cj *batchv1.CronJob, now time.Time, sched cron.Schedule) *time.Duration {
	earliest, mostRecent, m, err := mostRecentScheduleTime(cj, now, sched, false)
	switch {
	case err != nil:
		mostRecent = &now
	case mostRecent == nil && m == noneMissed:
		mostRecent = &earliest
	case mostRecent == nil:
		mostRecent = &now
	}
	next := sched.Next(*mostRecent)
	if next.IsZero() {
		return nil
	}
	d := next.Sub(now)
	return &d
}

// nextScheduleTime returns the schedule time to run now, if any, warning
// when more than 100 went by.
func nextScheduleTime(cj *batchv1.CronJob, now time.Time, sched cron.Schedule, rec recorder) (*time.Time, error) {
	_, mostRecent, m, err := mostRecentScheduleTime(cj, now, sched, true)
	if mostRecent == nil || mostRecent.After(now) {
		return nil, err
	}
	if m == manyMissed {
		rec.Eventf(cj, corev1.EventTypeWarning, "TooManyMissedTimes", "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew")
	}
	return mostRecent, err
}

// formatSchedule prefixes the schedule with the CronJob's time zone. A
// schedule with its own TZ= or CRON_TZ= is used as it is, with a warning
// (when rec is given).
func formatSchedule(cj *batchv1.CronJob, rec recorder) string {
	if strings.Contains(cj.Spec.Schedule, "TZ") {
		if rec != nil {
			rec.Eventf(cj, corev1.EventTypeWarning, "UnsupportedSchedule", "CRON_TZ or TZ used in schedule %q is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details", cj.Spec.Schedule)
		}
		return cj.Spec.Schedule
	}
	if cj.Spec.TimeZone != nil {
		if _, err := time.LoadLocation(*cj.Spec.TimeZone); err != nil {
			return cj.Spec.Schedule
		}
		return fmt.Sprintf("TZ=%s %s", *cj.Spec.TimeZone, cj.Spec.Schedule)
	}
	return cj.Spec.Schedule
}

// jobName is "<cronjob>-<scheduled time in minutes since the epoch>":
// one name per firing, so that a firing never makes two Jobs.
func jobName(cj *batchv1.CronJob, scheduled time.Time) string {
	return fmt.Sprintf("%s-%d", cj.Name, scheduled.Unix()/60)
}
