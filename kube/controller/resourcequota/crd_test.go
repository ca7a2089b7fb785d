package resourcequota_test

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
)

const widgetCRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
`

// count/<resource>.<group> works for custom resources too, both in
// admission and in the controller's count.
func TestCustomResourceCount(t *testing.T) {
	env, _ := start(t)
	env.Apply(widgetCRD)
	createQuota(t, env, quota("widgets", list("count/widgets.example.com", "1")))
	dyn, err := dynamic.NewForConfig(env.Config())
	check(t, err)
	widgets := dyn.Resource(schema.GroupVersionResource{Group: "example.com", Version: "v1", Resource: "widgets"}).Namespace(ns)
	widget := func(name string) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{"apiVersion": "example.com/v1", "kind": "Widget", "metadata": map[string]any{"name": name}}}
	}
	_, err = widgets.Create(ctx, widget("a"), metav1.CreateOptions{})
	check(t, err)
	_, err = widgets.Create(ctx, widget("b"), metav1.CreateOptions{})
	if err == nil || !strings.Contains(err.Error(), `widgets.example.com "b" is forbidden: exceeded quota: widgets, requested: count/widgets.example.com=1, used: count/widgets.example.com=1`) {
		t.Errorf("second widget: %v", err)
	}
	check(t, widgets.Delete(ctx, "a", metav1.DeleteOptions{}))
	env.Settle()
	wantUsed(t, env.Client(), "widgets", map[string]string{"count/widgets.example.com": "0"})
	_, err = widgets.Create(ctx, widget("b"), metav1.CreateOptions{})
	check(t, err)
}
