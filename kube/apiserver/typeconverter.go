package apiserver

import (
	"fmt"
	"slices"
	"sync"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/managedfields"
	smdschema "sigs.k8s.io/structured-merge-diff/v6/schema"
	"sigs.k8s.io/structured-merge-diff/v6/typed"
	"sigs.k8s.io/structured-merge-diff/v6/value"
)

// goTypes is the TypeConverter of built-in kinds, which the field manager
// gives Go structs. On every update it converts the live and the new
// object with typed.AllowDuplicates, and the conversion validates the
// whole object against its schema: about half of managed-fields tracking
// and a tenth of a write's time. A Go struct of a built-in type can only
// hold values of its schema's types, so the one thing validation could
// find in it, duplicate keys of associative lists, is what the caller
// said to allow; those conversions skip it. Everything else (unstructured
// objects, apply patches, which are validated without AllowDuplicates)
// goes to the wrapped converter unchanged.
type goTypes struct {
	managedfields.TypeConverter

	types sync.Map // schema.GroupVersionKind -> goType
}

type goType struct {
	schema *smdschema.Schema
	ref    smdschema.TypeRef
}

func newGoTypes(tc managedfields.TypeConverter) *goTypes {
	return &goTypes{TypeConverter: tc}
}

// ObjectToTyped implements managedfields.TypeConverter.
func (c *goTypes) ObjectToTyped(obj runtime.Object, opts ...typed.ValidationOptions) (*typed.TypedValue, error) {
	if _, ok := obj.(runtime.Unstructured); ok || !slices.Contains(opts, typed.AllowDuplicates) {
		return c.TypeConverter.ObjectToTyped(obj, opts...)
	}
	gvk := obj.GetObjectKind().GroupVersionKind()
	t, ok := c.types.Load(gvk)
	if !ok {
		// The first object of a kind goes the validating way, which
		// also finds its type in the schema.
		tv, err := c.TypeConverter.ObjectToTyped(obj, opts...)
		if err != nil {
			return nil, err
		}
		c.types.Store(gvk, goType{schema: tv.Schema(), ref: tv.TypeRef()})
		return tv, nil
	}
	v, err := value.NewValueReflect(obj)
	if err != nil {
		return nil, fmt.Errorf("reflect %s: %w", gvk, err)
	}
	gt := t.(goType)
	return typed.AsTypedUnvalidated(v, gt.schema, gt.ref), nil //nolint:staticcheck // see goTypes
}

var _ managedfields.TypeConverter = (*goTypes)(nil)
