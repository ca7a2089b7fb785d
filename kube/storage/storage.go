package storage

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	apistorage "k8s.io/apiserver/pkg/storage"
	utilclock "k8s.io/utils/clock"

	"github.com/kubesim/kubesim/store"
)

var _ apistorage.Interface = (*Storage)(nil)

// Storage serves one resource of a store.Store through storage.Interface.
type Storage struct {
	store      *store.Store
	clock      utilclock.PassiveClock
	resource   string // the store's name for the resource, e.g. "deployments.apps"
	prefix     string // the registry's key prefix, e.g. "/deployments.apps"
	namespaced bool
	newFunc    func() runtime.Object
	transform  Transformer
	versioner  versioner
	leases     *Leases
}

// Config describes the resource a Storage serves.
type Config struct {
	Store      *store.Store
	Clock      utilclock.PassiveClock
	Resource   string // e.g. "pods", "deployments.apps"
	Namespaced bool
	NewFunc    func() runtime.Object
	// Transform, when set, converts between the registry's objects and
	// the stored ones; nil stores the registry's objects as they are.
	Transform Transformer
	// Leases ends the objects written with a time to live (events); nil
	// keeps them.
	Leases *Leases
}

// New returns the Storage for one resource.
func New(c Config) (*Storage, error) {
	if c.Store == nil || c.Clock == nil || c.Resource == "" || c.NewFunc == nil {
		return nil, fmt.Errorf("storage for %q: Store, Clock, Resource and NewFunc are required", c.Resource)
	}
	return &Storage{
		store:      c.Store,
		clock:      c.Clock,
		resource:   c.Resource,
		prefix:     "/" + c.Resource,
		namespaced: c.Namespaced,
		newFunc:    c.NewFunc,
		transform:  c.Transform,
		leases:     c.Leases,
	}, nil
}

// Prefix is the key prefix the generic registry must use for this storage.
func (s *Storage) Prefix() string { return s.prefix }

// versioner is upstream's APIObjectVersioner, except that an unparseable
// metadata.resourceVersion on an object is the client's mistake (400), not
// an internal error.
type versioner struct{ apistorage.APIObjectVersioner }

func (v versioner) ObjectResourceVersion(obj runtime.Object) (uint64, error) {
	rv, err := v.APIObjectVersioner.ObjectResourceVersion(obj)
	if err != nil {
		return 0, apierrors.NewBadRequest(fmt.Sprintf("invalid resourceVersion: %v", err))
	}
	return rv, nil
}

// Versioner implements storage.Interface.
func (s *Storage) Versioner() apistorage.Versioner { return s.versioner }

// objectKey splits a key for one object into namespace and name.
func (s *Storage) objectKey(key string) (namespace, name string, err error) {
	rest, ok := strings.CutPrefix(key, s.prefix+"/")
	if !ok {
		return "", "", apistorage.NewInvalidObjError(key, "key is outside the resource's prefix "+s.prefix)
	}
	if !s.namespaced {
		if rest == "" || strings.Contains(rest, "/") {
			return "", "", apistorage.NewInvalidObjError(key, "invalid key for a cluster-scoped object")
		}
		return "", rest, nil
	}
	namespace, name, ok = strings.Cut(rest, "/")
	if !ok || namespace == "" || name == "" || strings.Contains(name, "/") {
		return "", "", apistorage.NewInvalidObjError(key, "invalid key for a namespaced object")
	}
	return namespace, name, nil
}

// listNamespace reads the namespace a list key is limited to ("" for all).
func (s *Storage) listNamespace(key string) (string, error) {
	rest, ok := strings.CutPrefix(strings.TrimSuffix(key, "/"), s.prefix)
	if !ok {
		return "", apistorage.NewInvalidObjError(key, "key is outside the resource's prefix "+s.prefix)
	}
	return strings.TrimPrefix(rest, "/"), nil
}

// Create implements storage.Interface.
func (s *Storage) Create(ctx context.Context, key string, obj, out runtime.Object, ttl uint64) error {
	if _, _, err := s.objectKey(key); err != nil {
		return err
	}
	if version, err := s.versioner.ObjectResourceVersion(obj); err == nil && version != 0 {
		return apistorage.ErrResourceVersionSetOnCreate
	}
	obj, err := s.encode(obj)
	if err != nil {
		return err
	}
	restampManagedFields(obj, nil, s.now())
	created, err := s.store.CreateOwned(s.resource, obj) // obj is encode's copy
	if apierrors.IsAlreadyExists(err) {
		return apistorage.NewKeyExistsError(key, 0)
	}
	if err != nil {
		return err
	}
	s.lease(created, ttl)
	return s.decode(created, out)
}

// lease attaches an object just written with a time to live (seconds)
// to a lease.
func (s *Storage) lease(written runtime.Object, ttl uint64) {
	if s.leases != nil && ttl > 0 {
		s.leases.attach(s.resource, written, ttl)
	}
}

// Get implements storage.Interface.
func (s *Storage) Get(ctx context.Context, key string, opts apistorage.GetOptions, out runtime.Object) error {
	ns, name, err := s.objectKey(key)
	if err != nil {
		return err
	}
	obj, err := s.store.Get(s.resource, ns, name)
	if apierrors.IsNotFound(err) {
		if opts.IgnoreNotFound {
			return copyInto(s.newFunc(), out)
		}
		return apistorage.NewKeyNotFoundError(key, 0)
	}
	if err != nil {
		return err
	}
	return s.decode(obj, out)
}

// Delete implements storage.Interface. Like etcd's, it retries when the
// object changes under it, and checks preconditions and validateDeletion
// against the state it deletes.
func (s *Storage) Delete(ctx context.Context, key string, out runtime.Object, preconditions *apistorage.Preconditions,
	validateDeletion apistorage.ValidateObjectFunc, cachedExistingObject runtime.Object, opts apistorage.DeleteOptions) error {
	ns, name, err := s.objectKey(key)
	if err != nil {
		return err
	}
	for {
		cur, err := s.store.Get(s.resource, ns, name)
		if apierrors.IsNotFound(err) {
			return apistorage.NewKeyNotFoundError(key, 0)
		}
		if err != nil {
			return err
		}
		if err := preconditions.Check(key, cur); err != nil {
			return err
		}
		if err := s.validateDeletion(ctx, validateDeletion, cur); err != nil {
			return err
		}
		rv := mustRV(cur)
		deleted, err := s.store.Delete(s.resource, ns, name, store.Preconditions{ResourceVersion: &rv})
		if apierrors.IsConflict(err) || apierrors.IsNotFound(err) {
			continue // changed or gone under us: look again, as etcd3's conditionalDelete does
		}
		if err != nil {
			return err
		}
		return s.decode(deleted, out)
	}
}

// GuaranteedUpdate implements storage.Interface: it calls tryUpdate on the
// current state until the result is written without a conflict.
func (s *Storage) GuaranteedUpdate(ctx context.Context, key string, destination runtime.Object, ignoreNotFound bool,
	preconditions *apistorage.Preconditions, tryUpdate apistorage.UpdateFunc, cachedExistingObject runtime.Object) error {
	ns, name, err := s.objectKey(key)
	if err != nil {
		return err
	}
	for {
		// cur is the stored object itself: read only, and copied by
		// decoded before tryUpdate sees it.
		cur := s.store.View().Get(s.resource, ns, name)
		exists := cur != nil
		switch {
		case !exists && ignoreNotFound:
			cur = s.newFunc()
		case !exists:
			return apistorage.NewKeyNotFoundError(key, 0)
		}
		if err := preconditions.Check(key, cur); err != nil {
			return err
		}
		var rv uint64
		if exists {
			rv, _ = s.versioner.ObjectResourceVersion(cur)
		}
		input := cur // a new object when there is none
		if exists {
			if input, err = s.decoded(cur); err != nil {
				return err
			}
		}
		ret, ttl, err := tryUpdate(input, apistorage.ResponseMeta{ResourceVersion: rv})
		if err != nil {
			return err
		}
		written, err := s.write(ret, cur, exists)
		if apierrors.IsConflict(err) || (exists && apierrors.IsNotFound(err)) || (!exists && apierrors.IsAlreadyExists(err)) {
			continue // lost a race: retry on the new state, as etcd3's OptimisticPut loop does
		}
		if err != nil {
			return err
		}
		if ttl != nil && (!exists || mustRV(written) != mustRV(cur)) {
			s.lease(written, *ttl) // as etcd, only a write that changed something renews the lease
		}
		return s.decode(written, destination)
	}
}

// write stores the result of an update, conditional on cur being what is
// stored.
func (s *Storage) write(ret, cur runtime.Object, exists bool) (runtime.Object, error) {
	ret, err := s.encode(ret)
	if err != nil {
		return nil, err
	}
	restampDeletion(ret, cur, s.now())
	restampManagedFields(ret, cur, s.now())
	if !exists {
		if err := s.versioner.PrepareObjectForStorage(ret); err != nil {
			return nil, err
		}
		return s.store.CreateOwned(s.resource, ret) // ret is encode's copy
	}
	m, err := apimeta.Accessor(ret)
	if err != nil {
		return nil, err
	}
	m.SetResourceVersion(mustRV(cur))
	m.SetSelfLink("")
	return s.store.UpdateOwned(s.resource, ret)
}

// validateDeletion runs validate on the registry's form of a stored
// object.
func (s *Storage) validateDeletion(ctx context.Context, validate apistorage.ValidateObjectFunc, stored runtime.Object) error {
	obj := stored
	if s.transform != nil {
		var err error
		if obj, err = s.decoded(stored); err != nil {
			return err
		}
	}
	return validate(ctx, obj)
}

// Stats implements storage.Interface.
func (s *Storage) Stats(ctx context.Context) (apistorage.Stats, error) {
	res, err := s.store.List(s.resource, store.ListOptions{})
	if err != nil {
		return apistorage.Stats{}, err
	}
	return apistorage.Stats{ObjectCount: int64(len(res.Items))}, nil
}

// ReadinessCheck implements storage.Interface: the store is always ready.
func (s *Storage) ReadinessCheck() error { return nil }

// RequestWatchProgress implements storage.Interface.
func (s *Storage) RequestWatchProgress(ctx context.Context) error {
	s.store.RequestProgress()
	return nil
}

// GetCurrentResourceVersion implements storage.Interface.
func (s *Storage) GetCurrentResourceVersion(ctx context.Context) (uint64, error) {
	return s.store.ResourceVersion(), nil
}

// EnableResourceSizeEstimation implements storage.Interface; sizes are not
// estimated.
func (s *Storage) EnableResourceSizeEstimation(apistorage.KeysFunc) error { return nil }

// CompactRevision implements storage.Interface: the store's history is a
// bounded log rather than compacted revisions.
func (s *Storage) CompactRevision() int64 { return 0 }

func (s *Storage) now() metav1.Time {
	return metav1.NewTime(s.clock.Now())
}

func mustRV(obj runtime.Object) string {
	m, err := apimeta.Accessor(obj)
	if err != nil {
		return ""
	}
	return m.GetResourceVersion()
}

// copyInto sets *out to *obj, as decoding into out would. obj must be a
// copy that nothing else holds: the two share their contents afterwards.
func copyInto(obj, out runtime.Object) error {
	if u, ok := out.(runtime.Unstructured); ok {
		src, ok := obj.(runtime.Unstructured)
		if !ok {
			return fmt.Errorf("copy %T into %T", obj, out)
		}
		u.SetUnstructuredContent(src.UnstructuredContent())
		return nil
	}
	ov, dv := reflect.ValueOf(obj), reflect.ValueOf(out)
	if ov.Kind() != reflect.Pointer || dv.Kind() != reflect.Pointer || ov.Type() != dv.Type() {
		return fmt.Errorf("copy %T into %T", obj, out)
	}
	dv.Elem().Set(ov.Elem())
	return nil
}
