package openapi

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"k8s.io/kube-openapi/pkg/validation/spec"
	smdschema "sigs.k8s.io/structured-merge-diff/v6/schema"
)

// generator turns Go types into OpenAPI definitions by reflection, following
// k8s.io/kube-openapi pkg/generators/openapi.go (openapi-gen), which upstream
// runs over the source of the same types:
//
//   - a named struct becomes a definition, referenced by $ref;
//   - a type with OpenAPISchemaType/OpenAPISchemaFormat (Quantity,
//     IntOrString, Time, MicroTime, Duration, apiextensions JSON) becomes a
//     definition with that type and format, and in v3 with the oneOf of its
//     OpenAPIV3OneOfTypes;
//   - named strings, maps and slices are inlined as their underlying type;
//   - members embedded with `json:",inline"` contribute their fields;
//   - descriptions come from SwaggerDoc(), generated upstream from the same
//     comments openapi-gen reads.
//
// The definitions are built in v3 form (refs to #/components/schemas/, refs
// with siblings wrapped in allOf, defaults kept); v2 forms are derived from
// them by toV2.
type generator struct {
	structure *Structure
	defs      map[string]*definition
	errs      []error
}

// definition is one named schema in both document flavours.
type definition struct {
	name string
	v3   *spec.Schema
	// v2 is derived from v3 after GVKs are attached, unless the type sets it
	// itself (types with their own OpenAPI v2 type and format).
	v2   *spec.Schema
	deps []string // names of the definitions it references, sorted
}

var (
	timeType        = reflect.TypeFor[time.Time]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	schemaTyperType = reflect.TypeFor[openAPISchemaTyper]()
)

type openAPISchemaTyper interface {
	OpenAPISchemaType() []string
	OpenAPISchemaFormat() string
}

type openAPIV3OneOfTyper interface {
	OpenAPIV3OneOfTypes() []string
}

type swaggerDocer interface {
	SwaggerDoc() map[string]string
}

func newGenerator(st *Structure) *generator {
	return &generator{structure: st, defs: map[string]*definition{}}
}

// define makes sure the definition of t exists and returns its name.
func (g *generator) define(t reflect.Type) string {
	name := definitionName(t)
	if _, done := g.defs[name]; done {
		return name
	}
	d := &definition{name: name}
	g.defs[name] = d // before recursing: types may refer to themselves
	if typer, ok := customSchema(t); ok {
		d.v3, d.v2 = customSchemaDefinitions(t, typer, typeDescription(t, name))
		return name
	}
	d.v3 = g.structSchema(t, name)
	return name
}

// customSchema reports whether t declares its own OpenAPI type and format.
func customSchema(t reflect.Type) (openAPISchemaTyper, bool) {
	if !t.Implements(schemaTyperType) && !reflect.PointerTo(t).Implements(schemaTyperType) {
		return nil, false
	}
	typer, ok := reflect.New(t).Interface().(openAPISchemaTyper)
	return typer, ok
}

func customSchemaDefinitions(t reflect.Type, typer openAPISchemaTyper, desc string) (v3, v2 *spec.Schema) {
	v2 = &spec.Schema{SchemaProps: spec.SchemaProps{
		Description: desc,
		Type:        typer.OpenAPISchemaType(),
		Format:      typer.OpenAPISchemaFormat(),
	}}
	v3 = &spec.Schema{SchemaProps: spec.SchemaProps{Description: desc, Format: typer.OpenAPISchemaFormat()}}
	if oneOf, ok := reflect.New(t).Interface().(openAPIV3OneOfTyper); ok && len(oneOf.OpenAPIV3OneOfTypes()) > 0 {
		for _, typ := range oneOf.OpenAPIV3OneOfTypes() {
			v3.OneOf = append(v3.OneOf, spec.Schema{SchemaProps: spec.SchemaProps{Type: []string{typ}}})
		}
	} else {
		v3.Type = typer.OpenAPISchemaType()
	}
	return v3, v2
}

func (g *generator) structSchema(t reflect.Type, name string) *spec.Schema {
	s := &spec.Schema{SchemaProps: spec.SchemaProps{
		Description: typeDescription(t, name),
		Type:        []string{"object"},
	}}
	g.addMembers(s, t, name)
	switch g.structure.mapRelationship(name) {
	case smdschema.Atomic:
		s.AddExtension("x-kubernetes-map-type", "atomic")
	case smdschema.Separable:
		s.AddExtension("x-kubernetes-map-type", "granular")
	}
	return s
}

// addMembers adds the JSON-visible fields of struct t to s. def names the
// definition being built, for structure look-ups of inlined members too.
func (g *generator) addMembers(s *spec.Schema, t reflect.Type, def string) {
	docs := swaggerDoc(t)
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, hasTag := f.Tag.Lookup("json")
		if f.Anonymous && hasTag && (tag == "" || strings.HasPrefix(tag, ",")) {
			// openapi-gen's shouldInlineMembers.
			if ft := deref(f.Type); ft.Kind() == reflect.Struct {
				g.addMembers(s, ft, def)
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" && opts == "" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		omitEmpty := hasOpt(opts, "omitempty") || hasOpt(opts, "omitzero")
		if !omitEmpty {
			// openapi-gen: required unless +optional or omitempty.
			s.Required = append(s.Required, name)
		}
		s.SetProperty(name, g.property(f, opts, omitEmpty, docs[name], g.structure.field(def, name)))
	}
}

func (g *generator) property(f reflect.StructField, opts string, omitEmpty bool, desc string, hint *smdschema.StructField) spec.Schema {
	if hasOpt(opts, "string") {
		return spec.Schema{SchemaProps: spec.SchemaProps{Description: desc, Type: []string{"string"}}}
	}
	var tr *smdschema.TypeRef
	if hint != nil {
		tr = &hint.Type
	}
	s := g.valueSchema(f.Type, tr)
	s.Description = desc
	if hint != nil && hint.Default != nil {
		s.Default = hint.Default
	} else if def, ok := enforcedDefault(f.Type, omitEmpty); ok {
		s.Default = def
	}
	if v := f.Tag.Get("patchStrategy"); v != "" {
		s.AddExtension("x-kubernetes-patch-strategy", v)
	}
	if v := f.Tag.Get("patchMergeKey"); v != "" {
		s.AddExtension("x-kubernetes-patch-merge-key", v)
	}
	if tr != nil && tr.NamedType != nil && tr.ElementRelationship != nil {
		addMapType(&s, *tr.ElementRelationship)
	}
	return wrapRef(s)
}

// valueSchema is the schema of a value of type t, without description.
// hint is the structure of the value, when known.
func (g *generator) valueSchema(t reflect.Type, hint *smdschema.TypeRef) spec.Schema {
	t = deref(t)
	if t == timeType {
		return typed("string", "date-time")
	}
	if t.Name() != "" && t.PkgPath() != "" {
		if _, ok := customSchema(t); ok || t.Kind() == reflect.Struct {
			return spec.Schema{SchemaProps: spec.SchemaProps{Ref: ref3(g.define(t))}}
		}
	}
	atom := g.structure.resolve(hint)
	switch t.Kind() {
	case reflect.Struct: // anonymous struct
		s := spec.Schema{SchemaProps: spec.SchemaProps{Type: []string{"object"}}}
		g.addMembers(&s, t, "")
		return s
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return typed("string", "byte")
		}
		var elemHint *smdschema.TypeRef
		s := spec.Schema{SchemaProps: spec.SchemaProps{Type: []string{"array"}}}
		if atom != nil && atom.List != nil {
			elemHint = &atom.List.ElementType
			addListType(&s, atom.List)
		}
		item := g.elemSchema(t.Elem(), elemHint)
		s.Items = &spec.SchemaOrArray{Schema: &item}
		return s
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			g.errs = append(g.errs, fmt.Errorf("openapi: map %v: only string keys can be described", t))
			return spec.Schema{}
		}
		var elemHint *smdschema.TypeRef
		s := spec.Schema{SchemaProps: spec.SchemaProps{Type: []string{"object"}}}
		if atom != nil && atom.Map != nil {
			elemHint = &atom.Map.ElementType
			addMapType(&s, atom.Map.ElementRelationship)
		}
		elem := g.elemSchema(t.Elem(), elemHint)
		s.AdditionalProperties = &spec.SchemaOrBool{Allows: true, Schema: &elem}
		return s
	case reflect.Interface:
		return spec.Schema{} // any value; openapi-gen emits no type for interfaces
	}
	typ, format, ok := basicTypeFormat(t.Kind())
	if !ok {
		g.errs = append(g.errs, fmt.Errorf("openapi: cannot describe Go type %v", t))
		return spec.Schema{}
	}
	return typed(typ, format)
}

// elemSchema is the schema of an array item or map value. The published
// upstream v3 documents give struct-valued elements the default {}.
func (g *generator) elemSchema(t reflect.Type, hint *smdschema.TypeRef) spec.Schema {
	s := g.valueSchema(t, hint)
	if t.Kind() == reflect.Struct {
		if def, ok := enforcedDefault(t, true); ok {
			s.Default = def
		}
	}
	return wrapRef(s)
}

// enforcedDefault is openapi-gen's mustEnforceDefault: non-pointer structs
// default to {}, and non-omitempty scalars to their zero value, unless the
// type unmarshals itself (Time, Quantity, ... marshal their zero as null).
func enforcedDefault(t reflect.Type, omitEmpty bool) (interface{}, bool) {
	if t.Implements(unmarshalerType) || reflect.PointerTo(t).Implements(unmarshalerType) {
		return nil, false
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Array, reflect.Interface:
		return nil, false
	case reflect.Struct:
		if t.NumField() == 1 && t.Field(0).Anonymous {
			return enforcedDefault(t.Field(0).Type, omitEmpty)
		}
		return map[string]interface{}{}, true
	}
	if omitEmpty {
		return nil, false
	}
	switch t.Kind() {
	case reflect.String:
		return "", true
	case reflect.Bool:
		return false, true
	}
	if _, _, ok := basicTypeFormat(t.Kind()); ok {
		return 0, true
	}
	return nil, false
}

// basicTypeFormat mirrors kube-openapi pkg/common's schemaTypeFormatMap.
func basicTypeFormat(k reflect.Kind) (typ, format string, ok bool) {
	switch k {
	case reflect.Bool:
		return "boolean", "", true
	case reflect.String:
		return "string", "", true
	case reflect.Int, reflect.Int16, reflect.Int32, reflect.Uint, reflect.Uint16:
		return "integer", "int32", true
	case reflect.Int64, reflect.Uint32, reflect.Uint64:
		return "integer", "int64", true
	case reflect.Int8, reflect.Uint8:
		return "integer", "byte", true
	case reflect.Float32:
		return "number", "float", true
	case reflect.Float64:
		return "number", "double", true
	}
	return "", "", false
}

func addListType(s *spec.Schema, l *smdschema.List) {
	switch l.ElementRelationship {
	case smdschema.Atomic:
		s.AddExtension("x-kubernetes-list-type", "atomic")
	case smdschema.Associative:
		if len(l.Keys) == 0 {
			s.AddExtension("x-kubernetes-list-type", "set")
			return
		}
		s.AddExtension("x-kubernetes-list-type", "map")
		s.AddExtension("x-kubernetes-list-map-keys", slices.Clone(l.Keys))
	}
}

func addMapType(s *spec.Schema, rel smdschema.ElementRelationship) {
	switch rel {
	case smdschema.Atomic:
		s.AddExtension("x-kubernetes-map-type", "atomic")
	case smdschema.Separable:
		s.AddExtension("x-kubernetes-map-type", "granular")
	}
}

// wrapRef moves a $ref that has siblings into a one-element allOf, as
// upstream's v3 builder does (kube-openapi pkg/builder3/util WrapRefs):
// OpenAPI v3 ignores siblings of $ref.
func wrapRef(s spec.Schema) spec.Schema {
	if s.Ref.String() == "" {
		return s
	}
	if s.Description == "" && s.Default == nil && len(s.Extensions) == 0 {
		return s
	}
	s.AllOf = []spec.Schema{{SchemaProps: spec.SchemaProps{Ref: s.Ref}}}
	s.Ref = spec.Ref{}
	return s
}

func typed(typ, format string) spec.Schema {
	return spec.Schema{SchemaProps: spec.SchemaProps{Type: []string{typ}, Format: format}}
}

func ref3(name string) spec.Ref { return spec.MustCreateRef(v3RefPrefix + name) }
func ref2(name string) spec.Ref { return spec.MustCreateRef(v2RefPrefix + name) }

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

func hasOpt(opts, want string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == want {
			return true
		}
	}
	return false
}

func swaggerDoc(t reflect.Type) map[string]string {
	if d, ok := reflect.New(t).Interface().(swaggerDocer); ok {
		return d.SwaggerDoc()
	}
	return nil
}

func typeDescription(t reflect.Type, name string) string {
	if d := swaggerDoc(t)[""]; d != "" {
		return d
	}
	return fallbackDescriptions[name]
}

// fallbackDescriptions describe the apimachinery types that have no
// SwaggerDoc() (their upstream descriptions come from source comments).
var fallbackDescriptions = map[string]string{
	"io.k8s.apimachinery.pkg.api.resource.Quantity":   "Quantity is a fixed-point representation of a number, serialized as a string such as \"100m\", \"1.5Gi\" or \"2\": a signed number followed by an optional binary (Ki, Mi, Gi, Ti, Pi, Ei), decimal (m, k, M, G, T, P, E) or exponent (e3, E-2) suffix.",
	"io.k8s.apimachinery.pkg.util.intstr.IntOrString": "IntOrString is a type that can hold an int32 or a string. In JSON or YAML it is written as the inner value, so a field can accept a name or a number.",
	"io.k8s.apimachinery.pkg.apis.meta.v1.Time":       "Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON. It is serialized as an RFC 3339 date-time with second precision.",
	"io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime":  "MicroTime is version of Time with microsecond level precision.",
	"io.k8s.apimachinery.pkg.apis.meta.v1.Duration":   "Duration is a wrapper around time.Duration which supports correct marshaling to YAML and JSON. It is serialized as a Go duration string such as \"1h30m\".",
	"io.k8s.apimachinery.pkg.runtime.RawExtension":    "RawExtension is used to hold extensions in external versions: an embedded object of any kind, serialized as the object itself (with its own apiVersion and kind).",
}
