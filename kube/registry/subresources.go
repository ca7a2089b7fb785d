package registry

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
)

// statusREST serves get, update and patch of a /status subresource.
type statusREST struct{ store *genericregistry.Store }

var (
	_ rest.Patcher = (*statusREST)(nil)
	_ rest.Storage = (*statusREST)(nil)
)

func (r *statusREST) New() runtime.Object { return r.store.New() }
func (r *statusREST) Destroy()            {}

func (r *statusREST) Get(ctx context.Context, name string, options *metav1.GetOptions) (runtime.Object, error) {
	return r.store.Get(ctx, name, options)
}

func (r *statusREST) Update(ctx context.Context, name string, objInfo rest.UpdatedObjectInfo, createValidation rest.ValidateObjectFunc,
	updateValidation rest.ValidateObjectUpdateFunc, forceAllowCreate bool, options *metav1.UpdateOptions) (runtime.Object, bool, error) {
	// Subresources never create their parent.
	return r.store.Update(ctx, name, objInfo, createValidation, updateValidation, false, options)
}

// GetResetFields tells server-side apply that /status owns only status.
func (r *statusREST) GetResetFields() map[fieldpath.APIVersion]*fieldpath.Set {
	return nil
}

// addSubresources adds the subresources that are not plain status
// endpoints: pods/binding (and the bindings resource), pods/eviction,
// pods/log, and scale.
func (r *Registry) addSubresources(c Config) error {
	pods, ok := r.Lookup(corev1.SchemeGroupVersion.WithResource("pods"))
	if !ok {
		return fmt.Errorf("registry: no pods resource")
	}
	binding := &bindingREST{store: pods.Main.(*genericregistry.Store), clock: c.Clock}
	pods.Subresources["binding"] = binding
	pods.Subresources["log"] = &logREST{store: pods.Main.(*genericregistry.Store), transport: c.Kubelets}
	if err := r.addEviction(c, pods); err != nil {
		return err
	}
	bindings := &Resource{
		GroupVersionResource: corev1.SchemeGroupVersion.WithResource("bindings"),
		Kind:                 "Binding",
		Singular:             "binding",
		Namespaced:           true,
		New:                  func() runtime.Object { return &corev1.Binding{} },
		Verbs:                []string{"create"},
	}
	e := &Entry{Resource: bindings, Main: legacyBindingREST{binding}, Subresources: map[string]rest.Storage{}}
	r.entries = append(r.entries, e)
	r.byGVR[bindings.GroupVersionResource] = e

	if err := r.addNamespaceREST(c); err != nil {
		return err
	}
	if c.ServiceAccountTokens != nil {
		sa, ok := r.Lookup(corev1.SchemeGroupVersion.WithResource("serviceaccounts"))
		if !ok {
			return fmt.Errorf("registry: no serviceaccounts resource")
		}
		sa.Subresources["token"] = &tokenREST{store: c.Store, issuer: c.ServiceAccountTokens, clock: c.Clock}
	}
	for gvr, s := range scalables {
		e, ok := r.Lookup(gvr)
		if !ok {
			return fmt.Errorf("registry: no %s resource to scale", gvr)
		}
		e.Subresources["scale"] = &scaleREST{store: e.Main.(*genericregistry.Store), gvr: gvr, s: s}
	}
	return nil
}

// addNamespaceREST puts the namespace rules of deletion in front of the
// generic store and adds namespaces/finalize.
func (r *Registry) addNamespaceREST(c Config) error {
	e, ok := r.Lookup(corev1.SchemeGroupVersion.WithResource("namespaces"))
	if !ok {
		return fmt.Errorf("registry: no namespaces resource")
	}
	main := e.Main.(*genericregistry.Store)
	e.Main = &namespaceREST{Store: main, clock: c.Clock}
	finalize := *main
	finalize.UpdateStrategy = finalizeStrategy{main.UpdateStrategy.(*strategy)}
	e.Subresources["finalize"] = &finalizeREST{store: &finalize}
	return nil
}
