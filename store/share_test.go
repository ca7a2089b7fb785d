package store

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// TestVersionsReadAsWritten: a version shares what it has in common with
// the one it replaced, and every version (the current one from Get, the
// older ones from the watch log) still reads exactly as it was written,
// nil and empty told apart.
func TestVersionsReadAsWritten(t *testing.T) {
	s, _ := newStore(t)
	v1 := pod("default", "web")
	v1.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: "kubectl", FieldsV1: &metav1.FieldsV1{Raw: []byte(`{"f:spec":{}}`)}}}
	created := mustCreate(t, s, v1)
	start := created.ResourceVersion

	v2 := created.DeepCopy()
	v2.Status.Phase = corev1.PodRunning
	v2.ManagedFields = append(v2.ManagedFields, metav1.ManagedFieldsEntry{Manager: "kubelet", Subresource: "status",
		FieldsV1: &metav1.FieldsV1{Raw: []byte(`{"f:status":{}}`)}})
	v3 := v2.DeepCopy()
	v3.Labels = map[string]string{} // empty, not nil: a different value
	v3.Spec.Containers[0].Image = "nginx:2"
	v3.Spec.NodeSelector = map[string]string{} // the rest of the spec as in v2
	v4 := v3.DeepCopy()
	v4.Labels = nil
	v4.Spec.NodeName = "node-1"
	v4.Spec.NodeSelector = nil
	v4.ManagedFields[0].FieldsV1 = &metav1.FieldsV1{Raw: []byte(`{"f:spec":{"f:containers":{}}}`)}

	var written []*corev1.Pod
	for _, v := range []*corev1.Pod{v2, v3, v4} {
		v.ResourceVersion = "" // unconditional
		out, err := s.Update("pods", v)
		if err != nil {
			t.Fatal(err)
		}
		written = append(written, out.(*corev1.Pod))
	}
	got, err := s.Get("pods", "default", "web")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(written[2], got); d != "" {
		t.Errorf("current version (-written +read):\n%s", d)
	}
	if p := got.(*corev1.Pod); p.Labels != nil || p.Spec.NodeSelector != nil {
		t.Errorf("labels %#v, node selector %#v, want nil", p.Labels, p.Spec.NodeSelector)
	}

	w, err := s.Watch("pods", WatchOptions{ResourceVersion: mustParse(t, start)})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range written {
		ev, err := w.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, ev.Object); d != "" {
			t.Errorf("version %d in the log (-written +read):\n%s", i+2, d)
		}
	}
	if l, sel := written[1].Labels, written[1].Spec.NodeSelector; l == nil || len(l) != 0 || sel == nil || len(sel) != 0 {
		t.Errorf("version 3 labels %#v, node selector %#v, want empty", l, sel)
	}
}

func TestCustomResourceVersionsReadAsWritten(t *testing.T) {
	s, _ := newStore(t)
	obj := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "example.com/v1", "kind": "Widget",
		"metadata": map[string]any{"name": "w", "namespace": "default", "labels": map[string]any{"a": "b"}},
		"spec":     map[string]any{"size": int64(3), "parts": []any{"x", "y"}},
	}}
	created, err := s.Create("widgets.example.com", obj)
	if err != nil {
		t.Fatal(err)
	}
	next := created.DeepCopyObject().(*unstructured.Unstructured)
	next.Object["status"] = map[string]any{"ready": true}
	updated, err := s.Update("widgets.example.com", next)
	if err != nil {
		t.Fatal(err)
	}
	last := updated.DeepCopyObject().(*unstructured.Unstructured)
	if err := unstructured.SetNestedField(last.Object, int64(4), "spec", "size"); err != nil {
		t.Fatal(err)
	}
	final, err := s.Update("widgets.example.com", last)
	if err != nil {
		t.Fatal(err)
	}
	w, err := s.Watch("widgets.example.com", WatchOptions{ResourceVersion: mustParse(t, created.(*unstructured.Unstructured).GetResourceVersion())})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []runtime.Object{updated, final} {
		ev, err := w.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, ev.Object); d != "" {
			t.Errorf("version %d (-written +read):\n%s", i+2, d)
		}
	}
}

func mustParse(t *testing.T, rv string) uint64 {
	t.Helper()
	n, err := ParseRV(rv)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
