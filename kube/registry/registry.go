package registry

import (
	"fmt"
	"net/http"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/authorization/authorizer"
	"k8s.io/apiserver/pkg/registry/generic"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/apiserver/pkg/storage/names"
	utilclock "k8s.io/utils/clock"

	"github.com/kubesim/kubesim/kube/auth"
	"github.com/kubesim/kubesim/kube/scheme"
	"github.com/kubesim/kubesim/kube/storage"
	"github.com/kubesim/kubesim/store"
)

// Entry is one served resource with the REST storage of its main endpoint
// and of each of its subresources.
type Entry struct {
	*Resource
	Main         rest.Storage
	Subresources map[string]rest.Storage
	// Serving, when set, replaces kube/scheme for the resource's handlers.
	Serving *Serving
}

// Registry holds the REST storage of every resource an API server serves.
type Registry struct {
	entries []*Entry
	byGVR   map[schema.GroupVersionResource]*Entry
}

// Config configures New.
type Config struct {
	Store *store.Store
	Clock utilclock.PassiveClock
	// Names generates names for generateName; nil uses upstream's random
	// five-character suffixes.
	Names names.NameGenerator
	// Tables converts objects to the tables kubectl prints; nil prints
	// only names and ages.
	Tables func(r *Resource) rest.TableConvertor
	// Kubelets reaches the kubelets' HTTP API (container logs) by node
	// name; nil makes pods/log return empty logs.
	Kubelets http.RoundTripper
	// Authorizer answers the access reviews (kubectl auth can-i); nil
	// allows everything.
	Authorizer authorizer.UnconditionalAuthorizer
	// ServiceAccountTokens issues the tokens of serviceaccounts/token
	// (TokenRequest); nil leaves that subresource out.
	ServiceAccountTokens *auth.ServiceAccountTokens
	// Leases ends the objects of resources with a TTL (events); nil keeps
	// them.
	Leases *storage.Leases
}

// New builds the REST storage of every resource in Catalog.
func New(c Config) (*Registry, error) {
	if c.Names == nil {
		c.Names = names.SimpleNameGenerator
	}
	reg := &Registry{byGVR: map[schema.GroupVersionResource]*Entry{}}
	for _, res := range Catalog() {
		if res.GroupVersionResource == corev1.SchemeGroupVersion.WithResource("services") {
			res.Hooks = serviceHooks(c.Store)
		}
		newFunc := newEntry
		if res.GroupResource() == apiextensionsv1.Resource("customresourcedefinitions") {
			newFunc = newCRDEntry
		}
		e, err := newFunc(c, res)
		if err != nil {
			return nil, err
		}
		reg.entries = append(reg.entries, e)
		reg.byGVR[res.GroupVersionResource] = e
	}
	reg.addAccessReviews(c)
	if err := reg.addMetrics(c); err != nil {
		return nil, err
	}
	if err := reg.addSubresources(c); err != nil {
		return nil, err
	}
	return reg, nil
}

// Entries returns every resource, in catalog order.
func (r *Registry) Entries() []*Entry { return r.entries }

// Lookup finds the resource served at gvr.
func (r *Registry) Lookup(gvr schema.GroupVersionResource) (*Entry, bool) {
	e, ok := r.byGVR[gvr]
	return e, ok
}

// podSpecChanged is pods' generation rule. kube-apiserver counts spec
// changes in the pod strategy, which the binding subresource bypasses: it
// writes spec.nodeName (the one way it changes once a pod exists) to
// storage directly, so binding leaves the generation as it was.
func podSpecChanged(old, new runtime.Object) bool {
	o, ok1 := old.(*corev1.Pod)
	n, ok2 := new.(*corev1.Pod)
	if !ok1 || !ok2 || o.Spec.NodeName == n.Spec.NodeName {
		return store.SpecChanged(old, new)
	}
	unbound := *n // a shallow copy, only compared
	unbound.Spec.NodeName = o.Spec.NodeName
	return store.SpecChanged(o, &unbound)
}

func newEntry(c Config, res *Resource) (*Entry, error) {
	key := res.StoreKey()
	sr := store.Resource{}
	if res.Generation {
		sr.Generation = store.SpecChanged
	}
	if res.GroupVersionResource == corev1.SchemeGroupVersion.WithResource("pods") {
		sr.Generation = podSpecChanged
		sr.Indexes = map[string]store.IndexFunc{"spec.nodeName": func(o runtime.Object) string {
			return o.(*corev1.Pod).Spec.NodeName
		}}
	}
	c.Store.Register(key, sr)

	backend, err := storage.New(storage.Config{
		Store: c.Store, Clock: c.Clock, Resource: key, Namespaced: res.Namespaced, NewFunc: res.New, Leases: c.Leases,
	})
	if err != nil {
		return nil, err
	}
	strat := newStrategy(res, c.Names)
	tables := rest.TableConvertor(rest.NewDefaultTableConvertor(res.GroupResource()))
	if c.Tables != nil {
		tables = c.Tables(res)
	}
	main := &genericregistry.Store{
		NewFunc:                   res.New,
		NewListFunc:               res.NewList,
		DefaultQualifiedResource:  res.GroupResource(),
		SingularQualifiedResource: schema.GroupResource{Group: res.Group, Resource: res.Singular},
		CreateStrategy:            strat,
		UpdateStrategy:            strat,
		DeleteStrategy:            strat,
		ReturnDeletedObject:       res.ReturnDeletedObject,
		ShouldDeleteDuringUpdate:  res.Hooks.ShouldDeleteDuringUpdate,
		TableConvertor:            tables,
		Storage: genericregistry.DryRunnableStorage{
			Storage: backend,
			Codec:   scheme.Codecs.LegacyCodec(scheme.GroupVersions...),
		},
	}
	if res.TTL > 0 {
		ttl := uint64(res.TTL / time.Second)
		main.TTLFunc = func(runtime.Object, uint64, bool) (uint64, error) { return ttl, nil }
	}
	if main.ShouldDeleteDuringUpdate == nil {
		main.ShouldDeleteDuringUpdate = genericregistry.ShouldDeleteDuringUpdate
	}
	opts := &generic.StoreOptions{
		RESTOptions: restOptions{prefix: backend.Prefix()},
		AttrFunc:    attrFunc(res.Namespaced),
	}
	if err := main.CompleteWithOptions(opts); err != nil {
		return nil, fmt.Errorf("registry for %s: %w", res.GroupResource(), err)
	}
	e := &Entry{Resource: res, Main: main, Subresources: map[string]rest.Storage{}}
	if res.Status {
		status := *main
		status.UpdateStrategy = statusStrategy{strat}
		status.CreateStrategy = nil
		status.DeleteStrategy = nil
		e.Subresources["status"] = &statusREST{store: &status}
	}
	return e, nil
}

// attrFunc returns the labels and selectable fields of objects.
func attrFunc(namespaced bool) func(obj runtime.Object) (labels.Set, fields.Set, error) {
	return func(obj runtime.Object) (labels.Set, fields.Set, error) {
		m, err := apimeta.Accessor(obj)
		if err != nil {
			return nil, nil, err
		}
		return labels.Set(m.GetLabels()), scheme.Fields(obj, namespaced), nil
	}
}

// restOptions gives the generic registry the key prefix of a storage; the
// storage itself is set on the registry directly.
type restOptions struct{ prefix string }

func (o restOptions) GetRESTOptions(schema.GroupResource, runtime.Object) (generic.RESTOptions, error) {
	return generic.RESTOptions{ResourcePrefix: o.prefix, EnableGarbageCollection: true, DeleteCollectionWorkers: 1}, nil
}
