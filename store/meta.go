package store

import (
	"crypto/rand"
	"fmt"
	"reflect"
	"strconv"

	"k8s.io/apimachinery/pkg/api/equality"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
)

func meta(obj runtime.Object) (metav1.Object, error) {
	m, err := apimeta.Accessor(obj)
	if err != nil {
		return nil, fmt.Errorf("store: %T has no object metadata: %w", obj, err)
	}
	return m, nil
}

// newUID returns a random RFC 4122 version 4 UID, as the API server does.
func newUID() types.UID {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("store: read random bytes: %v", err)) // crypto/rand never fails on supported platforms
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return types.UID(fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]))
}

// FormatRV and ParseRV convert between the store's resourceVersions and the
// strings in object metadata.
func FormatRV(rv uint64) string { return strconv.FormatUint(rv, 10) }

// ParseRV parses a resourceVersion; "" is 0.
func ParseRV(s string) (uint64, error) {
	if s == "" {
		return 0, nil
	}
	rv, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("invalid resourceVersion %q", s)
	}
	return rv, nil
}

// SpecChanged is the usual generation rule: metadata.generation counts
// changes of spec. For objects without a spec field (and for unstructured
// objects without "spec") every change outside metadata and status counts.
func SpecChanged(old, new runtime.Object) bool {
	if ou, ok := old.(*unstructured.Unstructured); ok {
		nu, ok := new.(*unstructured.Unstructured)
		if !ok {
			return true
		}
		return !equality.Semantic.DeepEqual(withoutMetaStatus(ou.Object), withoutMetaStatus(nu.Object))
	}
	ov, nv := reflect.ValueOf(old).Elem(), reflect.ValueOf(new).Elem()
	if ov.Type() != nv.Type() {
		return true
	}
	if f := ov.FieldByName("Spec"); f.IsValid() {
		return !semanticEqual(f, nv.FieldByName("Spec"))
	}
	for i := 0; i < ov.NumField(); i++ {
		switch ov.Type().Field(i).Name {
		case "TypeMeta", "ObjectMeta", "Status":
			continue
		}
		if !semanticEqual(ov.Field(i), nv.Field(i)) {
			return true
		}
	}
	return false
}

// semanticEqual compares two addressable values as equality.Semantic does,
// through pointers (Interface() on a struct field would copy it), trying
// the cheaper reflect.DeepEqual first: values equal to it are equal to
// Semantic too, which only adds looser rules (1 and 1000m are the same
// quantity).
func semanticEqual(a, b reflect.Value) bool {
	pa, pb := a.Addr().Interface(), b.Addr().Interface()
	return reflect.DeepEqual(pa, pb) || equality.Semantic.DeepEqual(pa, pb)
}

func withoutMetaStatus(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		switch k {
		case "metadata", "status", "apiVersion", "kind":
			continue
		}
		out[k] = v
	}
	return out
}
