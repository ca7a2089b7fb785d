package store

import (
	"fmt"
	"reflect"
	"time"

	memdb "github.com/hashicorp/go-memdb"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
)

// Preconditions must hold for a Delete to happen, as in metav1.Preconditions.
type Preconditions struct {
	UID             *types.UID
	ResourceVersion *string
}

// Create stores a copy of obj as a new object of resource. It sets
// creationTimestamp, resourceVersion, a uid unless obj has one (the API
// server's registry assigns uids before it stores, so that strategies can
// use them) and, for resources with a generation, generation 1. It fails
// with 409 AlreadyExists if the name is taken.
func (s *Store) Create(resource string, obj runtime.Object) (runtime.Object, error) {
	return s.CreateOwned(resource, obj.DeepCopyObject())
}

// CreateOwned is Create for a caller that hands obj over, as the API
// server's storage layer does with the copy it has just made: the store
// keeps obj itself, so the caller must not use it afterwards. What it
// returns is a copy, as Create's.
func (s *Store) CreateOwned(resource string, obj runtime.Object) (runtime.Object, error) {
	m, err := meta(obj)
	if err != nil {
		return nil, err
	}
	if m.GetName() == "" {
		return nil, fmt.Errorf("create %s: object has no name", resource)
	}
	gen := s.resource(resource).Generation
	_, err = s.write(func(txn *memdb.Txn, rv uint64) error {
		if old, err := getTxn(txn, resource, m.GetNamespace(), m.GetName()); err != nil {
			return err
		} else if old != nil {
			return errAlreadyExists(resource, m.GetName())
		}
		if m.GetUID() == "" {
			m.SetUID(s.uid())
		}
		m.SetCreationTimestamp(s.now())
		m.SetResourceVersion(FormatRV(rv))
		if gen != nil {
			m.SetGeneration(1)
		}
		return s.putObjectTxn(txn, resource, obj, rv)
	})
	if err != nil {
		return nil, err
	}
	return obj.DeepCopyObject(), nil
}

// Update replaces the stored object with a copy of obj. If obj names a
// resourceVersion, it must be the stored one, or Update fails with 409
// Conflict; an empty resourceVersion updates unconditionally. uid and
// creationTimestamp are kept from the stored object, and generation is
// bumped when the resource's Generation rule says so or the update starts
// the object's deletion (without a rule, the writer's generation is kept:
// a custom resource's strategy counts it). An update that changes nothing
// writes nothing and returns the stored object.
func (s *Store) Update(resource string, obj runtime.Object) (runtime.Object, error) {
	return s.UpdateOwned(resource, obj.DeepCopyObject())
}

// UpdateOwned is Update for a caller that hands obj over (see
// CreateOwned).
func (s *Store) UpdateOwned(resource string, obj runtime.Object) (runtime.Object, error) {
	m, err := meta(obj)
	if err != nil {
		return nil, err
	}
	gen := s.resource(resource).Generation
	var result runtime.Object
	_, err = s.write(func(txn *memdb.Txn, rv uint64) error {
		old, err := getTxn(txn, resource, m.GetNamespace(), m.GetName())
		if err != nil {
			return err
		}
		if old == nil {
			return errNotFound(resource, m.GetName())
		}
		if want := m.GetResourceVersion(); want != "" && want != FormatRV(old.RV) {
			return errConflict(resource, m.GetName())
		}
		oldMeta, _ := meta(old.Object)
		if uid := m.GetUID(); uid != "" && uid != oldMeta.GetUID() {
			return errPrecondition(resource, m.GetName(), "UID", string(uid), string(oldMeta.GetUID()))
		}
		m.SetUID(oldMeta.GetUID())
		m.SetCreationTimestamp(oldMeta.GetCreationTimestamp())
		// Shared parts compare equal at once, so share before the
		// comparisons below.
		shareUnchanged(old.Object, obj)
		if gen != nil {
			// The start of a deletion counts too, as the API server's
			// BeforeDelete and markAsDeleting count it.
			deleting := oldMeta.GetDeletionTimestamp() == nil && m.GetDeletionTimestamp() != nil
			m.SetGeneration(oldMeta.GetGeneration())
			if deleting || gen(old.Object, obj) {
				m.SetGeneration(oldMeta.GetGeneration() + 1)
			}
		}
		m.SetResourceVersion(FormatRV(old.RV))
		if reflect.DeepEqual(old.Object, obj) {
			result = old.Object
			return nil // nothing changed: no write, no event
		}
		m.SetResourceVersion(FormatRV(rv))
		result = obj
		return s.putObjectTxn(txn, resource, obj, rv)
	})
	if err != nil {
		return nil, err
	}
	return result.DeepCopyObject(), nil
}

// Delete removes an object and returns it, with the resourceVersion of its
// deletion. It fails with 404 if there is no such object and with 409 if a
// precondition does not hold.
func (s *Store) Delete(resource, namespace, name string, pre Preconditions) (runtime.Object, error) {
	events, err := s.write(func(txn *memdb.Txn, rv uint64) error {
		old, err := getTxn(txn, resource, namespace, name)
		if err != nil {
			return err
		}
		if old == nil {
			return errNotFound(resource, name)
		}
		oldMeta, _ := meta(old.Object)
		if pre.UID != nil && *pre.UID != oldMeta.GetUID() {
			return errPrecondition(resource, name, "UID", string(*pre.UID), string(oldMeta.GetUID()))
		}
		if pre.ResourceVersion != nil && *pre.ResourceVersion != FormatRV(old.RV) {
			return errPrecondition(resource, name, "ResourceVersion", *pre.ResourceVersion, FormatRV(old.RV))
		}
		if err := txn.Delete(tableObjects, old); err != nil {
			return fmt.Errorf("delete %s: %w", old.Key, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return events[0].Object.DeepCopyObject(), nil
}

// write runs fn in a write transaction stamped with the next
// resourceVersion, and turns the transaction's changes into watch events.
// A transaction that changes nothing takes no resourceVersion.
func (s *Store) write(fn func(txn *memdb.Txn, rv uint64) error) ([]Event, error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	txn := s.db.Txn(true)
	defer txn.Abort()
	txn.TrackChanges()
	rv := currentRV(txn) + 1
	if err := fn(txn, rv); err != nil {
		return nil, err
	}
	changes := txn.Changes()
	if len(changes) == 0 {
		return nil, nil
	}
	if err := txn.Insert(tableIndex, &indexRecord{Table: tableObjects, RV: rv}); err != nil {
		return nil, fmt.Errorf("store: bump resourceVersion: %w", err)
	}
	events := eventsFrom(changes, rv)
	txn.Commit()
	if rv := s.events.append(events, s.clock.Now()); rv > 0 {
		s.dropSnapshots(rv)
	}
	return events, nil
}

func (s *Store) putObjectTxn(txn *memdb.Txn, resource string, obj runtime.Object, rv uint64) error {
	r, err := s.newRecord(resource, obj, rv)
	if err != nil {
		return err
	}
	if err := txn.Insert(tableObjects, r); err != nil {
		return fmt.Errorf("store %s: %w", r.Key, err)
	}
	return nil
}

// now is the virtual time at the second precision that survives a round
// trip through the API's JSON and protobuf encodings.
func (s *Store) now() metav1.Time {
	return metav1.NewTime(s.clock.Now().Truncate(time.Second))
}

// tombstone is the last state of a deleted object, stamped with the
// resourceVersion of its deletion as etcd watches report it.
func tombstone(obj runtime.Object, rv uint64) runtime.Object {
	obj = obj.DeepCopyObject()
	if m, err := meta(obj); err == nil {
		m.SetResourceVersion(FormatRV(rv))
	}
	return obj
}
