package openapi

import (
	"reflect"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/kube-openapi/pkg/util"
)

// Prefixes of references inside the two document flavours.
const (
	v2RefPrefix = "#/definitions/"
	v3RefPrefix = "#/components/schemas/"
)

// definitionName names the OpenAPI definition of a Go type the way the
// upstream API server does (k8s.io/apiserver pkg/endpoints/openapi
// DefinitionNamer via k8s.io/kube-openapi pkg/util): the type's own
// OpenAPIModelName() when it has one (all k8s.io/api and apimachinery types
// do), otherwise the Go package path with its domain reversed, a dot and the
// type name: "k8s.io/api/core/v1".Pod -> "io.k8s.api.core.v1.Pod".
func definitionName(t reflect.Type) string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Implements(modelNamerType) || reflect.PointerTo(t).Implements(modelNamerType) {
		if namer, ok := reflect.New(t).Interface().(util.OpenAPIModelNamer); ok {
			if name := namer.OpenAPIModelName(); name != "" {
				return name
			}
		}
	}
	pkg := t.PkgPath()
	if i := strings.Index(pkg, "/vendor/"); i >= 0 {
		pkg = pkg[i+len("/vendor/"):]
	}
	pkg = strings.TrimPrefix(pkg, "vendor/")
	if pkg == "" {
		return t.Name()
	}
	return util.ToRESTFriendlyName(pkg + "." + t.Name())
}

var modelNamerType = reflect.TypeFor[util.OpenAPIModelNamer]()

// customDefinitionName names the definition of a custom resource kind the way
// apiextensions-apiserver does: reversed group, version, kind
// ("stable.example.com", "v1", "CronTab" -> "com.example.stable.v1.CronTab").
func customDefinitionName(gvk schema.GroupVersionKind) string {
	parts := strings.Split(gvk.Group, ".")
	slices.Reverse(parts)
	return strings.Join(parts, ".") + "." + gvk.Version + "." + gvk.Kind
}

// GroupVersionPath is the path of a group-version's OpenAPI v3 document below
// /openapi/v3: "api/v1" for the core group, "apis/<group>/<version>" for the
// others.
func GroupVersionPath(gv schema.GroupVersion) string {
	if gv.Group == "" {
		return "api/" + gv.Version
	}
	return "apis/" + gv.Group + "/" + gv.Version
}

// operationGroupName is the group-version part of upstream operation IDs and
// tags: "" -> "Core", "rbac.authorization.k8s.io" -> "RbacAuthorization",
// "stable.example.com" -> "StableExampleCom".
func operationGroupName(group string) string {
	if group == "" {
		return "Core"
	}
	group = strings.TrimSuffix(group, ".k8s.io")
	var b strings.Builder
	for _, part := range strings.FieldsFunc(group, func(r rune) bool { return r == '.' || r == '-' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// gvkExtension is the value of x-kubernetes-group-version-kind on a
// definition: a list of {group, version, kind} maps. It is built from plain
// []interface{} and map[string]interface{} because consumers such as
// managedfields.NewTypeConverter type-assert exactly those.
func gvkExtension(gvks []schema.GroupVersionKind) []interface{} {
	out := make([]interface{}, 0, len(gvks))
	for _, gvk := range gvks {
		out = append(out, gvkMap(gvk))
	}
	return out
}

func gvkMap(gvk schema.GroupVersionKind) map[string]interface{} {
	return map[string]interface{}{"group": gvk.Group, "version": gvk.Version, "kind": gvk.Kind}
}

func compareGVK(a, b schema.GroupVersionKind) int {
	if c := strings.Compare(a.Group, b.Group); c != 0 {
		return c
	}
	if c := strings.Compare(a.Version, b.Version); c != 0 {
		return c
	}
	return strings.Compare(a.Kind, b.Kind)
}
