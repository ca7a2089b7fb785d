package storage

import (
	"sync"
	"time"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	utilclock "k8s.io/utils/clock"

	"github.com/kubesim/kubesim/store"
)

// leaseReuse is how long kube-apiserver's etcd storage keeps attaching new
// writes to one lease (--lease-reuse-duration-seconds, 60): an object
// with a time to live goes between ttl and ttl plus this after its last
// write.
const leaseReuse = time.Minute

// Leases deletes objects whose time to live has run out, as etcd does
// with the leases kube-apiserver attaches to writes that have a TTL (the
// events, after --event-ttl): a write of the object attaches it to a
// newer lease, and the deletion reaches watchers as any other. The leases
// run on the virtual clock.
type Leases struct {
	store *store.Store
	clock utilclock.WithDelayedExecution

	mu    sync.Mutex
	ends  map[leased]time.Time   // the end of each object's newest lease
	byEnd map[time.Time][]leased // the objects each lease holds
}

type leased struct {
	resource, namespace, name string
	uid                       types.UID
}

// NewLeases returns the leases of st's objects, ended by c.
func NewLeases(st *store.Store, c utilclock.WithDelayedExecution) *Leases {
	return &Leases{store: st, clock: c, ends: map[leased]time.Time{}, byEnd: map[time.Time][]leased{}}
}

// attach gives obj, just written to resource, a lease of at least ttl
// seconds.
func (l *Leases) attach(resource string, obj runtime.Object, ttl uint64) {
	m, err := apimeta.Accessor(obj)
	if err != nil {
		return
	}
	now := l.clock.Now()
	// Writes within one reuse window share a lease, which lasts until the
	// window's end plus the time to live.
	end := now.Truncate(leaseReuse).Add(leaseReuse).Add(time.Duration(ttl) * time.Second)
	k := leased{resource: resource, namespace: m.GetNamespace(), name: m.GetName(), uid: m.GetUID()}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ends[k] = end
	if _, ok := l.byEnd[end]; !ok {
		l.clock.AfterFunc(end.Sub(now), func() { l.expire(end) })
	}
	l.byEnd[end] = append(l.byEnd[end], k)
}

// expire deletes the objects whose newest lease ends at end.
func (l *Leases) expire(end time.Time) {
	l.mu.Lock()
	var gone []leased
	for _, k := range l.byEnd[end] {
		if l.ends[k].Equal(end) {
			delete(l.ends, k)
			gone = append(gone, k)
		}
	}
	delete(l.byEnd, end)
	l.mu.Unlock()
	for _, k := range gone {
		uid := k.uid
		// An object deleted, or replaced by another of the same name,
		// since its last write is no longer this lease's.
		_, _ = l.store.Delete(k.resource, k.namespace, k.name, store.Preconditions{UID: &uid})
	}
}
