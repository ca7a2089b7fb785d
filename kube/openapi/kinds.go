package openapi

import (
	"fmt"
	"reflect"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/kube-openapi/pkg/validation/spec"
)

// Kind is one built-in kind the documents describe.
//
// Every Kind gets a definition carrying x-kubernetes-group-version-kind, and
// its group-version gets a v3 document. A Kind with a Resource is also served:
// the documents get the REST paths for it (list, create, get, replace, patch,
// delete, deletecollection and the subresources), which is where kubectl
// explain and kubectl's field-validation check look a resource up. Kinds
// without a Resource (FooList, DeleteOptions, Scale, ...) only contribute
// their definition and GVK.
type Kind struct {
	GVK schema.GroupVersionKind
	// Type is the Go struct type of the kind (corev1.Pod, not *corev1.Pod;
	// a pointer type is accepted and dereferenced).
	Type reflect.Type

	// Resource is the plural resource name ("pods"); empty when the kind is
	// not served as a resource.
	Resource string
	// Namespaced resources get /namespaces/{namespace}/ paths and a
	// cross-namespace list path.
	Namespaced bool
	// Verbs limits the generated operations (get, list, watch, create,
	// update, patch, delete, deletecollection). Empty means all of them.
	Verbs []string
	// Subresources of the resource, such as status or scale.
	Subresources []Subresource
}

// Subresource is a subresource of a served Kind. Its operations are get,
// update (put) and patch, like upstream's status and scale subresources.
type Subresource struct {
	// Name is the path segment: "status", "scale", "ephemeralcontainers".
	Name string
	// GVK and Type describe the object the subresource reads and writes.
	// Zero values mean the parent kind (as for status); scale sets
	// autoscaling/v1 Scale.
	GVK  schema.GroupVersionKind
	Type reflect.Type
}

// CustomKind is a kind whose schema is supplied at run time, typically one
// version of a CustomResourceDefinition.
type CustomKind struct {
	GVK schema.GroupVersionKind
	// ListKind defaults to GVK.Kind + "List".
	ListKind   string
	Resource   string
	Namespaced bool
	// Schema is the structural OpenAPI v3 schema of the whole object (the
	// CRD version's schema.openAPIV3Schema). It is deep-copied; the builder
	// adds apiVersion, kind and metadata the way apiextensions-apiserver
	// does. Nil means any object (x-kubernetes-preserve-unknown-fields).
	Schema *spec.Schema
	// PreserveUnknownFields publishes the v2 definition without properties,
	// as upstream does for CRDs that keep unknown fields, so that kubectl's
	// v2-based validation does not reject them.
	PreserveUnknownFields bool
	// Subresources: "status" and/or "scale".
	Subresources []string
}

var allVerbs = []string{"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"}

// validate checks a Kind and returns it normalised (Type dereferenced).
func (k Kind) validate() (Kind, error) {
	if k.GVK.Version == "" || k.GVK.Kind == "" {
		return k, fmt.Errorf("openapi: kind %v: version and kind are required", k.GVK)
	}
	if k.Type == nil {
		return k, fmt.Errorf("openapi: kind %v: Type is nil", k.GVK)
	}
	if k.Type.Kind() == reflect.Pointer {
		k.Type = k.Type.Elem()
	}
	if k.Type.Kind() != reflect.Struct {
		return k, fmt.Errorf("openapi: kind %v: Type %v is not a struct", k.GVK, k.Type)
	}
	subs := make([]Subresource, 0, len(k.Subresources))
	for _, s := range k.Subresources {
		if s.Name == "" {
			return k, fmt.Errorf("openapi: kind %v: subresource without a name", k.GVK)
		}
		if s.Type == nil {
			s.Type, s.GVK = k.Type, k.GVK
		}
		if s.Type.Kind() == reflect.Pointer {
			s.Type = s.Type.Elem()
		}
		if s.GVK.Empty() {
			s.GVK = k.GVK
		}
		subs = append(subs, s)
	}
	k.Subresources = subs
	return k, nil
}

func (c CustomKind) validate() (CustomKind, error) {
	if c.GVK.Group == "" || c.GVK.Version == "" || c.GVK.Kind == "" {
		return c, fmt.Errorf("openapi: custom kind %v: group, version and kind are required", c.GVK)
	}
	if c.ListKind == "" {
		c.ListKind = c.GVK.Kind + "List"
	}
	for _, s := range c.Subresources {
		if s != "status" && s != "scale" {
			return c, fmt.Errorf("openapi: custom kind %v: unsupported subresource %q", c.GVK, s)
		}
	}
	return c, nil
}

func hasVerb(verbs []string, verb string) bool {
	if len(verbs) == 0 {
		return true
	}
	for _, v := range verbs {
		if v == verb {
			return true
		}
	}
	return false
}
