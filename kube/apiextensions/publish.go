package apiextensions

import (
	"sort"

	apiextensionshelpers "k8s.io/apiextensions-apiserver/pkg/apihelpers"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/version"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/klog/v2"
	"k8s.io/kube-openapi/pkg/validation/spec"

	"github.com/kubesim/kubesim/kube/openapi"
	"github.com/kubesim/kubesim/kube/registry"
)

// OpenAPIPublisher is where the OpenAPI documents of custom resources
// go: the API server's openapi.Builder.
type OpenAPIPublisher interface {
	AddCustomKind(openapi.CustomKind) error
	RemoveCustomKind(schema.GroupVersionKind) bool
}

// PublishOpenAPI makes the server keep p's documents up to date with the
// established CRDs.
func (s *Server) PublishOpenAPI(p OpenAPIPublisher) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.openapi = p
}

// Generation is a number that changes whenever the CRDs do.
func (s *Server) Generation() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gen
}

// Entries returns the served versions of the established CRDs as
// resources for the discovery documents.
func (s *Server) Entries() []*registry.Entry {
	crds, _ := crdLister{s.store}.List(labels.Everything())
	sort.Slice(crds, func(i, j int) bool { return crds[i].Name < crds[j].Name })
	var out []*registry.Entry
	for _, crd := range crds {
		if !apiextensionshelpers.IsCRDConditionTrue(crd, apiextensionsv1.Established) {
			continue
		}
		for _, v := range servedVersions(crd) {
			out = append(out, entryFor(crd, v))
		}
	}
	return out
}

// servedVersions are a CRD's served versions in discovery's order: by
// kube-aware version priority (v2 > v1 > v1beta1 > v1alpha1 > other).
func servedVersions(crd *apiextensionsv1.CustomResourceDefinition) []apiextensionsv1.CustomResourceDefinitionVersion {
	var vs []apiextensionsv1.CustomResourceDefinitionVersion
	for _, v := range crd.Spec.Versions {
		if v.Served {
			vs = append(vs, v)
		}
	}
	sort.SliceStable(vs, func(i, j int) bool { return version.CompareKubeAwareVersionStrings(vs[i].Name, vs[j].Name) > 0 })
	return vs
}

// entryFor describes one served version of a CRD as discovery shows it:
// with the accepted names, and its status and scale subresources.
func entryFor(crd *apiextensionsv1.CustomResourceDefinition, v apiextensionsv1.CustomResourceDefinitionVersion) *registry.Entry {
	names := crd.Status.AcceptedNames
	res := &registry.Resource{
		GroupVersionResource: schema.GroupVersionResource{Group: crd.Spec.Group, Version: v.Name, Resource: names.Plural},
		Kind:                 names.Kind,
		Singular:             names.Singular,
		ShortNames:           names.ShortNames,
		Categories:           names.Categories,
		Namespaced:           crd.Spec.Scope == apiextensionsv1.NamespaceScoped,
	}
	e := &registry.Entry{Resource: res, Subresources: map[string]rest.Storage{}}
	if sub, err := apiextensionshelpers.GetSubresourcesForVersion(crd, v.Name); err == nil && sub != nil {
		if sub.Status != nil {
			e.Subresources["status"] = nil
		}
		if sub.Scale != nil {
			e.Subresources["scale"] = nil
		}
	}
	return e
}

// changed hears of a CRD change: discovery must be rebuilt, and the
// OpenAPI documents follow the CRD's served versions.
func (s *Server) changed(typ watch.EventType, crd *apiextensionsv1.CustomResourceDefinition) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gen++
	if s.openapi == nil {
		return
	}
	want := map[schema.GroupVersionKind]openapi.CustomKind{}
	if typ != watch.Deleted && apiextensionshelpers.IsCRDConditionTrue(crd, apiextensionsv1.Established) {
		for _, v := range servedVersions(crd) {
			if ck, ok := customKind(crd, v); ok {
				want[ck.GVK] = ck
			}
		}
	}
	for gvk := range s.published[crd.UID] {
		if _, keep := want[gvk]; !keep {
			s.openapi.RemoveCustomKind(gvk)
		}
	}
	published := map[schema.GroupVersionKind]bool{}
	for gvk, ck := range want {
		if err := s.openapi.AddCustomKind(ck); err != nil {
			klog.V(2).InfoS("Could not publish the OpenAPI schema of a custom resource", "crd", crd.Name, "err", err)
			continue
		}
		published[gvk] = true
	}
	if len(published) == 0 {
		delete(s.published, crd.UID)
		return
	}
	s.published[crd.UID] = published
}

// customKind is the OpenAPI description of one version of a CRD.
func customKind(crd *apiextensionsv1.CustomResourceDefinition, v apiextensionsv1.CustomResourceDefinitionVersion) (openapi.CustomKind, bool) {
	names := crd.Status.AcceptedNames
	ck := openapi.CustomKind{
		GVK:                   schema.GroupVersionKind{Group: crd.Spec.Group, Version: v.Name, Kind: names.Kind},
		ListKind:              names.ListKind,
		Resource:              names.Plural,
		Namespaced:            crd.Spec.Scope == apiextensionsv1.NamespaceScoped,
		PreserveUnknownFields: crd.Spec.PreserveUnknownFields,
	}
	if sub, err := apiextensionshelpers.GetSubresourcesForVersion(crd, v.Name); err == nil && sub != nil {
		if sub.Status != nil {
			ck.Subresources = append(ck.Subresources, "status")
		}
		if sub.Scale != nil {
			ck.Subresources = append(ck.Subresources, "scale")
		}
	}
	props, err := apiextensionshelpers.GetSchemaForVersion(crd, v.Name)
	if err != nil || props == nil || props.OpenAPIV3Schema == nil {
		return ck, err == nil
	}
	sch, err := structuralSchema(props.OpenAPIV3Schema)
	if err != nil {
		return ck, false
	}
	ck.Schema = sch
	return ck, true
}

// structuralSchema converts a CRD's schema to the OpenAPI form, through
// apiextensions-apiserver's structural schema as its own builder does.
func structuralSchema(in *apiextensionsv1.JSONSchemaProps) (*spec.Schema, error) {
	internal := &apiextensions.JSONSchemaProps{}
	if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(in, internal, nil); err != nil {
		return nil, err
	}
	ss, err := structuralschema.NewStructural(internal)
	if err != nil {
		return nil, err
	}
	return ss.ToKubeOpenAPI(), nil
}
