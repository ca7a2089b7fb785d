package timeline_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesim/kubesim/testkit"
	"github.com/kubesim/kubesim/testkit/timeline"
)

func shellPod(name string, policy corev1.RestartPolicy, script string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
		Spec: corev1.PodSpec{RestartPolicy: policy, Containers: []corev1.Container{{
			Name: "app", Image: "busybox:1.36", Command: []string{"sh", "-c", script},
		}}},
	}
}

func createPod(t *testing.T, env *testkit.Env, pod *corev1.Pod) {
	t.Helper()
	if _, err := env.Client().CoreV1().Pods(pod.Namespace).Create(context.Background(), pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// story returns a pod's story as "hh:mm:ss text" lines.
func story(t *testing.T, tl *timeline.Timeline, namespace, name string) []string {
	t.Helper()
	p, ok := tl.Pod(namespace, name)
	if !ok {
		t.Fatalf("no story for pod %s/%s in:\n%s", namespace, name, tl.Text())
	}
	var out []string
	for _, l := range tl.Story(p) {
		out = append(out, tl.Offset(l.At)+" "+l.Text)
	}
	return out
}

// expectInOrder checks that lines has lines starting with each of want,
// in that order. Status changes and the events of each component are
// written by different goroutines, so at one instant their lines may come
// in any order: a test only orders lines from one writer against each
// other.
func expectInOrder(t *testing.T, lines []string, want ...string) {
	t.Helper()
	i := 0
	for _, l := range lines {
		if i < len(want) && strings.HasPrefix(l, want[i]) {
			i++
		}
	}
	if i < len(want) {
		t.Errorf("story lacks %q (after %q) in order:\n%s", want[i], want[:i], strings.Join(lines, "\n"))
	}
}

// TestCrashLoopStory: a container that exits with 1 every 2 s tells its
// story on the virtual clock: pulled, started, exited, restarted at once,
// then CrashLoopBackOff with back-offs of 10 s and 20 s.
func TestCrashLoopStory(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	createPod(t, env, shellPod("crasher", corev1.RestartPolicyAlways, "sleep 2; exit 1"))
	env.Advance(40 * time.Second)
	lines := story(t, env.Timeline(), "default", "crasher")
	expectInOrder(t, lines,
		"00:00:00 created",
		"00:00:00 scheduled to node-1",
		"00:00:00 container app: ContainerCreating",
		"00:00:01 container app: Running",
		"00:00:01 phase Running",
		"00:00:01 ready",
		"00:00:03 container app: exited Error (exit code 1)",
		"00:00:03 container app: restarted (restart count 1)",
		"00:00:05 container app: exited Error (exit code 1)",
		"00:00:05 container app: CrashLoopBackOff: back-off 10s restarting failed container=app pod=crasher_default(",
		"00:00:05 not ready",
		"00:00:15 container app: restarted (restart count 2)",
		"00:00:15 container app: Running",
		"00:00:17 container app: CrashLoopBackOff: back-off 20s",
		"00:00:37 container app: restarted (restart count 3)",
	)
	expectInOrder(t, lines, "00:00:00 Scheduled: Successfully assigned default/crasher to node-1")
	expectInOrder(t, lines,
		`00:00:00 Pulling: Pulling image "busybox:1.36"`,
		`00:00:01 Pulled: Successfully pulled image "busybox:1.36" in 1s`,
		"00:00:01 Started: Container started",
		"00:00:03 Started: Container started (x2)",
		"00:00:05 BackOff: Back-off restarting failed container app in pod crasher_default(",
		"00:00:17 BackOff: Back-off restarting failed container app in pod crasher_default(",
	)
}

func deployment(name, image string, replicas int32) *appsv1.Deployment {
	labels := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas, Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: image}}},
			},
		},
	}
}

// rollout creates a Deployment, lets it run for 30 s, then changes its
// image and lets the rollout run for d.
func rollout(t *testing.T, env *testkit.Env, from, to string, d time.Duration) {
	t.Helper()
	ctx := context.Background()
	deps := env.Client().AppsV1().Deployments("default")
	if _, err := deps.Create(ctx, deployment("web", from, 2), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(30 * time.Second)
	dep, err := deps.Get(ctx, "web", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dep.Spec.Template.Spec.Containers[0].Image = to
	if _, err := deps.Update(ctx, dep, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(d)
}

// podsOf returns the names of the pods whose names start with prefix, in
// the order the timeline first saw them.
func podsOf(tl *timeline.Timeline, prefix string) []string {
	var out []string
	for _, p := range tl.Pods {
		if strings.HasPrefix(p.Name, prefix) {
			out = append(out, p.Name)
		}
	}
	return out
}

// TestRolloutStory: a rolling update tells, for the old pods, that they
// ran, were told to stop and were deleted, and for the new ones that they
// started 30 s in; the Deployment's events and changes are listed too.
func TestRolloutStory(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	rollout(t, env, "nginx:1.25", "nginx:1.26", time.Minute)
	tl := env.Timeline()
	if len(tl.Pods) != 4 {
		t.Fatalf("want 2 old and 2 new pods, got %d:\n%s", len(tl.Pods), tl.Text())
	}
	// The first new pod is ready a second after the update; the
	// Deployment then scales the old set down and the new one up, and the
	// second new pod starts at once, its image being on the node.
	for _, p := range tl.Pods[:2] {
		lines := story(t, tl, p.Namespace, p.Name)
		expectInOrder(t, lines,
			"00:00:00 created",
			"00:00:00 scheduled to node-1",
			"00:00:01 container web: Running",
			"00:00:01 ready",
			"00:00:31 terminating",
			"00:00:31 container web: Completed (exit code 0)",
			"00:00:31 phase Succeeded",
			"00:00:31 deleted",
		)
		expectInOrder(t, lines, `00:00:00 Pulling: Pulling image "nginx:1.25"`, "00:00:31 Killing: Stopping container web")
	}
	for i, p := range tl.Pods[2:] {
		at := fmt.Sprintf("00:00:3%d ", i)
		lines := story(t, tl, p.Namespace, p.Name)
		expectInOrder(t, lines, at+"created", at+"scheduled to node-1", "00:00:31 container web: Running", "00:00:31 ready")
		expectInOrder(t, lines, at+"Scheduled: Successfully assigned default/"+p.Name+" to node-1")
		expectInOrder(t, lines, "00:00:31 Started: Container started")
	}
	text := tl.Text()
	for _, want := range []string{
		"00:00:00 created Deployment default/web (resourceVersion ",
		"00:00:30 updated Deployment default/web: generation 2 (resourceVersion ",
		fmt.Sprintf("00:00:00 Normal Deployment default/web ScalingReplicaSet: Scaled up replica set %s from 0 to 2", rsOf(tl.Pods[0].Name)),
		fmt.Sprintf("00:00:30 Normal Deployment default/web ScalingReplicaSet: Scaled up replica set %s from 0 to 1", rsOf(tl.Pods[2].Name)),
		fmt.Sprintf("00:00:31 Normal Deployment default/web ScalingReplicaSet: Scaled down replica set %s from 2 to 1", rsOf(tl.Pods[0].Name)),
		fmt.Sprintf("00:00:31 Normal Deployment default/web ScalingReplicaSet: Scaled down replica set %s from 1 to 0", rsOf(tl.Pods[0].Name)),
	} {
		if !strings.Contains(text, want) {
			t.Errorf("timeline lacks %q:\n%s", want, text)
		}
	}
}

// rsOf returns the ReplicaSet part of a Deployment's pod name.
func rsOf(pod string) string { return pod[:strings.LastIndex(pod, "-")] }
