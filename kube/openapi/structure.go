package openapi

import (
	"fmt"
	"sync"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensionsapply "k8s.io/apiextensions-apiserver/pkg/client/applyconfiguration"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"k8s.io/client-go/applyconfigurations"
	smdschema "sigs.k8s.io/structured-merge-diff/v6/schema"
)

// Structure is what reflection cannot see: the +listType, +listMapKey,
// +mapType, +structType and +default markers of the API types. Upstream
// openapi-gen reads them from comments; the same information ships, already
// resolved, in the structured-merge-diff schemas that client-go (and
// apiextensions-apiserver) generate for server-side apply. A Structure indexes
// such schemas by definition name.
type Structure struct {
	types map[string]*smdschema.TypeDef
}

// NewStructure indexes the named types of the given schemas; when a name
// appears twice the first wins.
func NewStructure(schemas ...*smdschema.Schema) *Structure {
	s := &Structure{types: map[string]*smdschema.TypeDef{}}
	for _, sch := range schemas {
		if sch == nil {
			continue
		}
		for i := range sch.Types {
			td := &sch.Types[i]
			if _, dup := s.types[td.Name]; !dup {
				s.types[td.Name] = td
			}
		}
	}
	return s
}

// SchemaOf returns the whole structured-merge-diff schema behind a
// TypeConverter, reached through a sample object the converter knows (with
// its apiVersion and kind set). This is the public way to read the schema
// that k8s.io/client-go/applyconfigurations keeps in an internal package.
func SchemaOf(tc managedfields.TypeConverter, sample runtime.Object) (*smdschema.Schema, error) {
	tv, err := tc.ObjectToTyped(sample)
	if err != nil {
		return nil, fmt.Errorf("openapi: reading structure through %T: %w", sample, err)
	}
	return tv.Schema(), nil
}

var defaultStructure = sync.OnceValues(loadDefaultStructure)

// DefaultStructure is the structure of every k8s.io/api, apimachinery and
// apiextensions-apiserver type, read once per process from client-go's and
// apiextensions-apiserver's apply-configuration schemas.
func DefaultStructure() (*Structure, error) { return defaultStructure() }

func loadDefaultStructure() (*Structure, error) {
	scheme := runtime.NewScheme()
	scheme.AddKnownTypes(corev1.SchemeGroupVersion, &corev1.ConfigMap{})
	scheme.AddKnownTypes(apiextensionsv1.SchemeGroupVersion, &apiextensionsv1.CustomResourceDefinition{})

	core, err := SchemaOf(applyconfigurations.NewTypeConverter(scheme), &corev1.ConfigMap{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
	})
	if err != nil {
		return nil, err
	}
	ext, err := SchemaOf(apiextensionsapply.NewTypeConverter(scheme), &apiextensionsv1.CustomResourceDefinition{
		TypeMeta: metav1.TypeMeta{APIVersion: "apiextensions.k8s.io/v1", Kind: "CustomResourceDefinition"},
	})
	if err != nil {
		return nil, err
	}
	return NewStructure(core, ext), nil
}

// field returns the structure of field name of definition def, if known.
func (s *Structure) field(def, name string) *smdschema.StructField {
	if s == nil {
		return nil
	}
	td, ok := s.types[def]
	if !ok || td.Map == nil {
		return nil
	}
	for i := range td.Map.Fields {
		if td.Map.Fields[i].Name == name {
			return &td.Map.Fields[i]
		}
	}
	return nil
}

// mapRelationship is the element relationship of a named struct type
// (+structType), or "" when unknown.
func (s *Structure) mapRelationship(def string) smdschema.ElementRelationship {
	if s == nil {
		return ""
	}
	if td, ok := s.types[def]; ok && td.Map != nil {
		return td.Map.ElementRelationship
	}
	return ""
}

// resolve returns the atom a type reference stands for.
func (s *Structure) resolve(tr *smdschema.TypeRef) *smdschema.Atom {
	if tr == nil {
		return nil
	}
	if tr.NamedType == nil {
		return &tr.Inlined
	}
	if s == nil {
		return nil
	}
	if td, ok := s.types[*tr.NamedType]; ok {
		return &td.Atom
	}
	return nil
}
