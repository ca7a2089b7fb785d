package apiextensions_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/testkit"
)

var widgets = schema.GroupVersionResource{Group: "example.com", Version: "v1", Resource: "widgets"}

func widgetCRD() *apiextensionsv1.CustomResourceDefinition {
	return &apiextensionsv1.CustomResourceDefinition{
		ObjectMeta: metav1.ObjectMeta{Name: "widgets.example.com"},
		Spec: apiextensionsv1.CustomResourceDefinitionSpec{
			Group: "example.com",
			Scope: apiextensionsv1.NamespaceScoped,
			Names: apiextensionsv1.CustomResourceDefinitionNames{
				Plural: "widgets", Singular: "widget", Kind: "Widget", ListKind: "WidgetList", ShortNames: []string{"wg"},
			},
			Versions: []apiextensionsv1.CustomResourceDefinitionVersion{{
				Name: "v1", Served: true, Storage: true,
				Schema: &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: &apiextensionsv1.JSONSchemaProps{
					Type: "object",
					Properties: map[string]apiextensionsv1.JSONSchemaProps{
						"spec": {Type: "object", Properties: map[string]apiextensionsv1.JSONSchemaProps{
							"replicas": {Type: "integer", Default: &apiextensionsv1.JSON{Raw: []byte("1")}, Minimum: ptr.To(0.0)},
							"color":    {Type: "string", Enum: []apiextensionsv1.JSON{{Raw: []byte(`"red"`)}, {Raw: []byte(`"blue"`)}}},
						}},
						"status": {Type: "object", Properties: map[string]apiextensionsv1.JSONSchemaProps{
							"replicas": {Type: "integer"},
							"selector": {Type: "string"},
						}},
					},
				}},
				Subresources: &apiextensionsv1.CustomResourceSubresources{
					Status: &apiextensionsv1.CustomResourceSubresourceStatus{},
					Scale: &apiextensionsv1.CustomResourceSubresourceScale{
						SpecReplicasPath: ".spec.replicas", StatusReplicasPath: ".status.replicas", LabelSelectorPath: ptr.To(".status.selector"),
					},
				},
			}},
		},
	}
}

func widget(name string, spec map[string]any) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "example.com/v1", "kind": "Widget",
		"metadata": map[string]any{"name": name},
		"spec":     spec,
	}}
}

func installCRD(t *testing.T, env *testkit.Env, crd *apiextensionsv1.CustomResourceDefinition) *apiextensionsv1.CustomResourceDefinition {
	t.Helper()
	client := apiextensionsclient.NewForConfigOrDie(env.Config())
	ctx := context.Background()
	if _, err := client.ApiextensionsV1().CustomResourceDefinitions().Create(ctx, crd, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create CRD: %v", err)
	}
	env.Settle()
	got, err := client.ApiextensionsV1().CustomResourceDefinitions().Get(ctx, crd.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func conditions(crd *apiextensionsv1.CustomResourceDefinition) map[apiextensionsv1.CustomResourceDefinitionConditionType]string {
	out := map[apiextensionsv1.CustomResourceDefinitionConditionType]string{}
	for _, c := range crd.Status.Conditions {
		out[c.Type] = string(c.Status) + "/" + c.Reason
	}
	return out
}

func TestCRDEstablishedAndDiscovered(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	crd := installCRD(t, env, widgetCRD())
	want := map[apiextensionsv1.CustomResourceDefinitionConditionType]string{
		apiextensionsv1.NamesAccepted: "True/NoConflicts",
		apiextensionsv1.Established:   "True/InitialNamesAccepted",
	}
	if diff := cmp.Diff(want, conditions(crd)); diff != "" {
		t.Errorf("conditions (-want +got):\n%s", diff)
	}
	if crd.Status.AcceptedNames.Kind != "Widget" || crd.Status.AcceptedNames.Plural != "widgets" {
		t.Errorf("accepted names = %+v", crd.Status.AcceptedNames)
	}
	dc := discovery.NewDiscoveryClientForConfigOrDie(env.Config())
	list, err := dc.ServerResourcesForGroupVersion("example.com/v1")
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	var names []string
	for _, r := range list.APIResources {
		names = append(names, r.Name)
	}
	if diff := cmp.Diff([]string{"widgets", "widgets/scale", "widgets/status"}, names); diff != "" {
		t.Errorf("discovered resources (-want +got):\n%s", diff)
	}
	_, all, err := dc.ServerGroupsAndResources()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, l := range all {
		for _, r := range l.APIResources {
			if l.GroupVersion == "example.com/v1" && r.Name == "widgets" && r.Kind == "Widget" && r.Namespaced && cmp.Equal(r.ShortNames, []string{"wg"}) {
				found = true
			}
		}
	}
	if !found {
		t.Errorf("aggregated discovery does not list widgets")
	}
}

func TestCustomResourceCRUD(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	installCRD(t, env, widgetCRD())
	dyn := dynamic.NewForConfigOrDie(env.Config())
	ctx := context.Background()
	ws := dyn.Resource(widgets).Namespace("default")

	created, err := ws.Create(ctx, widget("w1", map[string]any{"color": "red", "unknown": "x"}), metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	spec, _, _ := unstructured.NestedMap(created.Object, "spec")
	if diff := cmp.Diff(map[string]any{"color": "red", "replicas": int64(1)}, spec); diff != "" {
		t.Errorf("spec after defaulting and pruning (-want +got):\n%s", diff)
	}
	if created.GetGeneration() != 1 || created.GetUID() == "" || created.GetResourceVersion() == "" {
		t.Errorf("metadata = gen %d uid %q rv %q", created.GetGeneration(), created.GetUID(), created.GetResourceVersion())
	}

	_, err = ws.Create(ctx, widget("w2", map[string]any{"color": "green", "replicas": -1}), metav1.CreateOptions{})
	if !apierrors.IsInvalid(err) {
		t.Fatalf("invalid create: err = %v, want Invalid", err)
	}
	for _, want := range []string{
		`spec.color: Unsupported value: "green": supported values: "red", "blue"`,
		`spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}

	// The main resource ignores status; /status ignores the rest.
	created.Object["status"] = map[string]any{"replicas": int64(3)}
	unstructured.SetNestedField(created.Object, "blue", "spec", "color")
	updated, err := ws.Update(ctx, created, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if _, has := updated.Object["status"]; has || updated.GetGeneration() != 2 {
		t.Errorf("after update: status %v generation %d, want no status and generation 2", updated.Object["status"], updated.GetGeneration())
	}
	updated.Object["status"] = map[string]any{"replicas": int64(3), "selector": "app=w"}
	st, err := ws.UpdateStatus(ctx, updated, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("update status: %v", err)
	}
	if n, _, _ := unstructured.NestedInt64(st.Object, "status", "replicas"); n != 3 || st.GetGeneration() != 2 {
		t.Errorf("status replicas %d generation %d", n, st.GetGeneration())
	}

	// Scale reads spec and status through the paths the CRD names.
	scale, err := ws.Get(ctx, "w1", metav1.GetOptions{}, "scale")
	if err != nil {
		t.Fatalf("get scale: %v", err)
	}
	if got, _, _ := unstructured.NestedString(scale.Object, "status", "selector"); got != "app=w" {
		t.Errorf("scale selector %q", got)
	}

	list, err := ws.List(ctx, metav1.ListOptions{})
	if err != nil || len(list.Items) != 1 {
		t.Fatalf("list: %v, %d items", err, len(list.Items))
	}
	if err := ws.Delete(ctx, "w1", metav1.DeleteOptions{}); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := ws.Get(ctx, "w1", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("get after delete: %v", err)
	}
}

func TestDeletingCRDDeletesItsResources(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	installCRD(t, env, widgetCRD())
	dyn := dynamic.NewForConfigOrDie(env.Config())
	ctx := context.Background()
	for _, ns := range []string{"default", "kube-public"} {
		if _, err := dyn.Resource(widgets).Namespace(ns).Create(ctx, widget("w", map[string]any{}), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	client := apiextensionsclient.NewForConfigOrDie(env.Config())
	if err := client.ApiextensionsV1().CustomResourceDefinitions().Delete(ctx, "widgets.example.com", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Settle()
	if _, err := client.ApiextensionsV1().CustomResourceDefinitions().Get(ctx, "widgets.example.com", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("CRD after deletion: %v", err)
	}
	_, err := dyn.Resource(widgets).Namespace("default").Get(ctx, "w", metav1.GetOptions{})
	if !apierrors.IsNotFound(err) {
		t.Errorf("widget after its CRD was deleted: %v", err)
	}
	// Installed again, the CRD starts empty.
	installCRD(t, env, widgetCRD())
	list, err := dyn.Resource(widgets).List(ctx, metav1.ListOptions{})
	if err != nil || len(list.Items) != 0 {
		t.Errorf("widgets after reinstalling: %v, %d", err, len(list.Items))
	}
}

func TestNameConflict(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	installCRD(t, env, widgetCRD())
	other := widgetCRD()
	other.Name = "gadgets.example.com"
	other.Spec.Names = apiextensionsv1.CustomResourceDefinitionNames{Plural: "gadgets", Singular: "gadget", Kind: "Widget", ListKind: "GadgetList"}
	crd := installCRD(t, env, other)
	want := map[apiextensionsv1.CustomResourceDefinitionConditionType]string{
		apiextensionsv1.NamesAccepted: "False/KindConflict",
		apiextensionsv1.Established:   "False/NotAccepted",
	}
	if diff := cmp.Diff(want, conditions(crd)); diff != "" {
		t.Errorf("conditions (-want +got):\n%s", diff)
	}
	_, err := dynamic.NewForConfigOrDie(env.Config()).Resource(schema.GroupVersionResource{Group: "example.com", Version: "v1", Resource: "gadgets"}).
		Namespace("default").List(context.Background(), metav1.ListOptions{})
	if !apierrors.IsNotFound(err) {
		t.Errorf("list gadgets: %v, want NotFound", err)
	}
}
