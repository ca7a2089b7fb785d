// Package openapi publishes the OpenAPI documents of kubesim's API server:
// /openapi/v2 (swagger 2.0, as JSON or protobuf) and /openapi/v3 with one
// OpenAPI 3 document per group-version (/openapi/v3/api/v1,
// /openapi/v3/apis/apps/v1, ...). kubectl explain, kubectl apply (patch
// strategies and merge keys), kubectl's field-validation check, client-go's
// openapi clients and server-side apply all read them.
//
// Start with NewBuilder: give it the built-in kinds (Kind: GVK, Go type,
// resource name and scope) and mount the Builder, an http.Handler, on
// /openapi/. Custom resource definitions add their kinds at run time with
// AddCustomKind. V2, V3 and V3Schemas return the documents as Go values;
// V3Schemas is the input managedfields.NewTypeConverter expects.
//
// Upstream generates its definitions from Go source with openapi-gen
// (k8s.io/kube-openapi pkg/generators); that output lives in
// k8s.io/kubernetes, which kubesim must not import. This package derives
// the same definitions by reflection over the k8s.io/api and apimachinery
// types (reflect.go):
//
//   - names as upstream: the type's OpenAPIModelName(), else the package
//     path with its domain reversed ("io.k8s.api.core.v1.Pod");
//   - property names from json tags; a field is required when its json tag
//     has neither omitempty nor omitzero (openapi-gen also honours
//     +optional/+required comments, which reflection cannot see, so a few
//     fields may differ);
//   - descriptions from SwaggerDoc(); the handful of apimachinery types
//     without one (Quantity, IntOrString, Time, MicroTime, Duration,
//     RawExtension) get short descriptions written here;
//   - types that declare OpenAPISchemaType/Format (and v3 OneOf types) get
//     exactly that schema; time.Time is a date-time string, []byte a byte
//     string, interfaces an untyped schema;
//   - x-kubernetes-patch-strategy and -merge-key from the patchStrategy and
//     patchMergeKey struct tags;
//   - x-kubernetes-list-type, -list-map-keys and -map-type, and +default
//     values, which live only in source comments, are read from the
//     structured-merge-diff schemas client-go and apiextensions-apiserver
//     ship for server-side apply (structure.go; reached through the public
//     TypeConverter of k8s.io/client-go/applyconfigurations). Lists whose
//     type upstream leaves unmarked are published as atomic, which is what
//     server-side apply assumes for them anyway;
//   - in v3, refs with siblings are wrapped in allOf and non-pointer
//     structs and non-omitempty scalars carry openapi-gen's enforced
//     defaults; v2 drops defaults as upstream's v2 handler does.
//
// Not published: enum values (+enum), value validations from markers
// (minimum, maxLength, ...), x-kubernetes-unions, and the deprecated
// /watch/ and connect (exec, attach, proxy, log) paths.
//
// Building everything for the ~400 kinds of client-go's scheme takes about
// 0.3 s and happens on the first request, once per process for a given
// kind list (catalog.go); protobuf forms are converted on first demand.
package openapi
