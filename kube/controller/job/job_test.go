package job_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
)

// TestCompletionsWithParallelism runs 5 completions 2 at a time: never
// more than 2 pods run, and the Job completes with upstream's status,
// conditions and events.
func TestCompletionsWithParallelism(t *testing.T) {
	env, c := start(t)
	create(t, c, newJob("work", 5, 2, 0, 10*time.Second))
	maxRunning := 0
	for i := 0; i < 60; i++ {
		env.Advance(time.Second)
		maxRunning = max(maxRunning, running(jobPods(t, c, "work")))
		if job := getJob(t, c, "work"); job.Status.Active > 2 {
			t.Fatalf("at %v status.active = %d, want at most 2", env.Clock().Now(), job.Status.Active)
		}
	}
	if maxRunning != 2 {
		t.Errorf("at most %d pods ran at once, want 2", maxRunning)
	}
	job := getJob(t, c, "work")
	want := []string{
		"SuccessCriteriaMet=True CompletionsReached: Reached expected number of succeeded pods",
		"Complete=True CompletionsReached: Reached expected number of succeeded pods",
	}
	if diff := cmp.Diff(want, conditions(job)); diff != "" {
		t.Errorf("conditions (-want +got):\n%s", diff)
	}
	if job.Status.Succeeded != 5 || job.Status.Failed != 0 || job.Status.Active != 0 || job.Status.CompletionTime == nil || job.Status.StartTime == nil {
		t.Errorf("status = %+v", job.Status)
	}
	if u := job.Status.UncountedTerminatedPods; u == nil || len(u.Succeeded)+len(u.Failed) != 0 {
		t.Errorf("uncountedTerminatedPods = %+v, want empty", u)
	}
	for _, p := range jobPods(t, c, "work") {
		for _, f := range p.Finalizers {
			if f == batchv1.JobTrackingFinalizer {
				t.Errorf("pod %s still has the tracking finalizer", p.Name)
			}
		}
	}
	ev := events(t, c, "work")
	if countPrefix(ev, "SuccessfulCreate: Created pod: work-") != 5 || countPrefix(ev, "Completed: Job completed") != 1 {
		t.Errorf("events = %q", ev)
	}
	t.Logf("start %v completion %v", job.Status.StartTime, job.Status.CompletionTime)
}
