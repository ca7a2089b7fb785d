package scheduler_test

import (
	"context"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubesim/kubesim/fakenode"
	"github.com/kubesim/kubesim/testkit"
)

var ctx = context.Background()

func pod(name string, cpu string) *corev1.Pod {
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"app": "web"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx"}}},
	}
	if cpu != "" {
		p.Spec.Containers[0].Resources.Requests = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu)}
	}
	return p
}

func get(t *testing.T, env *testkit.Env, name string) *corev1.Pod {
	t.Helper()
	p, err := env.Client().CoreV1().Pods("default").Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPodIsScheduledAndRuns(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(2))
	if _, err := env.Client().CoreV1().Pods("default").Create(ctx, pod("web", "100m"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(5 * time.Second)
	p := get(t, env, "web")
	if p.Spec.NodeName == "" || p.Status.Phase != corev1.PodRunning {
		t.Fatalf("pod on %q in phase %s", p.Spec.NodeName, p.Status.Phase)
	}
	evs, _ := env.Client().CoreV1().Events("default").List(ctx, metav1.ListOptions{FieldSelector: "reason=Scheduled"})
	if len(evs.Items) != 1 || evs.Items[0].Message != "Successfully assigned default/web to "+p.Spec.NodeName ||
		evs.Items[0].Source.Component != "default-scheduler" {
		t.Errorf("Scheduled events: %+v", evs.Items)
	}
}

func TestPendingUntilNodeMatchesSelector(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(3))
	p := pod("gpu-job", "")
	p.Spec.NodeSelector = map[string]string{"accelerator": "gpu"}
	if _, err := env.Client().CoreV1().Pods("default").Create(ctx, p, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(10 * time.Second)
	got := get(t, env, "gpu-job")
	cond := condition(got, corev1.PodScheduled)
	want := "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
	if got.Spec.NodeName != "" || cond == nil || cond.Reason != "Unschedulable" || cond.Message != want {
		t.Fatalf("pending pod: node %q condition %+v\nwant message %q", got.Spec.NodeName, cond, want)
	}
	patch := []byte(`{"metadata":{"labels":{"accelerator":"gpu"}}}`)
	if _, err := env.Client().CoreV1().Nodes().Patch(ctx, "node-2", types.StrategicMergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(15 * time.Second)
	if got := get(t, env, "gpu-job"); got.Spec.NodeName != "node-2" {
		t.Errorf("after labelling node-2: pod on %q", got.Spec.NodeName)
	}
}

func TestInsufficientCPUThenFreed(t *testing.T) {
	env := testkit.Start(t, testkit.WithNode(fakenode.NodeSpec{Name: "small", Capacity: map[corev1.ResourceName]string{"cpu": "1"}}))
	pods := env.Client().CoreV1().Pods("default")
	if _, err := pods.Create(ctx, pod("big", "800m"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(5 * time.Second)
	if _, err := pods.Create(ctx, pod("second", "500m"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(5 * time.Second)
	cond := condition(get(t, env, "second"), corev1.PodScheduled)
	if cond == nil || !strings.HasPrefix(cond.Message, "0/1 nodes are available: 1 Insufficient cpu.") {
		t.Fatalf("second pod condition: %+v", cond)
	}
	if err := pods.Delete(ctx, "big", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(time.Minute)
	if got := get(t, env, "second"); got.Spec.NodeName != "small" || got.Status.Phase != corev1.PodRunning {
		t.Errorf("after freeing cpu: node %q phase %s", got.Spec.NodeName, got.Status.Phase)
	}
}

func TestPreemption(t *testing.T) {
	env := testkit.Start(t, testkit.WithNode(fakenode.NodeSpec{Name: "small", Capacity: map[corev1.ResourceName]string{"cpu": "1"}}))
	c := env.Client()
	for _, pc := range []*schedulingv1.PriorityClass{
		{ObjectMeta: metav1.ObjectMeta{Name: "low"}, Value: 10},
		{ObjectMeta: metav1.ObjectMeta{Name: "high"}, Value: 1000},
	} {
		if _, err := c.SchedulingV1().PriorityClasses().Create(ctx, pc, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	low := pod("low", "800m")
	low.Spec.PriorityClassName = "low"
	// A process that ignores SIGTERM: the victim takes its 30 s grace period.
	low.Annotations = map[string]string{fakenode.AnnotationPrefix + "exit-code": "0", fakenode.AnnotationPrefix + "run-for": "1h"}
	grace := int64(30)
	low.Spec.TerminationGracePeriodSeconds = &grace
	if _, err := c.CoreV1().Pods("default").Create(ctx, low, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(5 * time.Second)
	high := pod("high", "800m")
	high.Spec.PriorityClassName = "high"
	if _, err := c.CoreV1().Pods("default").Create(ctx, high, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Settle()
	if h := get(t, env, "high"); h.Status.NominatedNodeName != "small" {
		t.Errorf("high pod nominated to %q, want small", h.Status.NominatedNodeName)
	}
	if l := get(t, env, "low"); l.DeletionTimestamp == nil || condition(l, corev1.DisruptionTarget) == nil {
		t.Errorf("low pod not being evicted: %+v", l.Status.Conditions)
	}
	env.Advance(time.Minute)
	if h := get(t, env, "high"); h.Spec.NodeName != "small" || h.Status.Phase != corev1.PodRunning {
		t.Errorf("high pod on %q in %s", h.Spec.NodeName, h.Status.Phase)
	}
	if _, err := c.CoreV1().Pods("default").Get(ctx, "low", metav1.GetOptions{}); err == nil {
		t.Error("low pod still exists")
	}
	evs, _ := c.CoreV1().Events("default").List(ctx, metav1.ListOptions{FieldSelector: "reason=Preempted"})
	if len(evs.Items) != 1 || evs.Items[0].InvolvedObject.Name != "low" || !strings.HasSuffix(evs.Items[0].Message, "on node small") {
		t.Errorf("Preempted events: %+v", evs.Items)
	}
}

func TestOtherSchedulerNameIsLeftAlone(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	p := pod("mine", "")
	p.Spec.SchedulerName = "my-scheduler"
	if _, err := env.Client().CoreV1().Pods("default").Create(ctx, p, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(time.Minute)
	if got := get(t, env, "mine"); got.Spec.NodeName != "" || len(got.Status.Conditions) != 0 {
		t.Errorf("a pod for another scheduler was touched: %q %+v", got.Spec.NodeName, got.Status.Conditions)
	}
}

func condition(p *corev1.Pod, t corev1.PodConditionType) *corev1.PodCondition {
	for i := range p.Status.Conditions {
		if p.Status.Conditions[i].Type == t {
			return &p.Status.Conditions[i]
		}
	}
	return nil
}

// TestTaintThenToleration: a tainted node turns a pod away until the pod
// tolerates the taint; the message names no taint (upstream stopped
// printing taint keys and values in pod status in 1.35).
func TestTaintThenToleration(t *testing.T) {
	env := testkit.Start(t, testkit.WithNode(fakenode.NodeSpec{Name: "gpu",
		Taints: []corev1.Taint{{Key: "dedicated", Value: "gpu", Effect: corev1.TaintEffectNoSchedule}}}))
	p := pod("trainer", "")
	if _, err := env.Client().CoreV1().Pods("default").Create(ctx, p, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(10 * time.Second)
	cond := condition(get(t, env, "trainer"), corev1.PodScheduled)
	want := "0/1 nodes are available: 1 node(s) had untolerated taint(s). preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."
	if cond == nil || cond.Message != want {
		t.Fatalf("condition %+v\nwant message %q", cond, want)
	}
	tolerant := pod("trainer-2", "")
	tolerant.Spec.Tolerations = []corev1.Toleration{{Key: "dedicated", Operator: corev1.TolerationOpEqual, Value: "gpu", Effect: corev1.TaintEffectNoSchedule}}
	if _, err := env.Client().CoreV1().Pods("default").Create(ctx, tolerant, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(10 * time.Second)
	if got := get(t, env, "trainer-2"); got.Spec.NodeName != "gpu" {
		t.Errorf("tolerating pod on %q", got.Spec.NodeName)
	}
	// Removing the taint lets the first pod in, after its back-off.
	node, err := env.Client().CoreV1().Nodes().Get(ctx, "gpu", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var keep []corev1.Taint
	for _, taint := range node.Spec.Taints {
		if taint.Key != "dedicated" {
			keep = append(keep, taint)
		}
	}
	node.Spec.Taints = keep
	if _, err := env.Client().CoreV1().Nodes().Update(ctx, node, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(15 * time.Second)
	if got := get(t, env, "trainer"); got.Spec.NodeName != "gpu" {
		t.Errorf("after untainting: pod on %q", got.Spec.NodeName)
	}
}
