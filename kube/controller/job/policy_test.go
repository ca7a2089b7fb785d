package job_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/testkit"
)

// policy fails the Job on exit code 42 of container work, ignores
// disruptions, and fails just the index on exit code 5.
func policy() *batchv1.PodFailurePolicy {
	p := nonIndexedPolicy()
	p.Rules = append(p.Rules, batchv1.PodFailurePolicyRule{Action: batchv1.PodFailurePolicyActionFailIndex,
		OnExitCodes: &batchv1.PodFailurePolicyOnExitCodesRequirement{Operator: batchv1.PodFailurePolicyOnExitCodesOpIn, Values: []int32{5}}})
	return p
}

// nonIndexedPolicy is policy without its FailIndex rule, which the API
// server refuses without backoffLimitPerIndex.
func nonIndexedPolicy() *batchv1.PodFailurePolicy {
	return &batchv1.PodFailurePolicy{Rules: []batchv1.PodFailurePolicyRule{
		{Action: batchv1.PodFailurePolicyActionFailJob, OnExitCodes: &batchv1.PodFailurePolicyOnExitCodesRequirement{
			ContainerName: ptr.To("work"), Operator: batchv1.PodFailurePolicyOnExitCodesOpIn, Values: []int32{42}}},
		{Action: batchv1.PodFailurePolicyActionIgnore, OnPodConditions: []batchv1.PodFailurePolicyOnPodConditionsPattern{
			{Type: corev1.DisruptionTarget}}},
	}}
}

// TestPodFailurePolicyFailJob: a pod exiting 42 fails the Job at once,
// whatever the backoff limit.
func TestPodFailurePolicyFailJob(t *testing.T) {
	env, c := start(t)
	job := newJob("fatal", 3, 1, 42, 3*time.Second)
	job.Spec.PodFailurePolicy = nonIndexedPolicy()
	create(t, c, job)
	env.Advance(30 * time.Second)
	pods := jobPods(t, c, "fatal")
	if len(pods) != 1 {
		t.Fatalf("%d pods, want 1: no retry after FailJob", len(pods))
	}
	msg := "Container work for pod default/" + pods[0].Name + " failed with exit code 42 matching FailJob rule at index 0"
	got := getJob(t, c, "fatal")
	want := []string{"FailureTarget=True PodFailurePolicy: " + msg, "Failed=True PodFailurePolicy: " + msg}
	if diff := cmp.Diff(want, conditions(got)); diff != "" {
		t.Errorf("conditions (-want +got):\n%s", diff)
	}
	if got.Status.Failed != 1 {
		t.Errorf("failed = %d, want 1", got.Status.Failed)
	}
	if ev := events(t, c, "fatal"); countPrefix(ev, "PodFailurePolicy: "+msg) != 1 {
		t.Errorf("events = %q", ev)
	}
}

// TestPodFailurePolicyIgnoreDisruption: a pod disrupted (the
// DisruptionTarget condition, as the eviction API sets it) and deleted is
// not counted; with podReplacementPolicy Failed, implied by the policy,
// its replacement waits until it has failed.
func TestPodFailurePolicyIgnoreDisruption(t *testing.T) {
	env, c := start(t)
	job := newJob("evicted", 1, 1, 0, 2*time.Minute)
	job.Spec.PodFailurePolicy = nonIndexedPolicy()
	job.Spec.BackoffLimit = ptr.To[int32](0)
	job.Spec.Template.Spec.TerminationGracePeriodSeconds = ptr.To[int64](20)
	create(t, c, job)
	env.Advance(5 * time.Second)
	victim := jobPods(t, c, "evicted")[0]
	disrupt(t, env, victim)
	env.Advance(10 * time.Second)
	if pods := jobPods(t, c, "evicted"); len(pods) != 1 {
		t.Fatalf("%d pods while the disrupted one terminates, want no replacement yet", len(pods))
	}
	got := getJob(t, c, "evicted")
	if got.Status.Active != 0 || ptr.Deref(got.Status.Terminating, 0) != 1 {
		t.Errorf("while terminating: active %d terminating %v", got.Status.Active, got.Status.Terminating)
	}
	env.Advance(4 * time.Minute)
	got = getJob(t, c, "evicted")
	if !hasCondition(got, batchv1.JobComplete) || got.Status.Failed != 0 || got.Status.Succeeded != 1 {
		t.Errorf("the ignored failure counted or the Job did not finish: %+v", got.Status)
	}
	pods := jobPods(t, c, "evicted")
	if len(pods) != 1 || pods[0].Name == victim.Name {
		t.Fatalf("pods %v, want only the replacement left", len(pods))
	}
	if created, failed := pods[0].CreationTimestamp.Time, victim.CreationTimestamp.Add(5*time.Second+20*time.Second); created.Before(failed) {
		t.Errorf("replacement created at %v, before the disrupted pod failed at %v", created, failed)
	}
}

// disrupt adds the DisruptionTarget condition to a pod and deletes it,
// as the eviction API does.
func disrupt(t *testing.T, env *testkit.Env, pod corev1.Pod) {
	t.Helper()
	c := env.Client()
	p, err := c.CoreV1().Pods(ns).Get(ctx, pod.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p.Status.Conditions = append(p.Status.Conditions, corev1.PodCondition{
		Type: corev1.DisruptionTarget, Status: corev1.ConditionTrue, Reason: "EvictionByEvictionAPI",
		Message: "Eviction API: evicting", LastTransitionTime: metav1.NewTime(env.Clock().Now()),
	})
	if _, err := c.CoreV1().Pods(ns).UpdateStatus(ctx, p, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := c.CoreV1().Pods(ns).Delete(ctx, pod.Name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
}

// TestPodFailurePolicyFailIndex: exit code 5 fails index 1 without using
// its retries; the other indexes complete and the Job fails.
func TestPodFailurePolicyFailIndex(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(2), testkit.WithBehaviors(
		rule("fi", -1, 0, 5*time.Second), rule("fi", 1, 5, 2*time.Second)))
	c := env.Client()
	job := indexedJob("fi", 3, 3)
	job.Spec.BackoffLimitPerIndex = ptr.To[int32](3)
	job.Spec.PodFailurePolicy = policy()
	create(t, c, job)
	env.Advance(time.Minute)
	got := getJob(t, c, "fi")
	if ptr.Deref(got.Status.FailedIndexes, "") != "1" || got.Status.CompletedIndexes != "0,2" || got.Status.Failed != 1 {
		t.Errorf("status = %+v", got.Status)
	}
	if !hasCondition(got, batchv1.JobFailed) {
		t.Errorf("conditions = %q, want Failed", conditions(got))
	}
	if n := len(jobPods(t, c, "fi")); n != 3 {
		t.Errorf("%d pods, want 3: index 1 not retried", n)
	}
}
