package podgc_test

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubesim/kubesim/testkit"
)

var ctx = context.Background()

func pinnedPod(name, node string) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
		Spec: corev1.PodSpec{NodeName: node, Containers: []corev1.Container{{Name: "c", Image: "nginx:1.27"}}}}
}

// The pods of a node that was deleted are marked Failed with a
// DisruptionTarget condition and force-deleted once the node has been
// gone for the 40 s quarantine.
func TestOrphanedPods(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(2))
	pods := env.Client().CoreV1().Pods("default")
	if _, err := pods.Create(ctx, pinnedPod("orphan", "node-1"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(10 * time.Second)
	env.Cluster().Nodes.Node("node-1").Stop()
	if err := env.Client().CoreV1().Nodes().Delete(ctx, "node-1", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	w, err := pods.Watch(ctx, metav1.ListOptions{FieldSelector: "metadata.name=orphan"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	env.Advance(30 * time.Second)
	if _, err := pods.Get(ctx, "orphan", metav1.GetOptions{}); err != nil {
		t.Fatalf("after 30 s, within the quarantine: %v", err)
	}
	env.Advance(40 * time.Second)
	if _, err := pods.Get(ctx, "orphan", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("after 70 s the orphan is still there: %v", err)
	}
	var last *corev1.Pod
	// The deletion has happened, so the watch delivers up to it.
	for ev := range w.ResultChan() {
		if p, ok := ev.Object.(*corev1.Pod); ok && p.Status.Phase == corev1.PodFailed && last == nil {
			last = p
		}
		if ev.Type == watch.Deleted {
			break
		}
	}
	if last == nil {
		t.Fatal("the pod was never marked Failed before its deletion")
	}
	if c := condition(last, corev1.DisruptionTarget); c == nil || c.Reason != "DeletionByPodGC" || c.Message != "PodGC: node no longer exists" {
		t.Errorf("DisruptionTarget condition = %+v", c)
	}
}

// A terminating pod on a node that is down and tainted out-of-service is
// force-deleted: its kubelet will never confirm.
func TestOutOfServiceNode(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	pods := env.Client().CoreV1().Pods("default")
	if _, err := pods.Create(ctx, pinnedPod("stuck", "node-1"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(10 * time.Second)
	env.Cluster().Nodes.Node("node-1").Stop()
	env.Advance(time.Minute) // NotReady after the 50 s grace period
	if err := pods.Delete(ctx, "stuck", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(2 * time.Minute)
	if _, err := pods.Get(ctx, "stuck", metav1.GetOptions{}); err != nil {
		t.Fatalf("without the taint the pod waits for its kubelet: %v", err)
	}
	node, err := env.Client().CoreV1().Nodes().Get(ctx, "node-1", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	node.Spec.Taints = append(node.Spec.Taints, corev1.Taint{Key: corev1.TaintNodeOutOfService, Value: "nodeshutdown", Effect: corev1.TaintEffectNoExecute})
	if _, err := env.Client().CoreV1().Nodes().Update(ctx, node, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(21 * time.Second)
	if _, err := pods.Get(ctx, "stuck", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("the pod is still there: %v", err)
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
