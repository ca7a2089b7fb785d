package apiserver

import (
	"context"
	"fmt"
	"sync"

	apiextensionsapplyconfig "k8s.io/apiextensions-apiserver/pkg/client/applyconfiguration"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"k8s.io/apiserver/pkg/authorization/authorizer"
	"k8s.io/apiserver/pkg/endpoints/handlers"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/client-go/applyconfigurations"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"

	"github.com/kubesim/kubesim/kube/registry"
	"github.com/kubesim/kubesim/kube/scheme"
)

// maxRequestBodyBytes is kube-apiserver's default limit (3 MiB).
const maxRequestBodyBytes = 3 * 1024 * 1024

var (
	typeConvertersOnce sync.Once
	builtinTypes       managedfields.TypeConverter
	apiextensionsTypes managedfields.TypeConverter
)

// typeConverter returns the structured-merge-diff schema of a built-in
// kind, parsed once per process from the schemas client-go and
// apiextensions-apiserver ship for their apply configurations.
func typeConverter(gvk schema.GroupVersionKind) managedfields.TypeConverter {
	typeConvertersOnce.Do(func() {
		builtinTypes = newGoTypes(applyconfigurations.NewTypeConverter(scheme.Scheme))
		apiextensionsTypes = newGoTypes(apiextensionsapplyconfig.NewTypeConverter(scheme.Scheme))
	})
	tc := builtinTypes
	if gvk.Group == "apiextensions.k8s.io" {
		tc = apiextensionsTypes
	}
	if known(tc, gvk) {
		return tc
	}
	// Kinds the apply schemas leave out (autoscaling/v1 Scale) are
	// tracked with schemas deduced from the objects themselves.
	return managedfields.NewDeducedTypeConverter()
}

func known(tc managedfields.TypeConverter, gvk schema.GroupVersionKind) bool {
	obj, err := scheme.Scheme.New(gvk)
	if err != nil {
		return false
	}
	obj.GetObjectKind().SetGroupVersionKind(gvk)
	_, err = tc.ObjectToTyped(obj)
	return err == nil
}

// newScope builds the upstream RequestScope of one resource or subresource.
func newScope(e *registry.Entry, sub string, storage rest.Storage, equivalents runtime.EquivalentResourceMapper) (*handlers.RequestScope, error) {
	kind := e.GroupVersionKind()
	if k, ok := subresourceKind[sub]; ok {
		kind = k
	}
	serving := e.Serving
	if serving == nil {
		serving = &registry.Serving{Scheme: scheme.Scheme, Codecs: scheme.Codecs, ParameterCodec: scheme.ParameterCodec, Hub: kind.GroupVersion()}
	}
	scope := &handlers.RequestScope{
		Namer:                    handlers.ContextBasedNaming{Namer: apimeta.NewAccessor(), ClusterScoped: !e.Namespaced},
		Serializer:               serving.Codecs,
		ParameterCodec:           serving.ParameterCodec,
		Creater:                  serving.Scheme,
		Convertor:                serving.Scheme,
		Defaulter:                serving.Scheme,
		Typer:                    serving.Scheme,
		UnsafeConvertor:          runtime.UnsafeObjectConvertor(serving.Scheme),
		Authorizer:               AllowAll{},
		EquivalentResourceMapper: equivalents,
		Resource:                 e.GroupVersionResource,
		Subresource:              sub,
		Kind:                     kind,
		MetaGroupVersion:         metav1.SchemeGroupVersion,
		HubGroupVersion:          serving.Hub,
		MaxRequestBodyBytes:      maxRequestBodyBytes,
	}
	if tc, ok := storage.(rest.TableConvertor); ok {
		scope.TableConvertor = tc
	}
	var reset map[fieldpath.APIVersion]fieldpath.Filter
	if r, ok := storage.(rest.ResetFieldsStrategy); ok {
		reset = fieldpath.NewExcludeFilterSetMap(r.GetResetFields())
	}
	fm, err := managedfields.NewDefaultFieldManager(typeConverter(kind), scope.UnsafeConvertor, serving.Scheme, serving.Scheme,
		kind, scope.HubGroupVersion, sub, reset)
	if err != nil {
		return nil, fmt.Errorf("field manager for %s: %w", kind, err)
	}
	scope.FieldManager = fm
	return scope, nil
}

// AllowAll is the authorizer the handlers consult for the few checks they
// make themselves; authorization of requests happens before them.
type AllowAll struct{}

// Authorize implements authorizer.Authorizer.
func (AllowAll) Authorize(ctx context.Context, a authorizer.Attributes) (authorizer.Decision, string, error) {
	return authorizer.DecisionAllow, "", nil
}
