package openapi

import (
	"encoding/json"
	"fmt"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"slices"

	"k8s.io/kube-openapi/pkg/validation/spec"
)

// customKind is a CustomKind turned into definitions and paths.
type customKind struct {
	ck    CustomKind
	defs  []*definition // the kind and its list
	paths []pathItem
}

// Descriptions apiextensions-apiserver gives the properties it adds
// (pkg/controller/openapi/builder).
const (
	customMetadataDesc     = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"
	customListMetadataDesc = "Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"
	embeddedAPIVersionDesc = "apiVersion defines the versioned schema of this representation of an object. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources"
	embeddedKindDesc       = "kind is a string value representing the type of this object. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds"
)

// newCustomKind builds the definitions of a custom kind the way
// apiextensions-apiserver's OpenAPI builder does (buildKubeNative and
// buildListSchema): the user's schema plus apiVersion, kind and metadata,
// the same for x-kubernetes-embedded-resource objects, a list kind, and the
// v2 form stripped by ToStructuralOpenAPIV2's rules.
func newCustomKind(ck CustomKind, typeMeta map[string]spec.Schema) (*customKind, error) {
	name := customDefinitionName(ck.GVK)
	listGVK := ck.GVK.GroupVersion().WithKind(ck.ListKind)
	listName := customDefinitionName(listGVK)

	v3 := &spec.Schema{SchemaProps: spec.SchemaProps{Type: []string{"object"}}}
	v2 := &spec.Schema{SchemaProps: spec.SchemaProps{Type: []string{"object"}}}
	if ck.Schema != nil {
		user, err := copySchema(ck.Schema)
		if err != nil {
			return nil, fmt.Errorf("openapi: custom kind %v: %w", ck.GVK, err)
		}
		v3 = user
		addObjectProperties(v3, typeMeta, true)
		addEmbedded(v3, typeMeta, true)
		if !ck.PreserveUnknownFields && !preservesUnknown(ck.Schema) {
			if v2, err = copySchema(ck.Schema); err != nil {
				return nil, fmt.Errorf("openapi: custom kind %v: %w", ck.GVK, err)
			}
			stripForV2(v2)
			addObjectProperties(v2, typeMeta, false)
			addEmbedded(v2, typeMeta, false)
		}
	}
	kind := &definition{name: name, v3: v3, v2: v2}
	finishDefinition(kind, []schema.GroupVersionKind{ck.GVK})
	if err := checkRefs(kind); err != nil {
		return nil, fmt.Errorf("openapi: custom kind %v: %w", ck.GVK, err)
	}

	list := &definition{name: listName, v3: &spec.Schema{SchemaProps: spec.SchemaProps{
		Description: fmt.Sprintf("%s is a list of %s", ck.ListKind, ck.GVK.Kind),
		Type:        []string{"object"},
		Required:    []string{"items"},
		Properties: map[string]spec.Schema{
			"apiVersion": typeMeta["apiVersion"],
			"kind":       typeMeta["kind"],
			"items": {SchemaProps: spec.SchemaProps{
				Description: fmt.Sprintf("List of %s. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md", ck.Resource),
				Type:        []string{"array"},
				Items:       &spec.SchemaOrArray{Schema: &spec.Schema{SchemaProps: spec.SchemaProps{Ref: ref3(name)}}},
			}},
			"metadata": wrapRef(spec.Schema{SchemaProps: spec.SchemaProps{Ref: ref3(listMetaDef), Description: customListMetadataDesc}}),
		},
	}}}
	finishDefinition(list, []schema.GroupVersionKind{listGVK})

	c := &customKind{ck: ck, defs: []*definition{kind, list}}
	if ck.Resource != "" {
		r := resource{gvk: ck.GVK, def: name, listDef: listName, plural: ck.Resource, namespaced: ck.Namespaced}
		for _, s := range ck.Subresources {
			switch s {
			case "status":
				r.subresources = append(r.subresources, subresource{name: s, gvk: ck.GVK, def: name})
			case "scale":
				r.subresources = append(r.subresources, subresource{name: s, gvk: scaleGVK, def: scaleDef})
			}
		}
		c.paths = resourcePaths(r)
	}
	return c, nil
}

// checkRefs rejects $refs in user schemas: CRD schemas cannot have them,
// and a dangling one would break every consumer of the document.
func checkRefs(d *definition) error {
	for _, dep := range d.deps {
		if dep != objectMetaDef {
			return fmt.Errorf("schema refers to %q; custom schemas must be self-contained", dep)
		}
	}
	return nil
}

// addObjectProperties adds apiVersion, kind and metadata to the top level
// of a custom kind's schema.
func addObjectProperties(s *spec.Schema, typeMeta map[string]spec.Schema, v3 bool) {
	s.SetProperty("apiVersion", typeMeta["apiVersion"])
	s.SetProperty("kind", typeMeta["kind"])
	s.SetProperty("metadata", metadataRef(customMetadataDesc, v3))
}

func metadataRef(desc string, v3 bool) spec.Schema {
	if !v3 {
		return spec.Schema{SchemaProps: spec.SchemaProps{Ref: ref2(objectMetaDef), Description: desc}}
	}
	return wrapRef(spec.Schema{SchemaProps: spec.SchemaProps{Ref: ref3(objectMetaDef), Description: desc}})
}

// addEmbedded gives every x-kubernetes-embedded-resource object the
// apiVersion, kind and metadata properties, as upstream does.
func addEmbedded(s *spec.Schema, typeMeta map[string]spec.Schema, v3 bool) {
	if s == nil {
		return
	}
	for k, p := range s.Properties {
		addEmbedded(&p, typeMeta, v3)
		s.Properties[k] = p
	}
	if s.Items != nil {
		addEmbedded(s.Items.Schema, typeMeta, v3)
	}
	if s.AdditionalProperties != nil {
		addEmbedded(s.AdditionalProperties.Schema, typeMeta, v3)
	}
	if !v3 && preservesUnknown(s) {
		return
	}
	if embedded, ok := s.Extensions.GetBool("x-kubernetes-embedded-resource"); !ok || !embedded {
		return
	}
	s.SetProperty("apiVersion", *withDescription(typeMeta["apiVersion"], embeddedAPIVersionDesc))
	s.SetProperty("kind", *withDescription(typeMeta["kind"], embeddedKindDesc))
	s.SetProperty("metadata", metadataRef(customMetadataDesc, v3))
	for _, req := range []string{"kind", "apiVersion"} {
		if !slices.Contains(s.Required, req) {
			s.Required = append(s.Required, req)
		}
	}
}

func withDescription(s spec.Schema, desc string) *spec.Schema {
	s.Description = desc
	return &s
}

func preservesUnknown(s *spec.Schema) bool {
	v, ok := s.Extensions.GetBool("x-kubernetes-preserve-unknown-fields")
	return ok && v
}

// stripForV2 applies apiextensions-apiserver's ToStructuralOpenAPIV2: OpenAPI
// v2 (and kubectl's v2-based validation) cannot express these parts of a
// structural schema, so they are dropped rather than misread.
func stripForV2(s *spec.Schema) {
	if s == nil {
		return
	}
	for name, p := range s.Properties {
		if p.Nullable {
			s.Required = slices.DeleteFunc(s.Required, func(r string) bool { return r == name })
		}
	}
	if s.AdditionalProperties != nil && s.AdditionalProperties.Schema != nil && s.AdditionalProperties.Schema.Nullable {
		s.Required = nil
	}
	for k, p := range s.Properties {
		stripForV2(&p)
		s.Properties[k] = p
	}
	if s.Items != nil {
		stripForV2(s.Items.Schema)
	}
	if s.AdditionalProperties != nil {
		stripForV2(s.AdditionalProperties.Schema)
	}
	s.AllOf, s.OneOf, s.AnyOf, s.Not = nil, nil, nil, nil
	if s.Nullable {
		s.Type, s.Nullable, s.Items, s.Properties = nil, false, nil, nil
	}
	if preservesUnknown(s) {
		s.Items, s.Properties = nil, nil
		if s.Type.Contains("object") {
			s.Type = nil
		}
	}
	if s.Items == nil && s.Type.Contains("array") {
		s.Type = nil
	}
}

// copySchema deep-copies a schema; JSON is its canonical form.
func copySchema(in *spec.Schema) (*spec.Schema, error) {
	b, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("copying schema: %w", err)
	}
	out := &spec.Schema{}
	if err := json.Unmarshal(b, out); err != nil {
		return nil, fmt.Errorf("copying schema: %w", err)
	}
	return out, nil
}
