package nodelifecycle_test

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubesim/kubesim/testkit"
)

func TestStoppedNodeTurnsUnknownTaintedAndBack(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(3))
	createPod(t, env, pinnedPod("app", "node-1"))
	env.Advance(20 * time.Second)
	if got := podReady(getPod(t, env, "app")); got != corev1.ConditionTrue {
		t.Fatalf("pod Ready = %q before the node stops", got)
	}
	node := env.Cluster().Nodes.Node("node-1")
	node.Stop()

	env.Advance(40 * time.Second)
	n := getNode(t, env, "node-1")
	if got := nodeCondition(n, corev1.NodeReady).Status; got != corev1.ConditionTrue {
		t.Fatalf("Ready = %s 40 s after the node stopped, within the grace period", got)
	}
	env.Advance(30 * time.Second)
	n = getNode(t, env, "node-1")
	for _, ct := range []corev1.NodeConditionType{corev1.NodeReady, corev1.NodeMemoryPressure, corev1.NodeDiskPressure, corev1.NodePIDPressure} {
		c := nodeCondition(n, ct)
		if c.Status != corev1.ConditionUnknown || c.Reason != "NodeStatusUnknown" || c.Message != "Kubelet stopped posting node status." {
			t.Errorf("%s after 70 s: %s %q %q", ct, c.Status, c.Reason, c.Message)
		}
	}
	noSchedule := taint(n, corev1.TaintNodeUnreachable, corev1.TaintEffectNoSchedule)
	noExecute := taint(n, corev1.TaintNodeUnreachable, corev1.TaintEffectNoExecute)
	if noSchedule == nil || noExecute == nil || noExecute.TimeAdded == nil {
		t.Fatalf("taints after 70 s: %+v", n.Spec.Taints)
	}
	if getNode(t, env, "node-2").Spec.Taints != nil {
		t.Errorf("a running node was tainted: %+v", getNode(t, env, "node-2").Spec.Taints)
	}
	if got := podReady(getPod(t, env, "app")); got != corev1.ConditionFalse {
		t.Errorf("pod Ready = %q on the unreachable node", got)
	}
	if !hasEvent(t, env, "Node", "node-1", "NodeNotReady", "Node node-1 status is now: NodeNotReady") {
		t.Error("no NodeNotReady event for the node")
	}
	if !hasEvent(t, env, "Pod", "app", "NodeNotReady", "Node is not ready") {
		t.Error("no NodeNotReady event for the pod")
	}

	if err := node.Start(ctx); err != nil {
		t.Fatal(err)
	}
	env.Advance(10 * time.Second)
	n = getNode(t, env, "node-1")
	if got := nodeCondition(n, corev1.NodeReady).Status; got != corev1.ConditionTrue || len(n.Spec.Taints) != 0 {
		t.Errorf("after the restart: Ready %s, taints %+v", got, n.Spec.Taints)
	}
	env.Advance(300 * time.Second)
	p := getPod(t, env, "app")
	if p.DeletionTimestamp != nil || podReady(p) != corev1.ConditionTrue {
		t.Errorf("the pod of a node back in time: deleted %v, Ready %q", p.DeletionTimestamp, podReady(p))
	}
	if !hasEvent(t, env, "Pod", "app", "TaintManagerEviction", "Cancelling deletion of Pod default/app") {
		t.Error("no event for the cancelled eviction")
	}
}

func TestNodeThatReportsNotReadyIsTaintedNotReady(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(2))
	env.Advance(10 * time.Second)
	node := env.Cluster().Nodes.Node("node-2")
	if err := node.SetCondition(ctx, corev1.NodeReady, corev1.ConditionFalse, "KubeletNotReady", "container runtime is down"); err != nil {
		t.Fatal(err)
	}
	env.Advance(10 * time.Second)
	n := getNode(t, env, "node-2")
	if taint(n, corev1.TaintNodeNotReady, corev1.TaintEffectNoSchedule) == nil || taint(n, corev1.TaintNodeNotReady, corev1.TaintEffectNoExecute) == nil ||
		taint(n, corev1.TaintNodeUnreachable, corev1.TaintEffectNoExecute) != nil {
		t.Fatalf("taints of a NotReady node: %+v", n.Spec.Taints)
	}
	if err := node.SetCondition(ctx, corev1.NodeReady, corev1.ConditionTrue, "KubeletReady", "kubelet is posting ready status"); err != nil {
		t.Fatal(err)
	}
	env.Advance(10 * time.Second)
	if n := getNode(t, env, "node-2"); len(n.Spec.Taints) != 0 {
		t.Errorf("taints of a node Ready again: %+v", n.Spec.Taints)
	}
}

func TestCordonAddsUnschedulableTaint(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	node := env.Cluster().Nodes.Node("node-1")
	if err := node.Cordon(ctx); err != nil {
		t.Fatal(err)
	}
	env.Settle()
	if taint(getNode(t, env, "node-1"), corev1.TaintNodeUnschedulable, corev1.TaintEffectNoSchedule) == nil {
		t.Fatalf("taints of a cordoned node: %+v", getNode(t, env, "node-1").Spec.Taints)
	}
	if err := node.Uncordon(ctx); err != nil {
		t.Fatal(err)
	}
	env.Settle()
	if n := getNode(t, env, "node-1"); len(n.Spec.Taints) != 0 {
		t.Errorf("taints after uncordon: %+v", n.Spec.Taints)
	}
}

// With every node gone, upstream assumes the control plane is the one cut
// off: no NoExecute taint, so nothing is evicted.
func TestLastNodeDownIsNotEvicted(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	createPod(t, env, pinnedPod("app", "node-1"))
	env.Advance(10 * time.Second)
	env.Cluster().Nodes.Node("node-1").Stop()
	env.Advance(10 * time.Minute)
	n := getNode(t, env, "node-1")
	if nodeCondition(n, corev1.NodeReady).Status != corev1.ConditionUnknown ||
		taint(n, corev1.TaintNodeUnreachable, corev1.TaintEffectNoSchedule) == nil ||
		taint(n, corev1.TaintNodeUnreachable, corev1.TaintEffectNoExecute) != nil {
		t.Errorf("the only node, stopped: Ready %s, taints %+v", nodeCondition(n, corev1.NodeReady).Status, n.Spec.Taints)
	}
	if p := getPod(t, env, "app"); p.DeletionTimestamp != nil {
		t.Error("a pod of the only node was evicted")
	}
}

func TestDeploymentMovesOffDeadNodeAfterTolerationSeconds(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(3))
	c := env.Client()
	if _, err := c.AppsV1().Deployments(ns).Create(ctx, deployment("web", 6), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(30 * time.Second)
	pods, _ := c.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "app=web"})
	var victims []string
	dead := ""
	for _, p := range pods.Items {
		if dead == "" {
			dead = p.Spec.NodeName
		}
		if p.Spec.NodeName == dead {
			victims = append(victims, p.Name)
		}
	}
	if len(victims) == 0 {
		t.Fatalf("no pods scheduled: %d pods", len(pods.Items))
	}
	env.Cluster().Nodes.Node(dead).Stop()
	var tainted time.Time
	advanceUntil(t, env, 10*time.Second, 2*time.Minute, func() bool {
		if tt := taint(getNode(t, env, dead), corev1.TaintNodeUnreachable, corev1.TaintEffectNoExecute); tt != nil {
			tainted = tt.TimeAdded.Time
			return true
		}
		return false
	})
	env.Advance(tainted.Add(295 * time.Second).Sub(env.Clock().Now()))
	for _, name := range victims {
		if p := getPod(t, env, name); p.DeletionTimestamp != nil {
			t.Fatalf("pod %s deleted %v after the taint, before its 300 s", name, env.Clock().Now().Sub(tainted))
		}
	}
	env.Advance(15 * time.Second)
	for _, name := range victims {
		p, err := c.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			continue // gone is fine too
		}
		if p.DeletionTimestamp == nil || !hasDisruptionTarget(p) {
			t.Errorf("pod %s 310 s after the taint: deletion %v, conditions %+v", name, p.DeletionTimestamp, p.Status.Conditions)
		}
		if !hasEvent(t, env, "Pod", name, "TaintManagerEviction", "Marking for deletion Pod default/"+name) {
			t.Errorf("no TaintManagerEviction event for %s", name)
		}
	}
	env.Advance(30 * time.Second)
	pods, _ = c.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "app=web"})
	running := 0
	for _, p := range pods.Items {
		if p.DeletionTimestamp == nil && p.Spec.NodeName != dead && podReady(&p) == corev1.ConditionTrue {
			running++
		}
	}
	if running != 6 {
		t.Errorf("%d ready pods on the remaining nodes, want 6", running)
	}
}

func hasDisruptionTarget(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.DisruptionTarget && c.Status == corev1.ConditionTrue && c.Reason == "DeletionByTaintManager" &&
			c.Message == "Taint manager: deleting due to NoExecute taint" {
			return true
		}
	}
	return false
}

func TestBetaLabelsFollowStableOnes(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	patch := []byte(`{"metadata":{"labels":{"beta.kubernetes.io/os":null,"beta.kubernetes.io/arch":"arm64"}}}`)
	if _, err := env.Client().CoreV1().Nodes().Patch(ctx, "node-1", types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Settle()
	n := getNode(t, env, "node-1")
	if n.Labels["beta.kubernetes.io/os"] != "linux" || n.Labels["beta.kubernetes.io/arch"] != "amd64" {
		t.Errorf("beta labels: %v", n.Labels)
	}
}
