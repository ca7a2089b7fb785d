package store

import (
	"bytes"
	"reflect"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

var objectMetaType = reflect.TypeFor[metav1.ObjectMeta]()

// shareUnchanged makes a new version of an object share memory with the
// version it replaces wherever the two are equal: a status write leaves
// the spec as it was, and the field sets of the managers that did not
// write keep their bytes. Stored objects are never modified, so the
// versions the log keeps for watches cost only what changed. Only equal
// values are replaced, as reflect.DeepEqual sees them (it tells nil from
// empty), so the new version reads exactly as it was written.
func shareUnchanged(old, new runtime.Object) {
	if ou, ok := old.(*unstructured.Unstructured); ok {
		if nu, ok := new.(*unstructured.Unstructured); ok {
			shareUnstructured(ou.Object, nu.Object)
		}
		return
	}
	ov, nv := reflect.ValueOf(old), reflect.ValueOf(new)
	if ov.Kind() != reflect.Pointer || nv.Type() != ov.Type() || ov.Elem().Kind() != reflect.Struct {
		return
	}
	ov, nv = ov.Elem(), nv.Elem()
	for i := 0; i < ov.NumField(); i++ {
		of, nf := ov.Field(i), nv.Field(i)
		switch {
		case !nf.CanSet():
		case of.Type() == objectMetaType:
			shareMeta(of.Addr().Interface().(*metav1.ObjectMeta), nf.Addr().Interface().(*metav1.ObjectMeta))
		default:
			shareValue(of, nf, 1)
		}
	}
}

// shareValue sets the addressable nf to of when they are equal and hold
// memory worth sharing. Structs that differ share their equal fields,
// depth levels down: binding a pod changes spec.nodeName, and the rest of
// the spec stays the same.
func shareValue(of, nf reflect.Value, depth int) {
	switch of.Kind() {
	case reflect.Struct, reflect.Map, reflect.Slice, reflect.Pointer:
	default:
		return // scalars are copied anyway; equal strings are not worth a compare
	}
	if reflect.DeepEqual(of.Addr().Interface(), nf.Addr().Interface()) {
		nf.Set(of)
		return
	}
	if of.Kind() == reflect.Struct && depth > 0 {
		for i := 0; i < of.NumField(); i++ {
			if nf.Field(i).CanSet() {
				shareValue(of.Field(i), nf.Field(i), depth-1)
			}
		}
	}
}

func shareMeta(om, nm *metav1.ObjectMeta) {
	shareValue(reflect.ValueOf(&om.Labels).Elem(), reflect.ValueOf(&nm.Labels).Elem(), 0)
	shareValue(reflect.ValueOf(&om.Annotations).Elem(), reflect.ValueOf(&nm.Annotations).Elem(), 0)
	shareValue(reflect.ValueOf(&om.OwnerReferences).Elem(), reflect.ValueOf(&nm.OwnerReferences).Elem(), 0)
	shareValue(reflect.ValueOf(&om.Finalizers).Elem(), reflect.ValueOf(&nm.Finalizers).Elem(), 0)
	// A manager's entry gets a new time whenever it writes; its field
	// set, the bulk of the entry, mostly stays the same.
	for i := range nm.ManagedFields {
		n := &nm.ManagedFields[i]
		for j := range om.ManagedFields {
			o := &om.ManagedFields[j]
			if o.Manager == n.Manager && o.FieldsV1 != nil && n.FieldsV1 != nil && bytes.Equal(o.FieldsV1.Raw, n.FieldsV1.Raw) {
				n.FieldsV1 = o.FieldsV1
				break
			}
		}
	}
}

// shareUnstructured does for a custom resource what shareUnchanged does
// for a Go struct: top-level values, and the larger parts of metadata.
func shareUnstructured(old, new map[string]any) {
	for k := range new {
		if k != "metadata" {
			shareKey(old, new, k)
		}
	}
	om, ok1 := old["metadata"].(map[string]any)
	nm, ok2 := new["metadata"].(map[string]any)
	if ok1 && ok2 {
		for _, k := range sharedMeta {
			shareKey(om, nm, k)
		}
	}
}

// sharedMeta are the metadata fields shareUnstructured shares.
var sharedMeta = []string{"labels", "annotations", "ownerReferences", "finalizers", "managedFields"}

// shareKey sets new[k] to old[k] when both hold equal values.
func shareKey(old, new map[string]any, k string) {
	ov, ok1 := old[k]
	nv, ok2 := new[k]
	if ok1 && ok2 && reflect.DeepEqual(ov, nv) {
		new[k] = ov
	}
}
