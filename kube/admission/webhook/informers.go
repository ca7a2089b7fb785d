package webhook

import (
	"sync"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/informers"
	admissionregistrationinformers "k8s.io/client-go/informers/admissionregistration"
	admissionregistrationv1informers "k8s.io/client-go/informers/admissionregistration/v1"
	coreinformers "k8s.io/client-go/informers/core"
	corev1informers "k8s.io/client-go/informers/core/v1"
	admissionregistrationv1listers "k8s.io/client-go/listers/admissionregistration/v1"
	corev1listers "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"

	"github.com/kubesim/kubesim/store"
)

// Store names of the resources the plugins read.
const (
	namespacesResource         = "namespaces"
	mutatingWebhooksResource   = "mutatingwebhookconfigurations.admissionregistration.k8s.io"
	validatingWebhooksResource = "validatingwebhookconfigurations.admissionregistration.k8s.io"
	policiesResource           = "validatingadmissionpolicies.admissionregistration.k8s.io"
	policyBindingsResource     = "validatingadmissionpolicybindings.admissionregistration.k8s.io"
)

// storeInformer stands in for a shared informer of one cluster-scoped
// resource. Its lister reads the store itself, so it is never stale. Its
// event handlers are not called from a watch but by sync, which the
// plugins call before each admission: the handlers have then seen every
// change committed before the request, however fast the test wrote. That
// is what makes a webhook configuration effective for the very next
// write, where kube-apiserver's informers lag by a few milliseconds.
//
// Only what upstream's webhook plugin calls is implemented: the embedded
// interface is nil.
type storeInformer[T runtime.Object] struct {
	cache.SharedIndexInformer
	store    *store.Store
	resource string
	gr       schema.GroupResource

	mu       sync.Mutex
	handlers []cache.ResourceEventHandler
	seen     map[string]T // by name: the objects the handlers were told of
}

func newStoreInformer[T runtime.Object](st *store.Store, resource string, gr schema.GroupResource) *storeInformer[T] {
	return &storeInformer[T]{store: st, resource: resource, gr: gr, seen: map[string]T{}}
}

// HasSynced implements cache.SharedInformer: the store is the cache.
func (i *storeInformer[T]) HasSynced() bool { return true }

// AddEventHandler implements cache.SharedInformer. The handler hears of
// existing objects at the next sync.
func (i *storeInformer[T]) AddEventHandler(h cache.ResourceEventHandler) (cache.ResourceEventHandlerRegistration, error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.handlers = append(i.handlers, h)
	// A new handler must see every object as added: start over.
	i.seen = map[string]T{}
	return synced{}, nil
}

// sync tells the handlers of every change since the previous sync.
func (i *storeInformer[T]) sync() {
	i.mu.Lock()
	defer i.mu.Unlock()
	now := map[string]T{}
	i.store.View().List(i.resource, "", func(obj runtime.Object) bool {
		if t, ok := obj.(T); ok {
			now[nameOf(t)] = t
		}
		return true
	})
	for name, obj := range now {
		old, ok := i.seen[name]
		switch {
		case !ok:
			i.each(func(h cache.ResourceEventHandler) { h.OnAdd(obj, false) })
		case rvOf(old) != rvOf(obj):
			i.each(func(h cache.ResourceEventHandler) { h.OnUpdate(old, obj) })
		}
	}
	for name, old := range i.seen {
		if _, ok := now[name]; !ok {
			i.each(func(h cache.ResourceEventHandler) { h.OnDelete(old) })
		}
	}
	i.seen = now
}

func (i *storeInformer[T]) each(fn func(cache.ResourceEventHandler)) {
	for _, h := range i.handlers {
		fn(h)
	}
}

// List implements the typed listers. Like an informer's lister, it hands
// out the stored objects: callers must not change them.
func (i *storeInformer[T]) List(selector labels.Selector) ([]T, error) {
	var out []T
	i.store.View().List(i.resource, "", func(obj runtime.Object) bool {
		if t, ok := obj.(T); ok && selector.Matches(labels.Set(labelsOf(t))) {
			out = append(out, t)
		}
		return true
	})
	return out, nil
}

// Get implements the typed listers.
func (i *storeInformer[T]) Get(name string) (T, error) {
	t, ok := i.store.View().Get(i.resource, "", name).(T)
	if !ok {
		return t, apierrors.NewNotFound(i.gr, name)
	}
	return t, nil
}

func nameOf(obj runtime.Object) string {
	if m, err := meta.Accessor(obj); err == nil {
		return m.GetName()
	}
	return ""
}

func rvOf(obj runtime.Object) string {
	if m, err := meta.Accessor(obj); err == nil {
		return m.GetResourceVersion()
	}
	return ""
}

func labelsOf(obj runtime.Object) map[string]string {
	if m, err := meta.Accessor(obj); err == nil {
		return m.GetLabels()
	}
	return nil
}

// synced is the registration of a handler on a storeInformer.
type synced struct{}

func (synced) HasSynced() bool                                  { return true }
func (synced) HasSyncedChecker() cache.DoneChecker              { return doneChecker{} }
func (doneChecker) Name() string                                { return "kubesim store" }
func (doneChecker) Done() <-chan struct{}                       { return closedChan }
func (synced) String() string                                   { return "kubesim store handler" }
func (i *storeInformer[T]) Informer() cache.SharedIndexInformer { return i }

type doneChecker struct{}

var closedChan = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// informerFactory is the informer factory the plugins are given: the
// namespaces and webhook configurations they read come from the store.
// Only what upstream's webhook and policy plugins call is implemented:
// the embedded interface is nil.
type informerFactory struct {
	informers.SharedInformerFactory
	namespaces         *storeInformer[*corev1.Namespace]
	mutatingWebhooks   *storeInformer[*admissionregistrationv1.MutatingWebhookConfiguration]
	validatingWebhooks *storeInformer[*admissionregistrationv1.ValidatingWebhookConfiguration]
}

func newInformerFactory(st *store.Store) *informerFactory {
	return &informerFactory{
		namespaces: newStoreInformer[*corev1.Namespace](st, namespacesResource, corev1.Resource("namespaces")),
		mutatingWebhooks: newStoreInformer[*admissionregistrationv1.MutatingWebhookConfiguration](st, mutatingWebhooksResource,
			admissionregistrationv1.Resource("mutatingwebhookconfigurations")),
		validatingWebhooks: newStoreInformer[*admissionregistrationv1.ValidatingWebhookConfiguration](st, validatingWebhooksResource,
			admissionregistrationv1.Resource("validatingwebhookconfigurations")),
	}
}

// Core implements informers.SharedInformerFactory.
func (f *informerFactory) Core() coreinformers.Interface { return coreGroup{f: f} }

// Admissionregistration implements informers.SharedInformerFactory.
func (f *informerFactory) Admissionregistration() admissionregistrationinformers.Interface {
	return admissionGroup{f: f}
}

type coreGroup struct {
	coreinformers.Interface
	f *informerFactory
}

func (g coreGroup) V1() corev1informers.Interface { return coreV1{f: g.f} }

type coreV1 struct {
	corev1informers.Interface
	f *informerFactory
}

func (v coreV1) Namespaces() corev1informers.TypedNamespaceInformer {
	return namespaceInformer{inf: v.f.namespaces}
}

type namespaceInformer struct {
	corev1informers.TypedNamespaceInformer
	inf *storeInformer[*corev1.Namespace]
}

func (n namespaceInformer) Informer() cache.SharedIndexInformer   { return n.inf }
func (n namespaceInformer) Lister() corev1listers.NamespaceLister { return n.inf }

type admissionGroup struct {
	admissionregistrationinformers.Interface
	f *informerFactory
}

func (g admissionGroup) V1() admissionregistrationv1informers.Interface { return admissionV1{f: g.f} }

type admissionV1 struct {
	admissionregistrationv1informers.Interface
	f *informerFactory
}

func (v admissionV1) MutatingWebhookConfigurations() admissionregistrationv1informers.TypedMutatingWebhookConfigurationInformer {
	return mutatingInformer{inf: v.f.mutatingWebhooks}
}

func (v admissionV1) ValidatingWebhookConfigurations() admissionregistrationv1informers.TypedValidatingWebhookConfigurationInformer {
	return validatingInformer{inf: v.f.validatingWebhooks}
}

type mutatingInformer struct {
	admissionregistrationv1informers.TypedMutatingWebhookConfigurationInformer
	inf *storeInformer[*admissionregistrationv1.MutatingWebhookConfiguration]
}

func (m mutatingInformer) Informer() cache.SharedIndexInformer { return m.inf }
func (m mutatingInformer) Lister() admissionregistrationv1listers.MutatingWebhookConfigurationLister {
	return m.inf
}

type validatingInformer struct {
	admissionregistrationv1informers.TypedValidatingWebhookConfigurationInformer
	inf *storeInformer[*admissionregistrationv1.ValidatingWebhookConfiguration]
}

func (m validatingInformer) Informer() cache.SharedIndexInformer { return m.inf }
func (m validatingInformer) Lister() admissionregistrationv1listers.ValidatingWebhookConfigurationLister {
	return m.inf
}
