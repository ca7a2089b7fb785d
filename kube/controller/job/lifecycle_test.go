package job_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"
)

func setSuspend(t *testing.T, c kubernetes.Interface, name string, suspend bool) {
	t.Helper()
	job := getJob(t, c, name)
	job.Spec.Suspend = ptr.To(suspend)
	if _, err := c.BatchV1().Jobs(ns).Update(ctx, job, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// TestSuspendResume: a Job created suspended has no pods and no start
// time; resuming starts it; suspending a running Job deletes its pods
// without counting them as failed; resuming again resets startTime.
func TestSuspendResume(t *testing.T) {
	env, c := start(t)
	job := newJob("paused", 2, 2, 0, time.Minute)
	job.Spec.Suspend = ptr.To(true)
	create(t, c, job)
	env.Advance(30 * time.Second)
	got := getJob(t, c, "paused")
	if diff := cmp.Diff([]string{"Suspended=True JobSuspended: Job suspended"}, conditions(got)); diff != "" {
		t.Errorf("created suspended (-want +got):\n%s", diff)
	}
	if len(jobPods(t, c, "paused")) != 0 || got.Status.StartTime != nil {
		t.Errorf("a suspended Job started: %+v", got.Status)
	}

	setSuspend(t, c, "paused", false)
	resumedAt := env.Clock().Now()
	env.Advance(5 * time.Second)
	got = getJob(t, c, "paused")
	if diff := cmp.Diff([]string{"Suspended=False JobResumed: Job resumed"}, conditions(got)); diff != "" {
		t.Errorf("resumed (-want +got):\n%s", diff)
	}
	if got.Status.StartTime == nil || !got.Status.StartTime.Time.Equal(resumedAt) || got.Status.Active != 2 {
		t.Errorf("resumed at %v: %+v", resumedAt, got.Status)
	}

	setSuspend(t, c, "paused", true)
	env.Advance(time.Second)
	got = getJob(t, c, "paused")
	if got.Status.Active != 0 || got.Status.Failed != 0 || !hasCondition(got, batchv1.JobSuspended) {
		t.Errorf("suspended while running: %+v", got.Status)
	}
	for _, p := range jobPods(t, c, "paused") {
		if p.DeletionTimestamp == nil || len(p.Finalizers) != 0 {
			t.Errorf("pod %s of a suspended Job: deletion %v finalizers %v", p.Name, p.DeletionTimestamp, p.Finalizers)
		}
	}

	env.Advance(time.Minute)
	setSuspend(t, c, "paused", false)
	resumedAt = env.Clock().Now()
	env.Advance(3 * time.Minute)
	got = getJob(t, c, "paused")
	if !got.Status.StartTime.Time.Equal(resumedAt) || !hasCondition(got, batchv1.JobComplete) || got.Status.Succeeded != 2 || got.Status.Failed != 0 {
		t.Errorf("resumed again at %v: %+v", resumedAt, got.Status)
	}
	ev := events(t, c, "paused")
	if countPrefix(ev, "Suspended: Job suspended") != 2 || countPrefix(ev, "Resumed: Job resumed") != 2 || countPrefix(ev, "SuccessfulDelete: Deleted pod:") != 2 {
		t.Errorf("events = %q", ev)
	}
}

// TestPodReplacementPolicy: with TerminatingOrFailed a deleted pod is
// replaced at once; with Failed only once it has failed.
func TestPodReplacementPolicy(t *testing.T) {
	for _, tt := range []struct {
		policy     batchv1.PodReplacementPolicy
		wantPods   int
		wantActive int32
		wantFailed int32 // a terminating pod counts as failed unless the policy is Failed
	}{
		{batchv1.TerminatingOrFailed, 2, 1, 1},
		{batchv1.Failed, 1, 0, 0},
	} {
		t.Run(string(tt.policy), func(t *testing.T) {
			env, c := start(t)
			job := newJob("replace", 1, 1, 0, time.Hour)
			job.Spec.PodReplacementPolicy = ptr.To(tt.policy)
			job.Spec.Template.Spec.TerminationGracePeriodSeconds = ptr.To[int64](60)
			create(t, c, job)
			env.Advance(5 * time.Second)
			first := jobPods(t, c, "replace")[0]
			if err := c.CoreV1().Pods(ns).Delete(ctx, first.Name, metav1.DeleteOptions{}); err != nil {
				t.Fatal(err)
			}
			// Past the 10 s pod-failure back-off, within the grace period.
			env.Advance(15 * time.Second)
			got := getJob(t, c, "replace")
			if n := len(jobPods(t, c, "replace")); n != tt.wantPods || got.Status.Active != tt.wantActive || ptr.Deref(got.Status.Terminating, -1) != 1 {
				t.Errorf("while the pod terminates: %d pods, active %d, terminating %d; want %d, %d, 1",
					n, got.Status.Active, ptr.Deref(got.Status.Terminating, -1), tt.wantPods, tt.wantActive)
			}
			if got.Status.Failed != tt.wantFailed {
				t.Errorf("while the pod terminates: failed %d, want %d", got.Status.Failed, tt.wantFailed)
			}
			env.Advance(2 * time.Minute)
			got = getJob(t, c, "replace")
			if got.Status.Active != 1 || got.Status.Failed != 1 || ptr.Deref(got.Status.Terminating, -1) != 0 {
				t.Errorf("after the pod failed: %+v", got.Status)
			}
		})
	}
}

// TestDeletedJobReleasesPods: deleting a running Job in the background
// leaves pods with the tracking finalizer; the orphan worker removes it,
// so the garbage collector can delete them.
func TestDeletedJobReleasesPods(t *testing.T) {
	env, c := start(t)
	job := newJob("gone", 2, 2, 0, time.Hour)
	job.Spec.Template.Spec.TerminationGracePeriodSeconds = ptr.To[int64](1)
	create(t, c, job)
	env.Advance(5 * time.Second)
	for _, p := range jobPods(t, c, "gone") {
		if !hasString(p.Finalizers, batchv1.JobTrackingFinalizer) {
			t.Fatalf("running pod %s has no tracking finalizer: %v", p.Name, p.Finalizers)
		}
	}
	background := metav1.DeletePropagationBackground
	if err := c.BatchV1().Jobs(ns).Delete(ctx, "gone", metav1.DeleteOptions{PropagationPolicy: &background}); err != nil {
		t.Fatal(err)
	}
	env.Advance(30 * time.Second)
	if pods := jobPods(t, c, "gone"); len(pods) != 0 {
		t.Errorf("%d pods left after their Job was deleted", len(pods))
	}
}

// TestNoCompletions: with parallelism 2 and no completions the Job is
// done when one pod succeeded and the others ended; no pod is added after
// a success.
func TestNoCompletions(t *testing.T) {
	env, c := start(t)
	job := newJob("queue", 1, 2, 0, 10*time.Second)
	job.Spec.Completions = nil
	create(t, c, job)
	env.Advance(time.Minute)
	got := getJob(t, c, "queue")
	if !hasCondition(got, batchv1.JobComplete) || got.Status.Succeeded != 2 || len(jobPods(t, c, "queue")) != 2 {
		t.Errorf("status = %+v", got.Status)
	}
}

// TestAdoptsOrphans: a pod without an owner that the Job's (manual)
// selector matches is adopted, with the tracking finalizer, and counted:
// the Job needs no pod of its own.
func TestAdoptsOrphans(t *testing.T) {
	env, c := start(t)
	labels := map[string]string{"app": "adopt"}
	orphan := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "stray", Labels: labels, Annotations: behaviour(0, 5*time.Second)},
		Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyNever,
			Containers: []corev1.Container{{Name: "work", Image: "busybox"}}},
	}
	if _, err := c.CoreV1().Pods(ns).Create(ctx, orphan, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	job := newJob("adopt", 1, 1, 0, 5*time.Second)
	job.Spec.ManualSelector = ptr.To(true)
	job.Spec.Selector = &metav1.LabelSelector{MatchLabels: labels}
	job.Spec.Template.Labels = labels
	job = create(t, c, job)
	env.Advance(time.Second)
	p, err := c.CoreV1().Pods(ns).Get(ctx, "stray", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !metav1.IsControlledBy(p, job) || !hasString(p.Finalizers, batchv1.JobTrackingFinalizer) {
		t.Fatalf("orphan not adopted: owners %v finalizers %v", p.OwnerReferences, p.Finalizers)
	}
	env.Advance(time.Minute)
	got := getJob(t, c, "adopt")
	if !hasCondition(got, batchv1.JobComplete) || got.Status.Succeeded != 1 {
		t.Errorf("status = %+v", got.Status)
	}
	if ev := events(t, c, "adopt"); countPrefix(ev, "SuccessfulCreate:") != 0 {
		t.Errorf("the Job created pods of its own: %q", ev)
	}
}

// TestRestartPolicyOnFailure: container restarts count against the
// backoff limit.
func TestRestartPolicyOnFailure(t *testing.T) {
	env, c := start(t)
	job := newJob("restarts", 1, 1, 1, time.Second)
	job.Spec.BackoffLimit = ptr.To[int32](2)
	job.Spec.Template.Spec.RestartPolicy = corev1.RestartPolicyOnFailure
	create(t, c, job)
	env.Advance(2 * time.Minute)
	got := getJob(t, c, "restarts")
	if !hasCondition(got, batchv1.JobFailed) || findReason(got, batchv1.JobFailed) != batchv1.JobReasonBackoffLimitExceeded {
		t.Errorf("conditions = %q", conditions(got))
	}
	if _, err := c.BatchV1().Jobs(ns).Get(ctx, "restarts", metav1.GetOptions{}); apierrors.IsNotFound(err) {
		t.Fatal("job gone")
	}
}

func findReason(job *batchv1.Job, t batchv1.JobConditionType) string {
	for _, c := range job.Status.Conditions {
		if c.Type == t {
			return c.Reason
		}
	}
	return ""
}

func hasString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
