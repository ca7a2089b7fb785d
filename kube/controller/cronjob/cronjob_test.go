package cronjob_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"k8s.io/client-go/kubernetes"

	"github.com/kubesim/kubesim/kube"
	"github.com/kubesim/kubesim/testkit"
)

// TestFailedJobsHistoryLimit keeps one failed Job.
func TestFailedJobsHistoryLimit(t *testing.T) {
	t.Parallel()
	env, c := start(t)
	create(t, c, newCronJob("fail", "*/1 * * * *", 1, time.Second))
	env.Advance(3*time.Minute + 30*time.Second)
	js := jobs(t, c, "fail")
	if len(js) != 1 || countFinished(js, batchv1.JobFailed) != 1 || js[0].Name != jobNameAt("fail", kube.DefaultStart.Add(3*time.Minute)) {
		t.Errorf("%d Jobs, want only the last, failed", len(js))
	}
	if n := countPrefix(events(t, c, "fail"), "SuccessfulDelete: Deleted job fail-"); n != 2 {
		t.Errorf("%d failed Jobs deleted, want 2", n)
	}
}

// TestForbid: with Jobs that run 90 s every minute, a firing while one
// runs is not started then (JobAlreadyActive), and there are never two
// running. As upstream, without startingDeadlineSeconds the firing
// missed is still unmet when the running Job finishes, so it starts at
// that moment, late, under its own scheduled name.
func TestForbid(t *testing.T) {
	t.Parallel()
	env, c := start(t)
	cj := newCronJob("forbid", "*/1 * * * *", 0, 90*time.Second)
	cj.Spec.ConcurrencyPolicy = batchv1.ForbidConcurrent
	cj.Spec.SuccessfulJobsHistoryLimit = ptr.To[int32](20)
	create(t, c, cj)
	neverTwo(t, env, c, "forbid", 6*time.Minute)
	js := jobs(t, c, "forbid")
	if len(js) < 3 {
		t.Fatalf("%d Jobs in 6 minutes, want at least 3", len(js))
	}
	for i := 1; i < len(js); i++ {
		prev, cur := js[i-1], js[i]
		scheduled := scheduledTime(t, cur)
		created := cur.CreationTimestamp.Time
		if jobNameAt("forbid", scheduled) != cur.Name {
			t.Errorf("%s: annotation says %v", cur.Name, scheduled)
		}
		// On time if the previous Job was done by then, else as it
		// finished, and always for the last firing before that.
		want := scheduled
		if done := prev.Status.CompletionTime; done != nil && done.Time.After(scheduled) {
			want = done.Time
		}
		if !created.Equal(want) || !lastFiringBefore(created).Equal(scheduled) {
			t.Errorf("%s (for %v) created at %v, want %v; previous Job finished at %v", cur.Name, scheduled, created, want, prev.Status.CompletionTime)
		}
	}
	if n := countPrefix(events(t, c, "forbid"), "JobAlreadyActive: Not starting job because prior execution is running and concurrency policy is Forbid"); n == 0 {
		t.Error("no JobAlreadyActive event")
	}
}

// TestForbidWithDeadline: with startingDeadlineSeconds shorter than the
// overrun, a firing skipped under Forbid is skipped for good, so Jobs of
// 90 s every minute run every other minute, on the minute.
func TestForbidWithDeadline(t *testing.T) {
	t.Parallel()
	env, c := start(t)
	cj := newCronJob("forbid", "*/1 * * * *", 0, 90*time.Second)
	cj.Spec.ConcurrencyPolicy = batchv1.ForbidConcurrent
	cj.Spec.StartingDeadlineSeconds = ptr.To[int64](10)
	cj.Spec.SuccessfulJobsHistoryLimit = ptr.To[int32](20)
	create(t, c, cj)
	neverTwo(t, env, c, "forbid", 6*time.Minute)
	var got, want []string
	for _, j := range jobs(t, c, "forbid") {
		got = append(got, j.Name+" "+j.CreationTimestamp.UTC().Format(time.TimeOnly))
	}
	for m := 1; m <= 5; m += 2 {
		at := kube.DefaultStart.Add(time.Duration(m) * time.Minute)
		want = append(want, jobNameAt("forbid", at)+" "+at.Format(time.TimeOnly))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Jobs (-want +got):\n%s", diff)
	}
}

// neverTwo advances d in 15 s steps (the Jobs run for 90) and fails if
// a CronJob ever has two Jobs running or two in status.active.
func neverTwo(t *testing.T, env *testkit.Env, c kubernetes.Interface, name string, d time.Duration) {
	t.Helper()
	for end := env.Clock().Now().Add(d); env.Clock().Now().Before(end); {
		env.Advance(15 * time.Second)
		if n := unfinished(jobs(t, c, name)); n > 1 {
			t.Fatalf("at %v: %d Jobs running", env.Clock().Now(), n)
		}
		if a := getCronJob(t, c, name).Status.Active; len(a) > 1 {
			t.Fatalf("at %v: status.active %v", env.Clock().Now(), a)
		}
	}
}

// TestReplace: each firing deletes the Job still running from the last.
func TestReplace(t *testing.T) {
	t.Parallel()
	env, c := start(t)
	cj := newCronJob("replace", "*/1 * * * *", 0, 90*time.Second)
	cj.Spec.ConcurrencyPolicy = batchv1.ReplaceConcurrent
	create(t, c, cj)
	neverTwo(t, env, c, "replace", 4*time.Minute)
	ev := events(t, c, "replace")
	if created, deleted := countPrefix(ev, "SuccessfulCreate:"), countPrefix(ev, "SuccessfulDelete: Deleted job replace-"); created != 4 || deleted != 3 {
		t.Errorf("%d created, %d replaced in 4 minutes; want 4 and 3: %q", created, deleted, ev)
	}
	js := jobs(t, c, "replace")
	if len(js) != 1 || js[0].Name != jobNameAt("replace", kube.DefaultStart.Add(4*time.Minute)) {
		t.Errorf("%d Jobs left, want the newest only", len(js))
	}
}

// TestTooManyMissedTimes: resumed after two hours suspended, the CronJob
// warns about the 120 missed firings and runs the most recent one only.
func TestTooManyMissedTimes(t *testing.T) {
	t.Parallel()
	env, c := startIdle(t) // the Job need not run; two idle hours cost nothing
	cj := newCronJob("late", "*/1 * * * *", 0, time.Second)
	cj.Spec.Suspend = ptr.To(true)
	create(t, c, cj)
	env.Advance(2*time.Hour + 30*time.Second)
	if js := jobs(t, c, "late"); len(js) != 0 {
		t.Fatalf("a suspended CronJob ran %d Jobs", len(js))
	}
	update(t, c, "late", func(cj *batchv1.CronJob) { cj.Spec.Suspend = ptr.To(false) })
	env.Settle()
	ev := events(t, c, "late")
	want := []string{
		"TooManyMissedTimes: too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew",
		"SuccessfulCreate: Created job " + jobNameAt("late", kube.DefaultStart.Add(2*time.Hour)),
	}
	if diff := cmp.Diff(want, ev); diff != "" {
		t.Errorf("events on resume (-want +got):\n%s", diff)
	}
}

// TestStartingDeadlineSeconds: a firing missed by more than the deadline
// is not run late; without a deadline the most recent one is.
func TestStartingDeadlineSeconds(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name     string
		deadline *int64
		want     []string // Jobs right after resuming at 00:05:30
	}{
		{"no deadline", nil, []string{jobNameAt("dl", kube.DefaultStart.Add(5*time.Minute))}},
		{"missed by more than the deadline", ptr.To[int64](20), nil},
		{"within the deadline", ptr.To[int64](60), []string{jobNameAt("dl", kube.DefaultStart.Add(5*time.Minute))}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env, c := startIdle(t)
			cj := newCronJob("dl", "*/1 * * * *", 0, time.Second)
			cj.Spec.Suspend = ptr.To(true)
			cj.Spec.StartingDeadlineSeconds = tt.deadline
			create(t, c, cj)
			env.Advance(5*time.Minute + 30*time.Second)
			update(t, c, "dl", func(cj *batchv1.CronJob) { cj.Spec.Suspend = ptr.To(false) })
			env.Settle()
			var names []string
			for _, j := range jobs(t, c, "dl") {
				names = append(names, j.Name)
			}
			if diff := cmp.Diff(tt.want, names); diff != "" {
				t.Errorf("Jobs on resume (-want +got):\n%s", diff)
			}
			env.Advance(30 * time.Second)
			if js := jobs(t, c, "dl"); len(js) != len(tt.want)+1 || js[len(js)-1].Name != jobNameAt("dl", kube.DefaultStart.Add(6*time.Minute)) {
				t.Errorf("the 00:06 firing did not run: %d Jobs", len(js))
			}
		})
	}
}

// TestTimeZone: "0 9 * * *" in America/New_York runs at 14:00 UTC in
// winter and 13:00 UTC from the spring-forward night on; "30 1 * * *"
// runs twice on the fall-back night, at 01:30 EDT and 01:30 EST, as
// robfig/cron (which kube-controller-manager uses) has it. The
// annotation gives the time in the CronJob's zone. The Jobs are
// suspended and there are no nodes, so the Jobs stay active and days go
// by in milliseconds.
func TestTimeZone(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, schedule string
		from           time.Time
		span           time.Duration
		want           []string // scheduled-timestamp annotations
	}{
		{"spring forward", "0 9 * * *", time.Date(2025, 3, 7, 0, 0, 0, 0, time.UTC), 86 * time.Hour, []string{
			"2025-03-07T09:00:00-05:00", "2025-03-08T09:00:00-05:00", "2025-03-09T09:00:00-04:00", "2025-03-10T09:00:00-04:00",
		}},
		{"fall back", "30 1 * * *", time.Date(2025, 11, 1, 12, 0, 0, 0, time.UTC), 48 * time.Hour, []string{
			"2025-11-02T01:30:00-04:00", "2025-11-02T01:30:00-05:00", "2025-11-03T01:30:00-05:00",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env, c := startIdle(t, testkit.WithStartTime(tt.from))
			cj := newCronJob("tz", tt.schedule, 0, time.Second)
			cj.Spec.TimeZone = ptr.To("America/New_York")
			cj.Spec.JobTemplate.Spec.Suspend = ptr.To(true) // no pods to schedule
			create(t, c, cj)
			env.Advance(tt.span)
			var got, want []string
			for _, j := range jobs(t, c, "tz") {
				got = append(got, j.Name+" "+j.Annotations[batchv1.CronJobScheduledTimestampAnnotation])
			}
			for _, w := range tt.want {
				at, err := time.Parse(time.RFC3339, w)
				if err != nil {
					t.Fatal(err)
				}
				want = append(want, jobNameAt("tz", at)+" "+w)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Jobs (-want +got):\n%s", diff)
			}
			if a := getCronJob(t, c, "tz").Status.Active; len(a) != len(tt.want) {
				t.Errorf("%d active Jobs, want %d", len(a), len(tt.want))
			}
		})
	}
}

// TestBadSchedules: the API server refuses an unparseable schedule or an
// unknown time zone, with upstream's validation messages, so no Job is
// ever made for them. (The controller still reports such schedules with
// an event, for objects stored under older rules.)
func TestBadSchedules(t *testing.T) {
	t.Parallel()
	_, c := startIdle(t)
	bogus := newCronJob("bogus", "every day", 0, time.Second)
	mars := newCronJob("mars", "*/1 * * * *", 0, time.Second)
	mars.Spec.TimeZone = ptr.To("Mars/Olympus")
	for _, tc := range []struct {
		cj   *batchv1.CronJob
		want string
	}{
		{bogus, `CronJob.batch "bogus" is invalid: spec.schedule: Invalid value: "every day": expected exactly 5 fields, found 2: [every day]`},
		{mars, `CronJob.batch "mars" is invalid: spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus`},
	} {
		_, err := c.BatchV1().CronJobs(ns).Create(ctx, tc.cj, metav1.CreateOptions{})
		if !apierrors.IsInvalid(err) || err.Error() != tc.want {
			t.Errorf("create %s: err = %v, want %q", tc.cj.Name, err, tc.want)
		}
	}
}
