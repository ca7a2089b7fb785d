package disruption_test

import (
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/testkit"
)

func sleeper(app string) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: labels(app)},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "main", Image: "busybox", Command: []string{"sh", "-c", "sleep 100000"}}}},
	}
}

// A StatefulSet's scale is what a percentage is taken of, even while its
// pods are still coming up one by one.
func TestExpectedPodsOfStatefulSet(t *testing.T) {
	env, c := start(t)
	ss := &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Name: "db"},
		Spec: appsv1.StatefulSetSpec{
			Replicas: ptr.To[int32](4), ServiceName: "db",
			Selector: &metav1.LabelSelector{MatchLabels: labels("db")},
			Template: sleeper("db"),
		},
	}
	if _, err := c.AppsV1().StatefulSets(ns).Create(ctx, ss, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(time.Minute)
	createPDB(t, env, minAvailable("db", intstr.FromString("50%")))
	wantStatus(t, getPDB(t, c, "db"), 4, 4, 2, 2)
}

// Pods without a controller cannot be counted for a percentage: the
// budget expects none and says so in an event.
func TestUnmanagedPods(t *testing.T) {
	env, c := start(t)
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "lone", Labels: labels("lone")}, Spec: sleeper("lone").Spec}
	if _, err := c.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(10 * time.Second)
	createPDB(t, env, maxUnavailable("lone", intstr.FromString("50%")))
	wantStatus(t, getPDB(t, c, "lone"), 0, 1, 0, 0)
	env.Advance(time.Second)
	if !hasEvent(t, env, "UnmanagedPods", "Pods selected by this PodDisruptionBudget") {
		t.Error("no UnmanagedPods event")
	}
}

// A budget over a Job's pods with maxUnavailable cannot be computed: Jobs
// have no scale. The controller stops evictions with SyncFailed.
func TestSyncFailed(t *testing.T) {
	env, c := start(t)
	job := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: "work"},
		Spec:       batchv1.JobSpec{Template: sleeper("work")},
	}
	job.Spec.Template.Spec.RestartPolicy = corev1.RestartPolicyNever
	if _, err := c.BatchV1().Jobs(ns).Create(ctx, job, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(10 * time.Second)
	createPDB(t, env, maxUnavailable("work", intstr.FromInt32(1)))
	pdb := getPDB(t, c, "work")
	cond := condition(pdb)
	if pdb.Status.DisruptionsAllowed != 0 || cond == nil || cond.Status != metav1.ConditionFalse ||
		cond.Reason != policyv1.SyncFailedReason || cond.Message != "jobs.batch does not implement the scale subresource" {
		t.Fatalf("allowed %d condition %+v, want SyncFailed", pdb.Status.DisruptionsAllowed, cond)
	}
}

// hasEvent reports whether an event with the reason and a message
// starting with prefix was recorded.
func hasEvent(t *testing.T, env *testkit.Env, reason, prefix string) bool {
	t.Helper()
	env.Settle()
	list, err := env.Client().CoreV1().Events(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range list.Items {
		if ev.Reason == reason && strings.HasPrefix(ev.Message, prefix) {
			return true
		}
	}
	return false
}
