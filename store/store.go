package store

import (
	"fmt"
	"sync"

	memdb "github.com/hashicorp/go-memdb"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	utilclock "k8s.io/utils/clock"
)

// Store holds the objects of one environment. Create it with New.
// Store is safe for concurrent use.
type Store struct {
	db    *memdb.MemDB
	clock utilclock.PassiveClock
	uid   func() types.UID

	writeMu sync.Mutex // one writer at a time, so resourceVersions and events stay in order
	events  *eventLog

	progress progress

	closeOnce sync.Once
	done      chan struct{}

	resMu     sync.RWMutex
	resources map[string]*Resource

	snapMu    sync.Mutex
	snapshots []snapshot // recent list snapshots, for continue tokens
}

// Resource describes how the store treats one resource. Register it before
// objects of the resource are written; unregistered resources get the
// zero Resource.
type Resource struct {
	// Generation reports whether an update changes what metadata.generation
	// counts. When nil, the resource has no generation.
	Generation func(old, new runtime.Object) bool

	// Indexes are extra lookups by a value derived from the object, e.g.
	// "spec.nodeName" for pods. An IndexFunc returning "" leaves the object
	// out of that index.
	Indexes map[string]IndexFunc
}

// IndexFunc derives an index value from an object.
type IndexFunc func(obj runtime.Object) string

// Option configures a Store.
type Option func(*Store)

// WithHistory sets how many events the store keeps for watches that resume
// from an older resourceVersion (default 10000), at most: events older than
// the last compaction go too. Older resourceVersions get 410 Gone.
func WithHistory(n int) Option {
	return func(s *Store) { s.events = newEventLog(n) }
}

// WithUIDs replaces the generator of metadata.uid, e.g. to make UIDs
// repeatable in a test.
func WithUIDs(next func() types.UID) Option {
	return func(s *Store) { s.uid = next }
}

// New returns an empty store whose timestamps come from clock.
func New(clock utilclock.PassiveClock, opts ...Option) (*Store, error) {
	db, err := newDB()
	if err != nil {
		return nil, err
	}
	s := &Store{
		db:        db,
		clock:     clock,
		uid:       newUID,
		events:    newEventLog(defaultHistory),
		resources: map[string]*Resource{},
		done:      make(chan struct{}),
	}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// Close ends every watch of the store: Done is closed, and Watcher.Next
// returns ErrClosed. Reads and writes keep working.
func (s *Store) Close() { s.closeOnce.Do(func() { close(s.done) }) }

// Done is closed when the store is closed.
func (s *Store) Done() <-chan struct{} { return s.done }

// Register sets how the store treats resource. Registering again replaces
// the earlier settings; indexes apply to objects written from then on.
func (s *Store) Register(resource string, r Resource) {
	s.resMu.Lock()
	defer s.resMu.Unlock()
	s.resources[resource] = &r
}

func (s *Store) resource(name string) *Resource {
	s.resMu.RLock()
	defer s.resMu.RUnlock()
	if r, ok := s.resources[name]; ok {
		return r
	}
	return &Resource{}
}

// ResourceVersion returns the newest resourceVersion: that of the last
// write, or 0 in an empty store.
func (s *Store) ResourceVersion() uint64 {
	txn := s.db.Txn(false)
	return currentRV(txn)
}

func currentRV(txn *memdb.Txn) uint64 {
	raw, err := txn.First(tableIndex, indexID, tableObjects)
	if err != nil || raw == nil {
		return 0
	}
	return raw.(*indexRecord).RV
}

func (s *Store) newRecord(resource string, obj runtime.Object, rv uint64) (*record, error) {
	m, err := meta(obj)
	if err != nil {
		return nil, err
	}
	r := &record{
		Key:       key(resource, m.GetNamespace(), m.GetName()),
		Resource:  resource,
		Namespace: m.GetNamespace(),
		Name:      m.GetName(),
		UID:       string(m.GetUID()),
		RV:        rv,
		Object:    obj,
	}
	for _, ref := range m.GetOwnerReferences() {
		r.Owners = append(r.Owners, string(ref.UID))
	}
	for name, fn := range s.resource(resource).Indexes {
		if v := fn(obj); v != "" {
			if r.Fields == nil {
				r.Fields = map[string]string{}
			}
			r.Fields[fieldKey(resource, name)] = v
		}
	}
	if r.UID == "" {
		return nil, fmt.Errorf("store %s: object has no uid", r.Key)
	}
	return r, nil
}
