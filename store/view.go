package store

import (
	"strings"

	memdb "github.com/hashicorp/go-memdb"
	"k8s.io/apimachinery/pkg/runtime"
)

// View is a consistent, read-only snapshot of the store for the control
// plane's own controllers. Unlike Get and List it hands out the stored
// objects themselves, without copying, as client-go's informer caches do:
// read them freely, and copy one (DeepCopyObject) before changing it.
type View struct {
	txn *memdb.Txn
	rv  uint64
}

// View returns a snapshot of the store as it is now.
func (s *Store) View() *View {
	txn := s.db.Txn(false)
	return &View{txn: txn, rv: currentRV(txn)}
}

// ResourceVersion is the resourceVersion the snapshot was taken at.
func (v *View) ResourceVersion() uint64 { return v.rv }

// Get returns the named object, or nil.
func (v *View) Get(resource, namespace, name string) runtime.Object {
	r, err := getTxn(v.txn, resource, namespace, name)
	if err != nil || r == nil {
		return nil
	}
	return r.Object
}

// List calls fn with each object of resource in namespace ("" for all), in
// key order, until fn returns false.
func (v *View) List(resource, namespace string, fn func(obj runtime.Object) bool) {
	start := prefix(resource, namespace)
	it, err := v.txn.LowerBound(tableObjects, indexID, start)
	if err != nil {
		return
	}
	for raw := it.Next(); raw != nil; raw = it.Next() {
		r := raw.(*record)
		if !strings.HasPrefix(r.Key, start) || !fn(r.Object) {
			return
		}
	}
}

// ByIndex returns the objects of resource whose registered index has value.
func (v *View) ByIndex(resource, index, value string) []runtime.Object {
	it, err := v.txn.Get(tableObjects, indexFields, fieldKey(resource, index), value)
	if err != nil {
		return nil
	}
	var out []runtime.Object
	for raw := it.Next(); raw != nil; raw = it.Next() {
		out = append(out, raw.(*record).Object)
	}
	return out
}

// ByOwner returns the objects of resource ("" for every resource) with an
// ownerReference to uid.
func (v *View) ByOwner(uid, resource string) []runtime.Object {
	it, err := v.txn.Get(tableObjects, indexOwner, uid)
	if err != nil {
		return nil
	}
	var out []runtime.Object
	for raw := it.Next(); raw != nil; raw = it.Next() {
		if r := raw.(*record); resource == "" || r.Resource == resource {
			out = append(out, r.Object)
		}
	}
	return out
}

// ByUID returns the object with uid and its resource, or nil.
func (v *View) ByUID(uid string) (runtime.Object, string) {
	raw, err := v.txn.First(tableObjects, indexUID, uid)
	if err != nil || raw == nil {
		return nil, ""
	}
	r := raw.(*record)
	return r.Object, r.Resource
}

// All calls fn with every object of every resource, with its resource
// name, until fn returns false.
func (v *View) All(fn func(resource string, obj runtime.Object) bool) {
	it, err := v.txn.Get(tableObjects, indexID)
	if err != nil {
		return
	}
	for raw := it.Next(); raw != nil; raw = it.Next() {
		r := raw.(*record)
		if !fn(r.Resource, r.Object) {
			return
		}
	}
}
