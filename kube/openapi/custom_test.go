package openapi

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"k8s.io/kube-openapi/pkg/validation/spec"
)

var widgetGVK = schema.GroupVersionKind{Group: "stable.example.com", Version: "v1", Kind: "Widget"}

// widgetSchema is a CRD-style structural schema.
func widgetSchema() *spec.Schema {
	str := spec.Schema{SchemaProps: spec.SchemaProps{Type: []string{"string"}}}
	port := spec.Schema{SchemaProps: spec.SchemaProps{
		Type: []string{"object"}, Required: []string{"name"},
		Properties: map[string]spec.Schema{"name": str, "port": {SchemaProps: spec.SchemaProps{Type: []string{"integer"}}}},
	}}
	ports := spec.Schema{SchemaProps: spec.SchemaProps{Type: []string{"array"}, Items: &spec.SchemaOrArray{Schema: &port}}}
	ports.AddExtension("x-kubernetes-list-type", "map")
	ports.AddExtension("x-kubernetes-list-map-keys", []interface{}{"name"})
	nullable := spec.Schema{SchemaProps: spec.SchemaProps{Type: []string{"string"}, Nullable: true}}
	embedded := spec.Schema{SchemaProps: spec.SchemaProps{Type: []string{"object"}}}
	embedded.AddExtension("x-kubernetes-embedded-resource", true)
	embedded.AddExtension("x-kubernetes-preserve-unknown-fields", true)
	return &spec.Schema{SchemaProps: spec.SchemaProps{
		Type: []string{"object"},
		Properties: map[string]spec.Schema{
			"spec": {SchemaProps: spec.SchemaProps{
				Type:     []string{"object"},
				Required: []string{"size", "note"},
				Properties: map[string]spec.Schema{
					"size":     {SchemaProps: spec.SchemaProps{Type: []string{"integer"}, OneOf: []spec.Schema{{SchemaProps: spec.SchemaProps{Minimum: ptr(1.0)}}}}},
					"ports":    ports,
					"note":     nullable,
					"template": embedded,
				},
			}},
		},
	}}
}

func TestCustomKinds(t *testing.T) {
	t.Parallel()
	b := newTestBuilder(t)
	srv := serve(t, b)
	coreBefore := get(t, srv.URL+"/openapi/v3/api/v1", nil).Header.Get("Etag")
	if err := b.AddCustomKind(CustomKind{GVK: widgetGVK, Resource: "widgets", Namespaced: true, Schema: widgetSchema(), Subresources: []string{"status", "scale"}}); err != nil {
		t.Fatal(err)
	}
	const path, def, listDef = "apis/stable.example.com/v1", "com.example.stable.v1.Widget", "com.example.stable.v1.WidgetList"

	paths, err := b.V3Paths()
	if err != nil {
		t.Fatal(err)
	}
	if !contains(paths, path) {
		t.Fatalf("V3Paths %v lacks %s", paths, path)
	}
	if etag := get(t, srv.URL+"/openapi/v3/api/v1", nil).Header.Get("Etag"); etag != coreBefore {
		t.Errorf("api/v1 changed when a custom kind was added")
	}

	schemas, err := b.V3Schemas(path)
	if err != nil {
		t.Fatal(err)
	}
	w := schemas[def]
	if w == nil || schemas[listDef] == nil || schemas[objectMetaDef] == nil || schemas[scaleDef] == nil {
		t.Fatalf("document lacks the kind, its list or what they refer to: %v", keys(schemas))
	}
	if got := refOf(prop(t, w, "metadata")); got != v3RefPrefix+objectMetaDef {
		t.Errorf("Widget.metadata refers to %q", got)
	}
	for _, field := range []string{"apiVersion", "kind"} {
		if prop(t, w, field).Type[0] != "string" {
			t.Errorf("Widget.%s is not a string", field)
		}
	}
	template := prop(t, ptr(prop(t, w, "spec")), "template")
	if diff := cmp.Diff([]string{"kind", "apiVersion"}, template.Required); diff != "" {
		t.Errorf("embedded resource required (-want +got):\n%s", diff)
	}
	doc := asMap(t, mustDoc(t, b, path).json)
	if _, ok := explainDoc(doc, widgetGVK.GroupVersion().WithResource("widgets")); !ok {
		t.Error("kubectl explain widgets would not find its schema")
	}

	// Server-side apply of the custom resource with the document's schemas.
	tc, err := managedfields.NewTypeConverter(schemas, false)
	if err != nil {
		t.Fatalf("managedfields.NewTypeConverter: %v", err)
	}
	obj := &unstructured.Unstructured{Object: map[string]interface{}{
		"apiVersion": "stable.example.com/v1", "kind": "Widget",
		"metadata": map[string]interface{}{"name": "w", "labels": map[string]interface{}{"a": "b"}},
		"spec":     map[string]interface{}{"size": int64(3), "ports": []interface{}{map[string]interface{}{"name": "http", "port": int64(80)}}},
	}}
	tv, err := tc.ObjectToTyped(obj)
	if err != nil {
		t.Fatalf("ObjectToTyped: %v", err)
	}
	set, err := tv.ToFieldSet()
	if err != nil {
		t.Fatal(err)
	}
	if s := set.String(); !strings.Contains(s, `.spec.ports[name="http"].port`) {
		t.Errorf("ports are not keyed by name: %s", s)
	}

	// v2: stripped of what v2 cannot say.
	sw, err := b.V2()
	if err != nil {
		t.Fatal(err)
	}
	v2 := sw.Definitions[def]
	v2spec := prop(t, &v2, "spec")
	if diff := cmp.Diff([]string{"size"}, v2spec.Required); diff != "" {
		t.Errorf("v2 spec.required keeps nullable fields (-want +got):\n%s", diff)
	}
	if size := prop(t, &v2spec, "size"); len(size.OneOf) != 0 {
		t.Error("v2 kept oneOf")
	}
	if note := prop(t, &v2spec, "note"); len(note.Type) != 0 {
		t.Error("v2 kept the type of a nullable field")
	}
	if got := refOf(prop(t, &v2, "metadata")); got != v2RefPrefix+objectMetaDef {
		t.Errorf("v2 Widget.metadata refers to %q", got)
	}
	if _, ok := sw.Paths.Paths["/apis/stable.example.com/v1/namespaces/{namespace}/widgets/{name}/scale"]; !ok {
		t.Error("v2 lacks the scale subresource path")
	}

	if !b.RemoveCustomKind(widgetGVK) {
		t.Fatal("RemoveCustomKind: not found")
	}
	if resp := get(t, srv.URL+"/openapi/v3/"+path, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET removed group-version: %s, want 404", resp.Status)
	}
	if sw, err = b.V2(); err != nil || sw.Definitions[def].Type != nil {
		t.Errorf("v2 still has %s after removal (err %v)", def, err)
	}
}

func TestCustomKindPreservingUnknownFields(t *testing.T) {
	t.Parallel()
	b := newTestBuilder(t)
	gvk := schema.GroupVersionKind{Group: "any.example.com", Version: "v1", Kind: "Thing"}
	s := &spec.Schema{SchemaProps: spec.SchemaProps{Type: []string{"object"}}}
	s.AddExtension("x-kubernetes-preserve-unknown-fields", true)
	if err := b.AddCustomKind(CustomKind{GVK: gvk, Resource: "things", Schema: s}); err != nil {
		t.Fatal(err)
	}
	sw, err := b.V2()
	if err != nil {
		t.Fatal(err)
	}
	// Upstream publishes such kinds in v2 without properties, so that
	// kubectl's v2 validation accepts any field.
	if props := sw.Definitions["com.example.any.v1.Thing"].Properties; len(props) != 0 {
		t.Errorf("v2 definition has properties %v", keys(props))
	}
}

func TestCustomKindValidation(t *testing.T) {
	t.Parallel()
	b := NewBuilder(nil)
	tests := []CustomKind{
		{GVK: schema.GroupVersionKind{Version: "v1", Kind: "NoGroup"}},
		{GVK: widgetGVK, Subresources: []string{"exec"}},
		{GVK: widgetGVK, Schema: &spec.Schema{SchemaProps: spec.SchemaProps{Ref: spec.MustCreateRef("#/components/schemas/io.k8s.api.core.v1.Pod")}}},
	}
	for _, ck := range tests {
		if err := b.AddCustomKind(ck); err == nil {
			t.Errorf("AddCustomKind(%v): no error", ck.GVK)
		}
	}
}

func mustDoc(t *testing.T, b *Builder, path string) *servedDoc {
	t.Helper()
	d, ok, err := b.v3Doc(path)
	if err != nil || !ok {
		t.Fatalf("document %s: %v (found %t)", path, err, ok)
	}
	return d
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func ptr[T any](v T) *T { return &v }
