package timeline_test

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/kubesim/kubesim/cluster"
	"github.com/kubesim/kubesim/fakenode"
	"github.com/kubesim/kubesim/testkit"
	"github.com/kubesim/kubesim/testkit/timeline"
)

// TestLivenessStory: a web server whose liveness probe always fails
// tells of the failed probes, the kill and the restart.
func TestLivenessStory(t *testing.T) {
	healthy := false
	env := testkit.Start(t, testkit.WithNodes(1), testkit.WithBehaviors(fakenode.Behavior{
		Match: fakenode.Match{Container: "web"}, Healthy: &healthy,
	}))
	probe := &corev1.Probe{
		ProbeHandler:  corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromInt32(80)}},
		PeriodSeconds: 10, FailureThreshold: 3, SuccessThreshold: 1, TimeoutSeconds: 1,
	}
	createPod(t, env, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default"},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name: "web", Image: "nginx:1.25", LivenessProbe: probe,
		}}},
	})
	env.Advance(time.Minute)
	lines := story(t, env.Timeline(), "default", "web")
	// The kubelet probes at once, then every 10 s; the third failure
	// kills the container, which is restarted at once the first time.
	expectInOrder(t, lines,
		"00:00:01 Started: Container started",
		"00:00:01 Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 500",
		"00:00:11 Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 500 (x2)",
		"00:00:21 Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 500 (x3)",
		"00:00:21 Killing: Container web failed liveness probe, will be restarted",
		"00:00:41 Killing: Container web failed liveness probe, will be restarted (x2)",
	)
	expectInOrder(t, lines,
		"00:00:01 container web: Running",
		"00:00:21 container web: exited Completed (exit code 0)",
		"00:00:21 container web: restarted (restart count 1)",
		"00:00:41 container web: CrashLoopBackOff: back-off 10s",
		"00:00:51 container web: restarted (restart count 2)",
	)
}

// TestRecorderStops: a recorder started on a running cluster begins with
// the pods already there, and once stopped it no longer holds Settle up
// and keeps what it recorded.
func TestRecorderStops(t *testing.T) {
	c, err := cluster.New(cluster.Config{Nodes: []fakenode.NodeSpec{{Name: "node-1"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	if _, err := c.Client().CoreV1().Pods("default").Create(ctx, shellPod("early", corev1.RestartPolicyNever, "sleep 100"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := c.Advance(ctx, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	rec, err := timeline.Record(timeline.Source{Store: c.ControlPlane.Store, Clock: c.Clock, Activity: c.Activity})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Advance(ctx, 100*time.Second); err != nil {
		t.Fatal(err)
	}
	rec.Stop()
	if _, err := c.Client().CoreV1().Pods("default").Create(ctx, shellPod("late", corev1.RestartPolicyNever, "true"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := c.Advance(ctx, 10*time.Second); err != nil {
		t.Fatalf("a stopped recorder holds the cluster up: %v", err)
	}
	tl := rec.Timeline()
	lines := story(t, tl, "default", "early")
	expectInOrder(t, lines, "00:00:00 already there: Running on node-1", "00:01:31 container app: Completed (exit code 0)", "00:01:31 phase Succeeded")
	if _, ok := tl.Pod("default", "late"); ok {
		t.Error("a stopped recorder still records")
	}
}
