package job_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
)

// finishedAt is when a pod's container ended.
func finishedAt(p corev1.Pod) time.Time {
	for _, st := range p.Status.ContainerStatuses {
		if st.State.Terminated != nil {
			return st.State.Terminated.FinishedAt.Time
		}
	}
	return time.Time{}
}

// TestBackoffLimitExceeded: with backoffLimit 3 each failed pod is
// replaced after 10 s, 20 s, then 40 s, counted from its end; the fourth
// failure fails the Job.
func TestBackoffLimitExceeded(t *testing.T) {
	env, c := start(t)
	job := newJob("flaky", 1, 1, 1, 2*time.Second)
	job.Spec.BackoffLimit = ptr.To[int32](3)
	create(t, c, job)
	env.Advance(3 * time.Minute)

	pods := jobPods(t, c, "flaky")
	if len(pods) != 4 {
		t.Fatalf("%d pods, want 4", len(pods))
	}
	var delays []time.Duration
	for i := 1; i < len(pods); i++ {
		delays = append(delays, pods[i].CreationTimestamp.Sub(finishedAt(pods[i-1])))
	}
	if diff := cmp.Diff([]time.Duration{10 * time.Second, 20 * time.Second, 40 * time.Second}, delays); diff != "" {
		t.Errorf("delay from a failure to the next pod (-want +got):\n%s", diff)
	}
	got := getJob(t, c, "flaky")
	want := []string{
		"FailureTarget=True BackoffLimitExceeded: Job has reached the specified backoff limit",
		"Failed=True BackoffLimitExceeded: Job has reached the specified backoff limit",
	}
	if diff := cmp.Diff(want, conditions(got)); diff != "" {
		t.Errorf("conditions (-want +got):\n%s", diff)
	}
	if got.Status.Failed != 4 || got.Status.Succeeded != 0 || got.Status.Active != 0 || got.Status.CompletionTime != nil {
		t.Errorf("status = %+v", got.Status)
	}
	ev := events(t, c, "flaky")
	if countPrefix(ev, "BackoffLimitExceeded: Job has reached the specified backoff limit") != 1 || countPrefix(ev, "SuccessfulCreate:") != 4 {
		t.Errorf("events = %q", ev)
	}
}

// TestActiveDeadlineSeconds: at the deadline the Job stops its pods and
// fails; the pods count as failed once they are gone.
func TestActiveDeadlineSeconds(t *testing.T) {
	env, c := start(t)
	job := newJob("slow", 4, 2, 0, time.Hour)
	job.Spec.ActiveDeadlineSeconds = ptr.To[int64](30)
	job.Spec.Template.Spec.TerminationGracePeriodSeconds = ptr.To[int64](5)
	create(t, c, job)
	env.Advance(29 * time.Second)
	if got := getJob(t, c, "slow"); len(got.Status.Conditions) != 0 || got.Status.Active != 2 {
		t.Fatalf("before the deadline: %+v", got.Status)
	}
	env.Advance(time.Second)
	got := getJob(t, c, "slow")
	if diff := cmp.Diff([]string{"FailureTarget=True DeadlineExceeded: Job was active longer than specified deadline"}, conditions(got)); diff != "" {
		t.Errorf("at the deadline (-want +got):\n%s", diff)
	}
	if got.Status.Active != 0 || ptr.Deref(got.Status.Terminating, -1) != 2 {
		t.Errorf("at the deadline: active %d terminating %v, want 0 and 2", got.Status.Active, got.Status.Terminating)
	}
	env.Advance(10 * time.Second)
	got = getJob(t, c, "slow")
	want := []string{
		"FailureTarget=True DeadlineExceeded: Job was active longer than specified deadline",
		"Failed=True DeadlineExceeded: Job was active longer than specified deadline",
	}
	if diff := cmp.Diff(want, conditions(got)); diff != "" {
		t.Errorf("once the pods are gone (-want +got):\n%s", diff)
	}
	if got.Status.Failed != 2 || got.Status.Active != 0 || ptr.Deref(got.Status.Terminating, -1) != 0 {
		t.Errorf("status = %+v", got.Status)
	}
	ev := events(t, c, "slow")
	if countPrefix(ev, "SuccessfulDelete: Deleted pod: slow-") != 2 || countPrefix(ev, "DeadlineExceeded: Job was active longer than specified deadline") != 1 {
		t.Errorf("events = %q", ev)
	}
	if n := len(jobPods(t, c, "slow")); n != 0 {
		t.Errorf("%d pods left, want the deleted ones gone", n)
	}
}
