package apiextensions_test

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/testkit"
)

// TestGarbageCollectionAcrossCustomResources: the garbage collector
// follows owner references from and to custom resources, as an operator's
// children rely on.
func TestGarbageCollectionAcrossCustomResources(t *testing.T) {
	env := testkit.Start(t)
	installCRD(t, env, widgetCRD())
	dyn := dynamic.NewForConfigOrDie(env.Config())
	ctx := context.Background()
	w, err := dyn.Resource(widgets).Namespace("default").Create(ctx, widget("owner", map[string]any{}), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// A ConfigMap owned by the widget, and a widget owned by a ConfigMap.
	child := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "child", OwnerReferences: []metav1.OwnerReference{{
		APIVersion: "example.com/v1", Kind: "Widget", Name: w.GetName(), UID: w.GetUID(), Controller: ptr.To(true),
	}}}}
	if _, err := env.Client().CoreV1().ConfigMaps("default").Create(ctx, child, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	parent, err := env.Client().CoreV1().ConfigMaps("default").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "parent"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	owned := widget("owned", map[string]any{})
	owned.SetOwnerReferences([]metav1.OwnerReference{{APIVersion: "v1", Kind: "ConfigMap", Name: parent.Name, UID: parent.UID}})
	if _, err := dyn.Resource(widgets).Namespace("default").Create(ctx, owned, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Settle()

	if err := dyn.Resource(widgets).Namespace("default").Delete(ctx, "owner", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := env.Client().CoreV1().ConfigMaps("default").Delete(ctx, "parent", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(time.Second)
	if _, err := env.Client().CoreV1().ConfigMaps("default").Get(ctx, "child", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("ConfigMap owned by a deleted widget: %v", err)
	}
	if _, err := dyn.Resource(widgets).Namespace("default").Get(ctx, "owned", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("widget owned by a deleted ConfigMap: %v", err)
	}
}

// TestNamespaceDeletionEmptiesCustomResources: deleting a namespace
// deletes the custom resources in it, finalizers and all, and the
// namespace goes away.
func TestNamespaceDeletionEmptiesCustomResources(t *testing.T) {
	env := testkit.Start(t)
	installCRD(t, env, widgetCRD())
	ctx := context.Background()
	if _, err := env.Client().CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	dyn := dynamic.NewForConfigOrDie(env.Config())
	held := widget("held", map[string]any{})
	held.SetFinalizers([]string{"example.com/cleanup"})
	for _, w := range []*unstructured.Unstructured{widget("plain", map[string]any{}), held} {
		if _, err := dyn.Resource(widgets).Namespace("team").Create(ctx, w, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := env.Client().CoreV1().Namespaces().Delete(ctx, "team", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(10 * time.Second)
	// The finalizer holds its widget, and so the namespace.
	got, err := dyn.Resource(widgets).Namespace("team").Get(ctx, "held", metav1.GetOptions{})
	if err != nil || got.GetDeletionTimestamp() == nil {
		t.Fatalf("widget with a finalizer: %v, deletionTimestamp %v", err, got)
	}
	if _, err := dyn.Resource(widgets).Namespace("team").Get(ctx, "plain", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("widget without finalizers: %v", err)
	}
	ns, err := env.Client().CoreV1().Namespaces().Get(ctx, "team", metav1.GetOptions{})
	if err != nil || ns.Status.Phase != corev1.NamespaceTerminating {
		t.Fatalf("namespace while a widget is held: %v, %+v", err, ns.Status)
	}
	// The operator removes its finalizer; the namespace finishes.
	got.SetFinalizers(nil)
	if _, err := dyn.Resource(widgets).Namespace("team").Update(ctx, got, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(30 * time.Second)
	if _, err := env.Client().CoreV1().Namespaces().Get(ctx, "team", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("namespace after its last widget went: %v", err)
	}
}
