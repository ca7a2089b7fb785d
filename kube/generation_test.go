package kube_test

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/testkit"
)

// A pod's metadata.generation (KEP-5067) starts at 1, stays there when
// the scheduler binds the pod (the binding subresource writes storage
// directly, past the pod strategy), counts updates of the pod's mutable
// spec, and counts the start of a graceful deletion.
func TestPodGeneration(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	pods := env.Client().CoreV1().Pods("default")
	p, err := pods.Create(ctx, pod("web"), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	gen := func(step string, want int64) *corev1.Pod {
		t.Helper()
		got, err := pods.Get(ctx, "web", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Generation != want {
			t.Errorf("after %s: generation %d, want %d", step, got.Generation, want)
		}
		return got
	}
	gen("create", 1)
	b := &corev1.Binding{ObjectMeta: metav1.ObjectMeta{Name: "web"}, Target: corev1.ObjectReference{Kind: "Node", Name: "node-1"}}
	if err := pods.Bind(ctx, b, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	p = gen("binding", 1)
	p.Labels = map[string]string{"tier": "web"}
	if p, err = pods.Update(ctx, p, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	p = gen("a label", 1)
	p.Spec.ActiveDeadlineSeconds = ptr.To[int64](600)
	if _, err = pods.Update(ctx, p, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	gen("activeDeadlineSeconds", 2)
	if err := pods.Delete(ctx, "web", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	gen("graceful deletion", 3)
}
