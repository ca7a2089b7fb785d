package openapi

import (
	"strings"

	"k8s.io/kube-openapi/pkg/validation/spec"
)

// toV2 derives the OpenAPI v2 form of a v3 schema built by this package:
// refs point to #/definitions/, a one-element allOf around a $ref is
// unwrapped again (v2 keeps siblings of $ref), and defaults are dropped as
// upstream's v2 handler does (kube-openapi pkg/handler PruneDefaults).
// The input is not modified.
func toV2(in *spec.Schema) *spec.Schema {
	out := *in
	out.Default = nil
	if len(out.AllOf) == 1 && isPureRef(&out.AllOf[0]) && out.Ref.String() == "" && len(out.Type) == 0 {
		out.Ref = out.AllOf[0].Ref
		out.AllOf = nil
	}
	if name, ok := refName(out.Ref); ok {
		out.Ref = ref2(name)
	}
	if in.Properties != nil {
		out.Properties = make(map[string]spec.Schema, len(in.Properties))
		for k, p := range in.Properties {
			out.Properties[k] = *toV2(&p)
		}
	}
	if in.Items != nil {
		items := &spec.SchemaOrArray{}
		if in.Items.Schema != nil {
			items.Schema = toV2(in.Items.Schema)
		}
		for i := range in.Items.Schemas {
			items.Schemas = append(items.Schemas, *toV2(&in.Items.Schemas[i]))
		}
		out.Items = items
	}
	if in.AdditionalProperties != nil && in.AdditionalProperties.Schema != nil {
		out.AdditionalProperties = &spec.SchemaOrBool{Allows: true, Schema: toV2(in.AdditionalProperties.Schema)}
	}
	out.AllOf = convertAll(out.AllOf)
	out.OneOf = convertAll(in.OneOf)
	out.AnyOf = convertAll(in.AnyOf)
	if in.Not != nil {
		out.Not = toV2(in.Not)
	}
	return &out
}

func convertAll(in []spec.Schema) []spec.Schema {
	if in == nil {
		return nil
	}
	out := make([]spec.Schema, len(in))
	for i := range in {
		out[i] = *toV2(&in[i])
	}
	return out
}

func isPureRef(s *spec.Schema) bool {
	if s.Ref.String() == "" {
		return false
	}
	c := *s
	c.Ref = spec.Ref{}
	return isZeroSchema(&c)
}

func isZeroSchema(s *spec.Schema) bool {
	return s.Description == "" && len(s.Type) == 0 && s.Format == "" && s.Default == nil &&
		len(s.Properties) == 0 && s.Items == nil && s.AdditionalProperties == nil &&
		len(s.AllOf) == 0 && len(s.OneOf) == 0 && len(s.AnyOf) == 0 && s.Not == nil &&
		len(s.Extensions) == 0 && len(s.Required) == 0 && len(s.Enum) == 0
}

// refName returns the definition name a local reference points to.
func refName(r spec.Ref) (string, bool) {
	s := r.String()
	for _, prefix := range []string{v3RefPrefix, v2RefPrefix} {
		if name, ok := strings.CutPrefix(s, prefix); ok {
			return name, true
		}
	}
	return "", false
}

// collectRefs calls add with the name of every definition s references.
func collectRefs(s *spec.Schema, add func(string)) {
	if s == nil {
		return
	}
	if name, ok := refName(s.Ref); ok {
		add(name)
	}
	for _, p := range s.Properties {
		collectRefs(&p, add)
	}
	if s.Items != nil {
		collectRefs(s.Items.Schema, add)
		for i := range s.Items.Schemas {
			collectRefs(&s.Items.Schemas[i], add)
		}
	}
	if s.AdditionalProperties != nil {
		collectRefs(s.AdditionalProperties.Schema, add)
	}
	for _, list := range [][]spec.Schema{s.AllOf, s.OneOf, s.AnyOf} {
		for i := range list {
			collectRefs(&list[i], add)
		}
	}
	collectRefs(s.Not, add)
}
