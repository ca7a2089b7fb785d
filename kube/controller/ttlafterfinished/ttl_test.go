package ttlafterfinished_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/testkit"
)

var ctx = context.Background()

const ns = "default"

// newJob is a one-pod Job whose pod exits with code after runFor, as the
// sim.kubesim.io annotations script it.
func newJob(name string, ttl *int32, code int, runFor time.Duration) *batchv1.Job {
	return &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: batchv1.JobSpec{
			TTLSecondsAfterFinished: ttl,
			BackoffLimit:            ptr.To[int32](0),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{
					"sim.kubesim.io/exit-code": strconv.Itoa(code),
					"sim.kubesim.io/run-for":   runFor.String(),
				}},
				Spec: corev1.PodSpec{
					RestartPolicy: corev1.RestartPolicyNever,
					Containers:    []corev1.Container{{Name: "work", Image: "busybox"}},
				},
			},
		},
	}
}

func start(t *testing.T) (*testkit.Env, kubernetes.Interface) {
	t.Helper()
	env := testkit.Start(t, testkit.WithNodes(1))
	return env, env.Client()
}

func create(t *testing.T, c kubernetes.Interface, job *batchv1.Job) {
	t.Helper()
	if _, err := c.BatchV1().Jobs(ns).Create(ctx, job, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// get returns the Job, or nil once it is gone.
func get(t *testing.T, c kubernetes.Interface, name string) *batchv1.Job {
	t.Helper()
	job, err := c.BatchV1().Jobs(ns).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return job
}

// finishedAt runs the cluster until the Job has finished and returns when
// it did: the lastTransitionTime of its Complete or Failed condition,
// from which the TTL counts.
func finishedAt(t *testing.T, env *testkit.Env, c kubernetes.Interface, name string) time.Time {
	t.Helper()
	for i := 0; i < 120; i++ {
		job := get(t, c, name)
		if job == nil {
			t.Fatalf("Job %s gone before it was seen finished", name)
		}
		for _, cond := range job.Status.Conditions {
			if (cond.Type == batchv1.JobComplete || cond.Type == batchv1.JobFailed) && cond.Status == corev1.ConditionTrue {
				return cond.LastTransitionTime.Time
			}
		}
		env.Advance(time.Second)
	}
	t.Fatalf("Job %s did not finish in 2 minutes", name)
	return time.Time{}
}

// advanceTo moves virtual time to at.
func advanceTo(env *testkit.Env, at time.Time) {
	if d := at.Sub(env.Clock().Now()); d > 0 {
		env.Advance(d)
	}
}

// expectAlive fails unless the Job exists and is not being deleted.
func expectAlive(t *testing.T, env *testkit.Env, c kubernetes.Interface, name string) {
	t.Helper()
	if job := get(t, c, name); job == nil || job.DeletionTimestamp != nil {
		t.Fatalf("at %v: Job %s deleted too early", env.Clock().Now(), name)
	}
}

// expectGone fails unless the Job and its pods are gone.
func expectGone(t *testing.T, env *testkit.Env, c kubernetes.Interface, name string) {
	t.Helper()
	if job := get(t, c, name); job != nil {
		t.Fatalf("at %v: Job %s still there (deletionTimestamp %v)", env.Clock().Now(), name, job.DeletionTimestamp)
	}
	pods, err := c.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: batchv1.JobNameLabel + "=" + name})
	if err != nil {
		t.Fatal(err)
	}
	if len(pods.Items) != 0 {
		t.Errorf("at %v: %d pods of Job %s left", env.Clock().Now(), len(pods.Items), name)
	}
}

// TestTTLExpires: a finished Job lives exactly ttlSecondsAfterFinished
// after its terminal condition, whether it completed or failed; one
// without a TTL stays.
func TestTTLExpires(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		code int
	}{{"complete", 0}, {"failed", 1}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env, c := start(t)
			create(t, c, newJob("ttl", ptr.To[int32](30), tt.code, 10*time.Second))
			create(t, c, newJob("keep", nil, tt.code, 10*time.Second))
			done := finishedAt(t, env, c, "ttl")
			advanceTo(env, done.Add(29*time.Second))
			expectAlive(t, env, c, "ttl")
			advanceTo(env, done.Add(30*time.Second))
			expectGone(t, env, c, "ttl")
			env.Advance(10 * time.Minute)
			expectAlive(t, env, c, "keep")
		})
	}
}

// TestTTLZero: ttlSecondsAfterFinished 0 deletes the Job as soon as it
// finishes, in the foreground as upstream does: the Job waits, with the
// foregroundDeletion finalizer, until its pods are gone.
func TestTTLZero(t *testing.T) {
	t.Parallel()
	env, c := start(t)
	w, err := c.BatchV1().Jobs(ns).Watch(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	create(t, c, newJob("now", ptr.To[int32](0), 0, 10*time.Second))
	env.Advance(5 * time.Second)
	expectAlive(t, env, c, "now")
	env.Advance(10 * time.Second)
	expectGone(t, env, c, "now")

	foreground, deleted := false, false
	for !deleted {
		select {
		case ev := <-w.ResultChan():
			job, ok := ev.Object.(*batchv1.Job)
			if !ok {
				t.Fatalf("watch: %v", ev.Object)
			}
			for _, f := range job.Finalizers {
				foreground = foreground || f == metav1.FinalizerDeleteDependents
			}
			deleted = ev.Type == watch.Deleted
		case <-time.After(5 * time.Second): // wall clock: a guard for a watch that has ended
			t.Fatal("no Deleted event for the Job")
		}
	}
	if !foreground {
		t.Error("the Job was not deleted in the foreground")
	}
}

// TestTTLUpdated: the TTL in force when it runs out decides; a shorter
// one deletes the Job earlier, a longer one later, and a TTL added to a
// Job finished long ago deletes it at once.
func TestTTLUpdated(t *testing.T) {
	t.Parallel()
	env, c := start(t)
	create(t, c, newJob("shorter", ptr.To[int32](600), 0, 10*time.Second))
	create(t, c, newJob("longer", ptr.To[int32](20), 0, 10*time.Second))
	create(t, c, newJob("added", nil, 0, 10*time.Second))
	done := finishedAt(t, env, c, "shorter")
	if d := finishedAt(t, env, c, "longer"); !d.Equal(done) {
		t.Fatalf("the Jobs finished at %v and %v; the test wants them together", done, d)
	}
	advanceTo(env, done.Add(10*time.Second))
	setTTL(t, c, "shorter", 60)
	setTTL(t, c, "longer", 100)

	advanceTo(env, done.Add(59*time.Second))
	expectAlive(t, env, c, "shorter")
	expectAlive(t, env, c, "longer")
	advanceTo(env, done.Add(60*time.Second))
	expectGone(t, env, c, "shorter")
	advanceTo(env, done.Add(99*time.Second))
	expectAlive(t, env, c, "longer")
	advanceTo(env, done.Add(100*time.Second))
	expectGone(t, env, c, "longer")

	expectAlive(t, env, c, "added")
	setTTL(t, c, "added", 30)
	env.Settle()
	expectGone(t, env, c, "added")
}

func setTTL(t *testing.T, c kubernetes.Interface, name string, ttl int32) {
	t.Helper()
	job := get(t, c, name)
	if job == nil {
		t.Fatalf("Job %s gone", name)
	}
	job.Spec.TTLSecondsAfterFinished = ptr.To(ttl)
	if _, err := c.BatchV1().Jobs(ns).Update(ctx, job, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}
