package fakenode_test

import (
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesim/kubesim/fakenode"
	"github.com/kubesim/kubesim/testkit"
)

// memoryHog is a pod on node-1 using memory; request is its memory
// request and limit, "" for none.
func memoryHog(name, uses, request string, guaranteed bool) *corev1.Pod {
	c := corev1.Container{Name: "app", Image: "busybox:1.36", Command: []string{"sleep", "3600"}}
	if request != "" {
		c.Resources.Requests = corev1.ResourceList{corev1.ResourceMemory: resource.MustParse(request)}
		if guaranteed {
			c.Resources.Requests[corev1.ResourceCPU] = resource.MustParse("100m")
			c.Resources.Limits = c.Resources.Requests.DeepCopy()
		}
	}
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Annotations: map[string]string{fakenode.AnnotationPrefix + "memory": uses}},
		Spec:       corev1.PodSpec{NodeName: "node-1", Containers: []corev1.Container{c}},
	}
}

// Under memory pressure the kubelet reports MemoryPressure, and evicts
// first the pod using the most memory above its request (seed 004: QoS,
// priority and usage over requests decide), sparing those within theirs.
func TestMemoryPressureEviction(t *testing.T) {
	env := testkit.Start(t, testkit.WithNode(fakenode.NodeSpec{Name: "node-1",
		Capacity: map[corev1.ResourceName]string{corev1.ResourceMemory: "2Gi"}}))
	pods := env.Client().CoreV1().Pods("default")
	for _, p := range []*corev1.Pod{
		memoryHog("besteffort", "600Mi", "", false),
		memoryHog("burstable", "700Mi", "500Mi", false),
		memoryHog("guaranteed", "500Mi", "600Mi", true),
	} {
		if _, err := pods.Create(ctx, p, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	env.Advance(30 * time.Second)

	victim, err := pods.Get(ctx, "besteffort", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if victim.Status.Phase != corev1.PodFailed || victim.Status.Reason != "Evicted" {
		t.Fatalf("besteffort: phase %s reason %q, want Failed Evicted", victim.Status.Phase, victim.Status.Reason)
	}
	msg := victim.Status.Message
	if !strings.HasPrefix(msg, "The node was low on resource: memory. Threshold quantity: 100Mi, available: ") ||
		!strings.HasSuffix(msg, "Container app was using 600Mi, request is 0, has larger consumption of memory. ") {
		t.Errorf("eviction message %q", msg)
	}
	if c := podCondition(victim, corev1.DisruptionTarget); c == nil || c.Reason != "TerminationByKubelet" {
		t.Errorf("DisruptionTarget = %+v", c)
	}
	for _, name := range []string{"burstable", "guaranteed"} {
		if p, _ := pods.Get(ctx, name, metav1.GetOptions{}); p.Status.Phase != corev1.PodRunning {
			t.Errorf("%s is %s, want Running: one eviction relieves the pressure", name, p.Status.Phase)
		}
	}
	node, err := env.Client().CoreV1().Nodes().Get(ctx, "node-1", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if c := nodeCondition(node, corev1.NodeMemoryPressure); c.Status != corev1.ConditionTrue || c.Reason != "KubeletHasInsufficientMemory" {
		t.Errorf("MemoryPressure = %+v", c)
	}
	if !hasTaint(node, corev1.TaintNodeMemoryPressure) {
		t.Errorf("node taints %v, want %s", node.Spec.Taints, corev1.TaintNodeMemoryPressure)
	}
	evs, _ := env.Client().CoreV1().Events("default").List(ctx, metav1.ListOptions{FieldSelector: "reason=EvictionThresholdMet"})
	if len(evs.Items) == 0 || evs.Items[0].Message != "Attempting to reclaim memory" || evs.Items[0].InvolvedObject.Kind != "Node" {
		t.Errorf("EvictionThresholdMet events: %+v", evs.Items)
	}

	// The condition clears once the transition period has passed.
	env.Advance(6 * time.Minute)
	node, _ = env.Client().CoreV1().Nodes().Get(ctx, "node-1", metav1.GetOptions{})
	if c := nodeCondition(node, corev1.NodeMemoryPressure); c.Status != corev1.ConditionFalse {
		t.Errorf("after the transition period MemoryPressure = %+v", c)
	}
	if hasTaint(node, corev1.TaintNodeMemoryPressure) {
		t.Errorf("memory-pressure taint still there: %v", node.Spec.Taints)
	}
}

// A container writing more than its ephemeral-storage limit gets its pod
// evicted, whatever the node's state, without a DisruptionTarget.
func TestEphemeralStorageLimitEviction(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	pods := env.Client().CoreV1().Pods("default")
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "writer", Annotations: map[string]string{fakenode.AnnotationPrefix + "ephemeral-storage": "2Gi"}},
		Spec: corev1.PodSpec{NodeName: "node-1", Containers: []corev1.Container{{Name: "app", Image: "busybox:1.36",
			Command:   []string{"sleep", "3600"},
			Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceEphemeralStorage: resource.MustParse("1Gi")}}}}},
	}
	if _, err := pods.Create(ctx, p, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(time.Minute)
	got, err := pods.Get(ctx, "writer", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status.Phase != corev1.PodFailed || got.Status.Reason != "Evicted" ||
		got.Status.Message != `Container app exceeded its local ephemeral storage limit "1Gi". ` {
		t.Errorf("writer: %s %q %q", got.Status.Phase, got.Status.Reason, got.Status.Message)
	}
	if c := podCondition(got, corev1.DisruptionTarget); c != nil {
		t.Errorf("unexpected DisruptionTarget %+v", c)
	}
}

func podCondition(p *corev1.Pod, t corev1.PodConditionType) *corev1.PodCondition {
	for i := range p.Status.Conditions {
		if p.Status.Conditions[i].Type == t {
			return &p.Status.Conditions[i]
		}
	}
	return nil
}

func nodeCondition(n *corev1.Node, t corev1.NodeConditionType) corev1.NodeCondition {
	for _, c := range n.Status.Conditions {
		if c.Type == t {
			return c
		}
	}
	return corev1.NodeCondition{}
}

func hasTaint(n *corev1.Node, key string) bool {
	for _, t := range n.Spec.Taints {
		if t.Key == key {
			return true
		}
	}
	return false
}
