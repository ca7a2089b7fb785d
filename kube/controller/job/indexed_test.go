package job_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/fakenode"
	"github.com/kubesim/kubesim/testkit"
)

func indexedJob(name string, completions, parallelism int32) *batchv1.Job {
	job := newJob(name, completions, parallelism, 0, 5*time.Second)
	job.Spec.CompletionMode = ptr.To(batchv1.IndexedCompletion)
	job.Spec.Template.Annotations = nil // behaviour comes from rules
	return job
}

// rule scripts the containers of one Job, or of one index of it.
func rule(job string, index int, code int32, runFor time.Duration) fakenode.Behavior {
	labels := map[string]string{batchv1.JobNameLabel: job}
	if index >= 0 {
		labels[batchv1.JobCompletionIndexAnnotation] = strconv.Itoa(index)
	}
	return fakenode.Behavior{Match: fakenode.Match{Labels: labels}, ExitCode: ptr.To(code), RunFor: runFor}
}

// TestIndexedJob: each index gets one pod, named, labelled, annotated and
// with a hostname and JOB_COMPLETION_INDEX for it (fieldRef defaulted to v1
// on create), and completedIndexes
// records them.
func TestIndexedJob(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(2), testkit.WithBehaviors(rule("idx", -1, 0, 5*time.Second)))
	c := env.Client()
	create(t, c, indexedJob("idx", 4, 2))
	env.Advance(time.Second)
	pods := jobPods(t, c, "idx")
	if len(pods) != 2 {
		t.Fatalf("%d pods, want 2", len(pods))
	}
	seen := map[string]bool{}
	for _, p := range pods {
		ix := p.Annotations[batchv1.JobCompletionIndexAnnotation]
		seen[ix] = true
		if p.Labels[batchv1.JobCompletionIndexAnnotation] != ix || p.Spec.Hostname != "idx-"+ix || p.GenerateName != "idx-"+ix+"-" {
			t.Errorf("pod %s: index label %q, hostname %q, generateName %q for index %s", p.Name,
				p.Labels[batchv1.JobCompletionIndexAnnotation], p.Spec.Hostname, p.GenerateName, ix)
		}
		want := []corev1.EnvVar{{Name: "JOB_COMPLETION_INDEX", ValueFrom: &corev1.EnvVarSource{
			FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.labels['batch.kubernetes.io/job-completion-index']"}}}}
		if diff := cmp.Diff(want, p.Spec.Containers[0].Env); diff != "" {
			t.Errorf("pod %s env (-want +got):\n%s", p.Name, diff)
		}
	}
	if !seen["0"] || !seen["1"] {
		t.Errorf("first pods run indexes %v, want 0 and 1", seen)
	}
	env.Advance(10 * time.Second)
	if got := getJob(t, c, "idx"); got.Status.CompletedIndexes != "0,1" || got.Status.Succeeded != 2 {
		t.Errorf("after the first two: completedIndexes %q succeeded %d", got.Status.CompletedIndexes, got.Status.Succeeded)
	}
	env.Advance(20 * time.Second)
	got := getJob(t, c, "idx")
	if got.Status.CompletedIndexes != "0-3" || got.Status.Succeeded != 4 || !hasCondition(got, batchv1.JobComplete) {
		t.Errorf("at the end: %+v", got.Status)
	}
}

func hasCondition(job *batchv1.Job, t batchv1.JobConditionType) bool {
	for _, c := range job.Status.Conditions {
		if c.Type == t && c.Status == corev1.ConditionTrue {
			return true
		}
	}
	return false
}

// TestBackoffLimitPerIndex: index 1 always fails; with one retry per
// index it fails twice, the other indexes succeed, and the Job fails with
// FailedIndexes. The retry carries the failure count annotation.
func TestBackoffLimitPerIndex(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(2), testkit.WithBehaviors(
		rule("per", -1, 0, 5*time.Second), rule("per", 1, 3, 2*time.Second)))
	c := env.Client()
	job := indexedJob("per", 3, 3)
	job.Spec.BackoffLimitPerIndex = ptr.To[int32](1)
	create(t, c, job)
	env.Advance(2 * time.Minute)
	got := getJob(t, c, "per")
	want := []string{
		"FailureTarget=True FailedIndexes: Job has failed indexes",
		"Failed=True FailedIndexes: Job has failed indexes",
	}
	if diff := cmp.Diff(want, conditions(got)); diff != "" {
		t.Errorf("conditions (-want +got):\n%s", diff)
	}
	if got.Status.CompletedIndexes != "0,2" || ptr.Deref(got.Status.FailedIndexes, "<nil>") != "1" || got.Status.Failed != 2 || got.Status.Succeeded != 2 {
		t.Errorf("status = %+v", got.Status)
	}
	var counts []string
	for _, p := range jobPods(t, c, "per") {
		if p.Annotations[batchv1.JobCompletionIndexAnnotation] == "1" {
			counts = append(counts, p.Annotations[batchv1.JobIndexFailureCountAnnotation])
		}
	}
	if diff := cmp.Diff([]string{"0", "1"}, counts); diff != "" {
		t.Errorf("failure counts of index 1's pods (-want +got):\n%s", diff)
	}
}

// TestMaxFailedIndexes: with maxFailedIndexes 0, the first index to fail
// fails the Job at once.
func TestMaxFailedIndexes(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(2), testkit.WithBehaviors(
		rule("maxf", -1, 0, time.Hour), rule("maxf", 0, 1, 2*time.Second)))
	c := env.Client()
	job := indexedJob("maxf", 3, 3)
	job.Spec.BackoffLimitPerIndex = ptr.To[int32](0)
	job.Spec.MaxFailedIndexes = ptr.To[int32](0)
	job.Spec.Template.Spec.TerminationGracePeriodSeconds = ptr.To[int64](1)
	create(t, c, job)
	env.Advance(time.Minute)
	got := getJob(t, c, "maxf")
	want := []string{
		"FailureTarget=True MaxFailedIndexesExceeded: Job has exceeded the specified maximal number of failed indexes",
		"Failed=True MaxFailedIndexesExceeded: Job has exceeded the specified maximal number of failed indexes",
	}
	if diff := cmp.Diff(want, conditions(got)); diff != "" {
		t.Errorf("conditions (-want +got):\n%s", diff)
	}
	if ptr.Deref(got.Status.FailedIndexes, "") != "0" || got.Status.Failed != 3 {
		t.Errorf("failedIndexes %v failed %d, want 0 and 3 (the stopped pods count)", got.Status.FailedIndexes, got.Status.Failed)
	}
}

// TestSuccessPolicy: the Job succeeds as soon as index 0 does; the other
// pods are stopped and the Job completes with reason SuccessPolicy.
func TestSuccessPolicy(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(2), testkit.WithBehaviors(
		rule("leader", -1, 0, time.Hour), rule("leader", 0, 0, 5*time.Second)))
	c := env.Client()
	job := indexedJob("leader", 3, 3)
	job.Spec.SuccessPolicy = &batchv1.SuccessPolicy{Rules: []batchv1.SuccessPolicyRule{{SucceededIndexes: ptr.To("0")}}}
	job.Spec.Template.Spec.TerminationGracePeriodSeconds = ptr.To[int64](1)
	create(t, c, job)
	env.Advance(30 * time.Second)
	got := getJob(t, c, "leader")
	want := []string{
		"SuccessCriteriaMet=True SuccessPolicy: Matched rules at index 0",
		"Complete=True SuccessPolicy: Matched rules at index 0",
	}
	if diff := cmp.Diff(want, conditions(got)); diff != "" {
		t.Errorf("conditions (-want +got):\n%s", diff)
	}
	if got.Status.CompletedIndexes != "0" || got.Status.Succeeded != 1 || got.Status.Failed != 0 || got.Status.Active != 0 {
		t.Errorf("status = %+v", got.Status)
	}
}
