package apiextensions

import (
	"sync"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	listers "k8s.io/apiextensions-apiserver/pkg/client/listers/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"

	"github.com/kubesim/kubesim/store"
)

// crdResource is the store's name for CustomResourceDefinitions.
const crdResource = "customresourcedefinitions.apiextensions.k8s.io"

// crdInformer stands in for the shared informer apiextensions-apiserver's
// handler and controllers are built on. Its lister reads the store
// itself, so it is never stale; its event handlers are called from the
// control plane's feed, so the environment knows when they have run.
// Only what upstream's CRD handler and establishing controller call is
// implemented: the embedded interface is nil.
type crdInformer struct {
	cache.SharedIndexInformer
	store *store.Store

	mu       sync.Mutex
	handlers []cache.ResourceEventHandler
}

func newCRDInformer(st *store.Store) *crdInformer { return &crdInformer{store: st} }

// Informer implements informers.CustomResourceDefinitionInformer.
func (i *crdInformer) Informer() cache.SharedIndexInformer { return i }

// Lister implements informers.CustomResourceDefinitionInformer.
func (i *crdInformer) Lister() listers.CustomResourceDefinitionLister { return crdLister{i.store} }

// AddEventHandler implements cache.SharedInformer.
func (i *crdInformer) AddEventHandler(h cache.ResourceEventHandler) (cache.ResourceEventHandlerRegistration, error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.handlers = append(i.handlers, h)
	return nil, nil
}

// HasSynced implements cache.SharedInformer: the store is the cache.
func (i *crdInformer) HasSynced() bool { return true }

// deliver hands a store event to the registered handlers.
func (i *crdInformer) deliver(ev store.Event) {
	crd, ok := ev.Object.(*apiextensionsv1.CustomResourceDefinition)
	if !ok {
		return
	}
	i.mu.Lock()
	hs := append([]cache.ResourceEventHandler(nil), i.handlers...)
	i.mu.Unlock()
	for _, h := range hs {
		switch ev.Type {
		case watch.Added:
			h.OnAdd(crd, false)
		case watch.Modified:
			prev, ok := ev.Prev.(*apiextensionsv1.CustomResourceDefinition)
			if !ok {
				prev = crd
			}
			h.OnUpdate(prev, crd)
		case watch.Deleted:
			h.OnDelete(crd)
		}
	}
}

// crdLister lists CustomResourceDefinitions from the store. Like an
// informer's lister, it hands out shared objects: callers must not change
// them.
type crdLister struct{ store *store.Store }

var _ listers.CustomResourceDefinitionLister = crdLister{}

func (l crdLister) List(selector labels.Selector) ([]*apiextensionsv1.CustomResourceDefinition, error) {
	var out []*apiextensionsv1.CustomResourceDefinition
	l.store.View().List(crdResource, "", func(obj runtime.Object) bool {
		crd, ok := obj.(*apiextensionsv1.CustomResourceDefinition)
		if ok && selector.Matches(labels.Set(crd.Labels)) {
			out = append(out, crd)
		}
		return true
	})
	return out, nil
}

func (l crdLister) Get(name string) (*apiextensionsv1.CustomResourceDefinition, error) {
	crd, ok := l.store.View().Get(crdResource, "", name).(*apiextensionsv1.CustomResourceDefinition)
	if !ok {
		return nil, apierrors.NewNotFound(apiextensionsv1.Resource("customresourcedefinitions"), name)
	}
	return crd, nil
}
