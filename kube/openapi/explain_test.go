package openapi

import (
	"reflect"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/kube-openapi/pkg/spec3"
)

// explainDoc reproduces how kubectl explain (k8s.io/kubectl pkg/explain/v2,
// templates/plaintext.tmpl) finds a resource in a v3 document: the GVK of an
// operation on the resource's path, then the component schema listing that
// GVK in x-kubernetes-group-version-kind.
func explainDoc(doc map[string]interface{}, gvr schema.GroupVersionResource) (map[string]interface{}, bool) {
	prefix := "/apis/" + gvr.Group
	if gvr.Group == "" {
		prefix = "/api"
	}
	var gvk interface{}
	for _, p := range []string{
		prefix + "/" + gvr.Version + "/" + gvr.Resource,
		prefix + "/" + gvr.Version + "/" + gvr.Resource + "/{name}",
		prefix + "/" + gvr.Version + "/namespaces/{namespace}/" + gvr.Resource,
		prefix + "/" + gvr.Version + "/namespaces/{namespace}/" + gvr.Resource + "/{name}",
	} {
		item, _ := doc["paths"].(map[string]interface{})[p].(map[string]interface{})
		for _, method := range []string{"get", "post", "put", "patch", "delete"} {
			if op, ok := item[method].(map[string]interface{}); ok && gvk == nil {
				gvk = op["x-kubernetes-group-version-kind"]
			}
		}
	}
	if gvk == nil {
		return nil, false
	}
	schemas := doc["components"].(map[string]interface{})["schemas"].(map[string]interface{})
	for _, s := range schemas {
		s := s.(map[string]interface{})
		list, _ := s["x-kubernetes-group-version-kind"].([]interface{})
		for _, g := range list {
			if reflect.DeepEqual(g, gvk) {
				return s, true
			}
		}
	}
	return nil, false
}

// explainField follows a field path the way the template's "output" does:
// through $ref, properties, items, additionalProperties and allOf.
func explainField(doc, s map[string]interface{}, path []string) (map[string]interface{}, bool) {
	schemas := doc["components"].(map[string]interface{})["schemas"].(map[string]interface{})
	resolve := func(s map[string]interface{}) map[string]interface{} {
		if ref, ok := s["$ref"].(string); ok {
			return schemas[strings.TrimPrefix(ref, v3RefPrefix)].(map[string]interface{})
		}
		if all, ok := s["allOf"].([]interface{}); ok && len(all) == 1 {
			if ref, ok := all[0].(map[string]interface{})["$ref"].(string); ok {
				return schemas[strings.TrimPrefix(ref, v3RefPrefix)].(map[string]interface{})
			}
		}
		return s
	}
	for _, field := range path {
		r := resolve(s)
		if items, ok := r["items"].(map[string]interface{}); ok {
			r = resolve(items)
		}
		props, _ := r["properties"].(map[string]interface{})
		next, ok := props[field].(map[string]interface{})
		if !ok {
			return nil, false
		}
		s = next
	}
	return s, true
}

func TestKubectlExplainFindsEveryResource(t *testing.T) {
	t.Parallel()
	b := newTestBuilder(t)
	docs := map[string]map[string]interface{}{}
	for _, k := range schemeKinds() {
		if k.Resource == "" {
			continue
		}
		path := GroupVersionPath(k.GVK.GroupVersion())
		if docs[path] == nil {
			d, _, err := b.v3Doc(path)
			if err != nil {
				t.Fatal(err)
			}
			docs[path] = asMap(t, d.json)
		}
		gvr := k.GVK.GroupVersion().WithResource(k.Resource)
		if _, ok := explainDoc(docs[path], gvr); !ok {
			t.Errorf("kubectl explain %v would not find its schema", gvr)
		}
	}

	doc := docs["api/v1"]
	pod, _ := explainDoc(doc, schema.GroupVersionResource{Version: "v1", Resource: "pods"})
	ports, ok := explainField(doc, pod, []string{"spec", "containers", "ports"})
	if !ok {
		t.Fatal("kubectl explain pods.spec.containers.ports: field not found")
	}
	if want := "List of ports to expose from the container."; !strings.HasPrefix(ports["description"].(string), want) {
		t.Errorf("pods.spec.containers.ports description %q, want prefix %q", ports["description"], want)
	}
	if _, ok := explainField(doc, pod, []string{"spec", "nosuchfield"}); ok {
		t.Error("kubectl explain pods.spec.nosuchfield found a field")
	}
}

// TestPatchAdvertisesFieldValidation reproduces cli-runtime's
// queryParamVerifierV3: kubectl only sends fieldValidation=Strict to servers
// whose v3 document lists it among the PATCH parameters of the kind.
func TestPatchAdvertisesFieldValidation(t *testing.T) {
	t.Parallel()
	b := newTestBuilder(t)
	docs := map[string]*spec3.OpenAPI{}
	for _, k := range schemeKinds() {
		if k.Resource == "" || (k.GVK.Group != "" && k.GVK.Group != "apps") {
			continue
		}
		path := GroupVersionPath(k.GVK.GroupVersion())
		if docs[path] == nil {
			d, err := b.V3(path)
			if err != nil {
				t.Fatal(err)
			}
			docs[path] = d
		}
		if !supportsQueryParam(docs[path], k.GVK, "fieldValidation") {
			t.Errorf("%v: PATCH does not advertise fieldValidation", k.GVK)
		}
	}
}

func supportsQueryParam(doc *spec3.OpenAPI, gvk schema.GroupVersionKind, param string) bool {
	for _, path := range doc.Paths.Paths {
		op := path.Patch
		if op == nil {
			continue
		}
		var got map[string]string
		if err := op.Extensions.GetObject("x-kubernetes-group-version-kind", &got); err != nil {
			continue
		}
		if got["group"] != gvk.Group || got["version"] != gvk.Version || got["kind"] != gvk.Kind {
			continue
		}
		for _, p := range op.Parameters {
			if p.Name == param {
				return true
			}
		}
		return false
	}
	return false
}
