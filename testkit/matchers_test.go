package testkit_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/testkit"
)

func shellPod(name string, policy corev1.RestartPolicy, script string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
		Spec: corev1.PodSpec{RestartPolicy: policy, Containers: []corev1.Container{{
			Name: "app", Image: "busybox:1.36", Command: []string{"sh", "-c", script},
		}}},
	}
}

// TestEventuallyRunsOnVirtualTime: Eventually lives through cluster time
// instead of waiting for it.
func TestEventuallyRunsOnVirtualTime(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	pod := shellPod("sleeper", corev1.RestartPolicyNever, "sleep 100")
	if _, err := env.Client().CoreV1().Pods("default").Create(context.Background(), pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	start := env.Clock().Now()
	env.Eventually(env.Object(pod)).Should(testkit.BeReady())
	env.Eventually(env.Object(pod)).Should(testkit.HavePhase(corev1.PodSucceeded))
	if took := env.Clock().Since(start); took < 100*time.Second || took > 110*time.Second {
		t.Errorf("the pod succeeded after %v of virtual time, want about 100s", took)
	}
	env.Eventually(func(g Gomega) {
		p, err := env.Client().CoreV1().Pods("default").Get(context.Background(), "sleeper", metav1.GetOptions{})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(p).To(testkit.HaveContainerState("app", "Completed"))
	}).Should(Succeed())
}

func TestPodMatchers(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	pod := shellPod("crasher", corev1.RestartPolicyAlways, "sleep 2; exit 1")
	if _, err := env.Client().CoreV1().Pods("default").Create(context.Background(), pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Eventually(env.Object(pod)).Should(testkit.HaveRestartCount(3))
	env.Eventually(env.Object(pod)).Should(testkit.HaveContainerState("app", "CrashLoopBackOff"))
	g := NewWithT(t)
	g.Expect(pod).To(testkit.HavePhase(corev1.PodRunning))
	g.Expect(pod).To(testkit.HaveCondition(string(corev1.PodReady), "False", "ContainersNotReady"))
	g.Expect(pod).NotTo(testkit.BeReady())

	// Failure messages show the status that decided.
	m := testkit.BeReady()
	if ok, err := m.Match(pod); ok || err != nil {
		t.Fatalf("BeReady matched a crashing pod: %v", err)
	}
	msg := m.FailureMessage(pod)
	for _, want := range []string{"expected Pod default/crasher to be Ready, but condition Ready=False (ContainersNotReady", "app Waiting (CrashLoopBackOff), ready=false, restarts=3"} {
		if !strings.Contains(msg, want) {
			t.Errorf("failure message %q does not say %q", msg, want)
		}
	}
	if _, err := testkit.HavePhase(corev1.PodRunning).Match(&corev1.Node{}); err == nil {
		t.Error("HavePhase accepted a Node")
	}
}

func TestWorkloadMatchers(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(2))
	ctx := context.Background()
	labels := map[string]string{"app": "web"}
	deploy := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default"},
		Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](3), Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "nginx:1.27"}}}}},
	}
	if _, err := env.Client().AppsV1().Deployments("default").Create(ctx, deploy, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Eventually(env.Object(deploy)).Should(testkit.BeAvailable())

	job := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: "pi", Namespace: "default"},
		Spec: batchv1.JobSpec{BackoffLimit: ptr.To[int32](1), Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever,
			Containers:    []corev1.Container{{Name: "pi", Image: "busybox:1.36", Command: []string{"sh", "-c", "exit 3"}}},
		}}},
	}
	if _, err := env.Client().BatchV1().Jobs("default").Create(ctx, job, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Eventually(env.Object(job)).Should(testkit.BeFailed("BackoffLimitExceeded"))
	NewWithT(t).Expect(job).NotTo(testkit.BeComplete())
}

// recordingT records failures instead of failing the test.
type recordingT struct {
	testing.TB
	failures []string
}

func (r *recordingT) Fatalf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

func (r *recordingT) Errorf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

// TestEventuallyTimesOutInVirtualTime: the timeout is virtual, and the
// failure says what was last seen.
func TestEventuallyTimesOutInVirtualTime(t *testing.T) {
	rt := &recordingT{TB: t}
	env := testkit.Start(rt, testkit.WithNodes(1))
	pod := shellPod("forever", corev1.RestartPolicyNever, "sleep 100000")
	if _, err := env.Client().CoreV1().Pods("default").Create(context.Background(), pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	start := env.Clock().Now()
	if env.Eventually(env.Object(pod), 10*time.Minute, 10*time.Second).Should(testkit.HavePhase(corev1.PodSucceeded)) {
		t.Fatal("a pod that sleeps for a day succeeded within 10 minutes")
	}
	if took := env.Clock().Since(start); took != 10*time.Minute {
		t.Errorf("gave up after %v of virtual time, want 10m", took)
	}
	if len(rt.failures) != 1 {
		t.Fatalf("failures: %q", rt.failures)
	}
	for _, want := range []string{"timed out after 10m0s of virtual time", "expected Pod default/forever to be Succeeded, but it is Running"} {
		if !strings.Contains(rt.failures[0], want) {
			t.Errorf("failure %q does not say %q", rt.failures[0], want)
		}
	}
}
