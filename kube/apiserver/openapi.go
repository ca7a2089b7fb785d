package apiserver

import (
	"reflect"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubesim/kubesim/kube/openapi"
	"github.com/kubesim/kubesim/kube/registry"
	"github.com/kubesim/kubesim/kube/scheme"
)

// openAPIKinds describes the served resources, and their list kinds, to
// the OpenAPI builder.
func openAPIKinds(entries []*registry.Entry) []openapi.Kind {
	var kinds []openapi.Kind
	for _, e := range entries {
		k := openapi.Kind{
			GVK:        e.GroupVersionKind(),
			Type:       reflect.TypeOf(e.New()),
			Resource:   e.Resource.Resource,
			Namespaced: e.Namespaced,
			Verbs:      e.Verbs,
		}
		for _, sub := range sortedKeys(e.Subresources) {
			switch sub {
			case "status":
				k.Subresources = append(k.Subresources, openapi.Subresource{Name: sub})
			case "scale":
				gvk := subresourceKind[sub]
				k.Subresources = append(k.Subresources, openapi.Subresource{Name: sub, GVK: gvk, Type: typeOf(gvk)})
			}
			// binding, eviction, log and the like are not get/update/patch
			// subresources; the OpenAPI documents leave them out.
		}
		kinds = append(kinds, k)
		if e.NewList != nil {
			kinds = append(kinds, openapi.Kind{GVK: e.GroupVersion().WithKind(e.Kind + "List"), Type: reflect.TypeOf(e.NewList())})
		}
	}
	return kinds
}

func typeOf(gvk schema.GroupVersionKind) reflect.Type {
	obj, err := scheme.Scheme.New(gvk)
	if err != nil {
		return nil
	}
	return reflect.TypeOf(obj)
}
