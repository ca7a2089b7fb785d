package tainteviction_test

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/testkit"
)

var ctx = context.Background()

const ns = "default"

func pod(name, node string, tolerations ...corev1.Toleration) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: corev1.PodSpec{
			NodeName: node, Tolerations: tolerations,
			Containers: []corev1.Container{{Name: "app", Image: "nginx"}},
		},
	}
}

func tolerate(key string, seconds *int64) corev1.Toleration {
	return corev1.Toleration{Key: key, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: seconds}
}

func create(t *testing.T, env *testkit.Env, pods ...*corev1.Pod) {
	t.Helper()
	for _, p := range pods {
		if _, err := env.Client().CoreV1().Pods(ns).Create(ctx, p, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

// evicted reports whether the pod is being deleted or gone; a pod still
// there must carry the taint manager's DisruptionTarget condition.
func evicted(t *testing.T, env *testkit.Env, name string) bool {
	t.Helper()
	p, err := env.Client().CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return true
	}
	if err != nil {
		t.Fatal(err)
	}
	if p.DeletionTimestamp == nil {
		return false
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.DisruptionTarget && c.Status == corev1.ConditionTrue && c.Reason == "DeletionByTaintManager" &&
			c.Message == "Taint manager: deleting due to NoExecute taint" {
			return true
		}
	}
	t.Errorf("pod %s deleted without the DisruptionTarget condition: %+v", name, p.Status.Conditions)
	return true
}

func setTaints(t *testing.T, env *testkit.Env, node string, taints ...corev1.Taint) {
	t.Helper()
	n, err := env.Client().CoreV1().Nodes().Get(ctx, node, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n.Spec.Taints = taints
	if _, err := env.Client().CoreV1().Nodes().Update(ctx, n, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

func hasEvent(t *testing.T, env *testkit.Env, name, message string) bool {
	t.Helper()
	evs, err := env.Client().CoreV1().Events(ns).List(ctx, metav1.ListOptions{FieldSelector: "reason=TaintManagerEviction"})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs.Items {
		if e.InvolvedObject.Name == name && e.Message == message {
			return true
		}
	}
	return false
}

func TestNoExecuteTaintEvictsByTolerations(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(2))
	create(t, env,
		pod("intolerant", "node-1"),
		pod("minute", "node-1", tolerate("maintenance", ptr.To[int64](60))),
		pod("forever", "node-1", tolerate("maintenance", nil)),
		pod("elsewhere", "node-2"),
	)
	env.Advance(10 * time.Second)
	setTaints(t, env, "node-1", corev1.Taint{Key: "maintenance", Value: "now", Effect: corev1.TaintEffectNoExecute})
	env.Settle()
	if !evicted(t, env, "intolerant") {
		t.Error("a pod that does not tolerate the taint was not evicted at once")
	}
	if !hasEvent(t, env, "intolerant", "Marking for deletion Pod default/intolerant") {
		t.Error("no TaintManagerEviction event")
	}
	env.Advance(59 * time.Second)
	if evicted(t, env, "minute") {
		t.Error("a pod tolerating the taint for 60 s was evicted before")
	}
	env.Advance(2 * time.Second)
	if !evicted(t, env, "minute") {
		t.Error("a pod tolerating the taint for 60 s was not evicted after")
	}
	env.Advance(10 * time.Minute)
	if evicted(t, env, "forever") || evicted(t, env, "elsewhere") {
		t.Error("a pod tolerating the taint forever, or on another node, was evicted")
	}
}

func TestRemovingTaintCancelsEviction(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	create(t, env, pod("web", "node-1", tolerate("maintenance", ptr.To[int64](120))))
	env.Advance(10 * time.Second)
	setTaints(t, env, "node-1", corev1.Taint{Key: "maintenance", Effect: corev1.TaintEffectNoExecute})
	env.Advance(30 * time.Second)
	setTaints(t, env, "node-1")
	env.Advance(5 * time.Minute)
	if evicted(t, env, "web") {
		t.Error("evicted after the taint was removed")
	}
	if !hasEvent(t, env, "web", "Cancelling deletion of Pod default/web") {
		t.Error("no event for the cancelled eviction")
	}
}

func TestUnreachableNodeEvictsPodAfterItsTolerationSeconds(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(3))
	create(t, env,
		pod("short", "node-1", tolerate(corev1.TaintNodeUnreachable, ptr.To[int64](60))),
		pod("default", "node-1"),
	)
	env.Advance(20 * time.Second)
	env.Cluster().Nodes.Node("node-1").Stop()
	var added time.Time
	for i := 0; i < 12 && added.IsZero(); i++ {
		env.Advance(10 * time.Second)
		n, _ := env.Client().CoreV1().Nodes().Get(ctx, "node-1", metav1.GetOptions{})
		for _, tt := range n.Spec.Taints {
			if tt.Key == corev1.TaintNodeUnreachable && tt.Effect == corev1.TaintEffectNoExecute {
				added = tt.TimeAdded.Time
			}
		}
	}
	if added.IsZero() {
		t.Fatal("the stopped node never got the unreachable NoExecute taint")
	}
	env.Advance(added.Add(58 * time.Second).Sub(env.Clock().Now()))
	if evicted(t, env, "short") {
		t.Fatal("evicted before its 60 s")
	}
	env.Advance(3 * time.Second)
	if !evicted(t, env, "short") {
		t.Error("not evicted 61 s after the taint")
	}
	if evicted(t, env, "default") {
		t.Error("a pod with the default 300 s was evicted at 61 s")
	}
}
