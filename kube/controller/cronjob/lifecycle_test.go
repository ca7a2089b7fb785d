package cronjob_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/kube"
	"github.com/kubesim/kubesim/testkit"
)

// TestSuspend: suspending a CronJob lets its running Job finish but
// starts no other; resuming runs the next firing on time. The firings
// missed while suspended are not run late: the most recent one, 00:05,
// is past its startingDeadlineSeconds when the CronJob resumes.
func TestSuspend(t *testing.T) {
	t.Parallel()
	env, c := start(t)
	cj := newCronJob("pause", "*/1 * * * *", 0, 30*time.Second)
	cj.Spec.StartingDeadlineSeconds = ptr.To[int64](5)
	create(t, c, cj)
	env.Advance(70 * time.Second) // the 00:01 Job runs
	update(t, c, "pause", func(cj *batchv1.CronJob) { cj.Spec.Suspend = ptr.To(true) })
	env.Advance(4 * time.Minute)
	js := jobs(t, c, "pause")
	if len(js) != 1 || countFinished(js, batchv1.JobComplete) != 1 {
		t.Fatalf("while suspended: %d Jobs, %d complete; want the one that ran, complete", len(js), countFinished(js, batchv1.JobComplete))
	}
	if a := getCronJob(t, c, "pause").Status.Active; len(a) != 0 {
		t.Errorf("status.active %v after the Job finished", a)
	}
	update(t, c, "pause", func(cj *batchv1.CronJob) { cj.Spec.Suspend = ptr.To(false) })
	env.Advance(50 * time.Second) // to 00:06:00
	var names []string
	for _, j := range jobs(t, c, "pause") {
		names = append(names, j.Name)
	}
	want := []string{jobNameAt("pause", kube.DefaultStart.Add(time.Minute)), jobNameAt("pause", kube.DefaultStart.Add(6*time.Minute))}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("Jobs after resuming (-want +got):\n%s", diff)
	}
}

// TestStatusTimes: lastScheduleTime is the firing of the newest Job, and
// lastSuccessfulTime the completion time of the newest successful one,
// also when that Job was not in status.active any more.
func TestStatusTimes(t *testing.T) {
	t.Parallel()
	env, c := start(t, testkit.WithStartTime(kube.DefaultStart.Add(58*time.Minute)))
	create(t, c, newCronJob("times", "0 * * * *", 0, time.Minute))
	env.Advance(time.Minute)
	cj := getCronJob(t, c, "times")
	if cj.Status.LastScheduleTime != nil || cj.Status.LastSuccessfulTime != nil || len(cj.Status.Active) != 0 {
		t.Fatalf("before the first firing: %+v", cj.Status)
	}
	env.Advance(90 * time.Second) // 01:00:30
	cj = getCronJob(t, c, "times")
	hour := kube.DefaultStart.Add(time.Hour)
	if cj.Status.LastScheduleTime == nil || !cj.Status.LastScheduleTime.Time.Equal(hour) || len(cj.Status.Active) != 1 || cj.Status.LastSuccessfulTime != nil {
		t.Fatalf("during the first run: %+v", cj.Status)
	}
	env.Advance(time.Minute) // 01:01:30
	cj = getCronJob(t, c, "times")
	js := jobs(t, c, "times")
	if len(js) != 1 || js[0].Status.CompletionTime == nil {
		t.Fatalf("Jobs %+v", js)
	}
	if len(cj.Status.Active) != 0 || cj.Status.LastSuccessfulTime == nil || !cj.Status.LastSuccessfulTime.Equal(js[0].Status.CompletionTime) {
		t.Errorf("after the first run: %+v, want lastSuccessfulTime %v", cj.Status, js[0].Status.CompletionTime)
	}
	if ev := events(t, c, "times"); !cmp.Equal(ev, []string{
		"SuccessfulCreate: Created job " + js[0].Name,
		"SawCompletedJob: Saw completed job: " + js[0].Name + ", condition: Complete",
	}) {
		t.Errorf("events %q", ev)
	}
}

// TestMissingJob: a Job in status.active that someone deleted leaves the
// list with a MissingJob event, so that Forbid does not wait for it
// forever. (No nodes: the Jobs stay active, their pods pending.)
func TestMissingJob(t *testing.T) {
	t.Parallel()
	env, c := startIdle(t)
	cj := newCronJob("gone", "*/1 * * * *", 0, 5*time.Minute)
	cj.Spec.ConcurrencyPolicy = batchv1.ForbidConcurrent
	create(t, c, cj)
	env.Advance(70 * time.Second)
	first := jobNameAt("gone", kube.DefaultStart.Add(time.Minute))
	if a := getCronJob(t, c, "gone").Status.Active; len(a) != 1 || a[0].Name != first {
		t.Fatalf("status.active %v", a)
	}
	// Deleted behind the controller's back, and without its pods ever
	// finishing.
	orphan := metav1.DeletePropagationOrphan
	if err := c.BatchV1().Jobs(ns).Delete(ctx, first, metav1.DeleteOptions{PropagationPolicy: &orphan}); err != nil {
		t.Fatal(err)
	}
	env.Advance(55 * time.Second) // 00:02:05
	cj = getCronJob(t, c, "gone")
	second := jobNameAt("gone", kube.DefaultStart.Add(2*time.Minute))
	if len(cj.Status.Active) != 1 || cj.Status.Active[0].Name != second {
		t.Errorf("status.active %v, want the 00:02 Job", cj.Status.Active)
	}
	if n := countPrefix(events(t, c, "gone"), "MissingJob: Active job went missing: "+first); n != 1 {
		t.Errorf("%d MissingJob events, want 1", n)
	}
}

// TestUnexpectedJob: a running Job the CronJob controls but did not
// start is reported, not adopted into status.active.
func TestUnexpectedJob(t *testing.T) {
	t.Parallel()
	env, c := startIdle(t)
	cj := create(t, c, newCronJob("adopt", "0 0 * * *", 0, time.Hour))
	job := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{
			Name:            "adopt-manual",
			Labels:          map[string]string{"cron": "adopt"},
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(cj, batchv1.SchemeGroupVersion.WithKind("CronJob"))},
		},
		Spec: cj.Spec.JobTemplate.Spec,
	}
	if _, err := c.BatchV1().Jobs(ns).Create(ctx, job, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(10 * time.Second)
	if n := countPrefix(events(t, c, "adopt"), "UnexpectedJob: Saw a job that the controller did not create or forgot: adopt-manual"); n == 0 {
		t.Error("no UnexpectedJob event")
	}
	if a := getCronJob(t, c, "adopt").Status.Active; len(a) != 0 {
		t.Errorf("status.active %v", a)
	}
}

// TestScheduleChange: a new schedule takes effect from its own next
// firing, without waiting for the old schedule's.
func TestScheduleChange(t *testing.T) {
	t.Parallel()
	env, c := startIdle(t)
	create(t, c, newCronJob("change", "0 0 * * *", 0, time.Second))
	env.Advance(10 * time.Minute)
	update(t, c, "change", func(cj *batchv1.CronJob) { cj.Spec.Schedule = "*/15 * * * *" })
	env.Advance(6 * time.Minute) // 00:16
	js := jobs(t, c, "change")
	if len(js) != 1 || js[0].Name != jobNameAt("change", kube.DefaultStart.Add(15*time.Minute)) {
		t.Errorf("%d Jobs, want the 00:15 one", len(js))
	}
}

// TestDeleteCronJob: deleting a CronJob deletes its Jobs and their pods
// (the garbage collector follows the controller references).
func TestDeleteCronJob(t *testing.T) {
	t.Parallel()
	env, c := startIdle(t)
	create(t, c, newCronJob("doomed", "*/1 * * * *", 0, 10*time.Minute))
	env.Advance(3*time.Minute + 10*time.Second)
	if n := len(jobs(t, c, "doomed")); n != 3 {
		t.Fatalf("%d Jobs running, want 3 (Allow)", n)
	}
	if err := c.BatchV1().CronJobs(ns).Delete(ctx, "doomed", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(time.Minute)
	if _, err := c.BatchV1().CronJobs(ns).Get(ctx, "doomed", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("CronJob still there: %v", err)
	}
	if n := len(jobs(t, c, "doomed")); n != 0 {
		t.Errorf("%d Jobs left", n)
	}
	pods, err := c.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
	if err != nil || len(pods.Items) != 0 {
		t.Errorf("%d pods left, %v", len(pods.Items), err)
	}
}

// TestJobAlreadyExists: if the Job of a firing exists already and the
// CronJob controls it (as after a status update that was lost), the
// firing takes it into status.active instead of making another, and
// sends no SuccessfulCreate.
func TestJobAlreadyExists(t *testing.T) {
	t.Parallel()
	env, c := startIdle(t)
	cj := create(t, c, newCronJob("early", "*/5 * * * *", 0, time.Minute))
	firing := kube.DefaultStart.Add(5 * time.Minute)
	job := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{
			Name:            jobNameAt("early", firing),
			Labels:          map[string]string{"cron": "early"},
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(cj, batchv1.SchemeGroupVersion.WithKind("CronJob"))},
		},
		Spec: cj.Spec.JobTemplate.Spec,
	}
	made, err := c.BatchV1().Jobs(ns).Create(ctx, job, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	env.Advance(5 * time.Minute)
	if js := jobs(t, c, "early"); len(js) != 1 || js[0].UID != made.UID {
		t.Errorf("%d Jobs, want only the one made beforehand", len(js))
	}
	st := getCronJob(t, c, "early").Status
	if len(st.Active) != 1 || st.Active[0].UID != made.UID || st.LastScheduleTime == nil || !st.LastScheduleTime.Time.Equal(firing) {
		t.Errorf("status %+v, want the Job active and lastScheduleTime %v", st, firing)
	}
	if n := countPrefix(events(t, c, "early"), "SuccessfulCreate:"); n != 0 {
		t.Errorf("%d SuccessfulCreate events", n)
	}
}
