package openapi

import (
	"reflect"

	"fmt"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"net/http"
	"sync"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

func TestBuildersShareBuiltInDocuments(t *testing.T) {
	t.Parallel()
	a, b := newTestBuilder(t), newTestBuilder(t)
	ca, err := a.catalog()
	if err != nil {
		t.Fatal(err)
	}
	cb, err := b.catalog()
	if err != nil {
		t.Fatal(err)
	}
	if ca != cb {
		t.Error("two builders with the same kinds built the built-in documents twice")
	}
	// Custom kinds stay with their builder.
	if err := a.AddCustomKind(CustomKind{GVK: widgetGVK, Resource: "widgets"}); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := b.v3Doc("apis/stable.example.com/v1"); ok {
		t.Error("a custom kind of one builder leaked into another")
	}
}

func TestConcurrentRequestsAndCustomKinds(t *testing.T) {
	t.Parallel()
	b := newTestBuilder(t)
	srv := serve(t, b)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		gvk := schema.GroupVersionKind{Group: fmt.Sprintf("g%d.example.com", i), Version: "v1", Kind: "Thing"}
		wg.Add(2)
		go func() {
			defer wg.Done()
			for j := 0; j < 5; j++ {
				if err := b.AddCustomKind(CustomKind{GVK: gvk, Resource: "things", Schema: widgetSchema()}); err != nil {
					t.Error(err)
				}
				b.RemoveCustomKind(gvk)
			}
		}()
		go func() {
			defer wg.Done()
			for _, p := range []string{"/openapi/v3", "/openapi/v3/apis/apps/v1"} {
				req, _ := http.NewRequest(http.MethodGet, srv.URL+p, nil)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Errorf("GET %s: %s", p, resp.Status)
				}
			}
		}()
	}
	wg.Wait()
}

// BenchmarkBuildAll measures building every document from scratch for all
// kinds of client-go's scheme: definitions, the 55 v3 documents, the root
// and the v2 document (JSON; protobuf is converted on first request).
func BenchmarkBuildAll(b *testing.B) {
	st, err := DefaultStructure()
	if err != nil {
		b.Fatal(err)
	}
	kinds := make([]Kind, 0, len(schemeKinds()))
	for _, k := range schemeKinds() {
		v, _ := k.validate()
		kinds = append(kinds, v)
	}
	for b.Loop() {
		cat, err := buildCatalog(kinds, st, info{Title: "Kubernetes", Version: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		docs := map[string]docFunc{}
		for p, d := range cat.docs3 {
			docs[p] = d
		}
		if _, err := discoveryDoc(docs); err != nil {
			b.Fatal(err)
		}
		if _, err := cat.v2doc(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestCustomResourceDefinitionKind describes apiextensions' own types, whose
// JSON and JSONSchemaProps* types declare custom OpenAPI types.
func TestCustomResourceDefinitionKind(t *testing.T) {
	t.Parallel()
	gv := apiextensionsv1.SchemeGroupVersion
	b := NewBuilder([]Kind{
		{GVK: gv.WithKind("CustomResourceDefinition"), Type: reflect.TypeFor[apiextensionsv1.CustomResourceDefinition](), Resource: "customresourcedefinitions", Subresources: []Subresource{{Name: "status"}}},
		{GVK: gv.WithKind("CustomResourceDefinitionList"), Type: reflect.TypeFor[apiextensionsv1.CustomResourceDefinitionList]()},
	})
	schemas, err := b.V3Schemas("apis/apiextensions.k8s.io/v1")
	if err != nil {
		t.Fatal(err)
	}
	props := schemas["io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps"]
	if props == nil {
		t.Fatal("JSONSchemaProps is not defined")
	}
	const jsonDef = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON"
	if got := refOf(prop(t, props, "default")); got != v3RefPrefix+jsonDef {
		t.Errorf("JSONSchemaProps.default refers to %q", got)
	}
	if typ := schemas[jsonDef].Type; len(typ) != 0 {
		t.Errorf("JSON has type %v, want any", typ)
	}
	if got := refOf(*prop(t, props, "properties").AdditionalProperties.Schema); got != v3RefPrefix+"io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps" {
		t.Errorf("JSONSchemaProps.properties values refer to %q", got)
	}
	if _, err := managedfields.NewTypeConverter(schemas, false); err != nil {
		t.Errorf("managedfields.NewTypeConverter: %v", err)
	}
}
