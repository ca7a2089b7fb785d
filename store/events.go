package store

import (
	"context"
	"fmt"
	"sync"
	"time"

	memdb "github.com/hashicorp/go-memdb"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
)

const defaultHistory = 10000

// Event is one change to one object. Object and Prev are the stored values
// themselves: read them, never modify them.
type Event struct {
	Type      watch.EventType // watch.Added, watch.Modified or watch.Deleted
	Resource  string
	Namespace string
	Name      string
	RV        uint64
	Object    runtime.Object // the new state; for Deleted, the last state at RV
	Prev      runtime.Object // the state before; nil for Added
}

// eventsFrom turns a write transaction's changes into events. Every write
// changes exactly one object, so every resourceVersion has one event.
func eventsFrom(changes memdb.Changes, rv uint64) []Event {
	var out []Event
	for _, c := range changes {
		if c.Table != tableObjects {
			continue
		}
		var ev Event
		switch {
		case c.Created():
			r := c.After.(*record)
			ev = Event{Type: watch.Added, Object: r.Object}
			ev.Resource, ev.Namespace, ev.Name = r.Resource, r.Namespace, r.Name
		case c.Deleted():
			r := c.Before.(*record)
			ev = Event{Type: watch.Deleted, Object: tombstone(r.Object, rv), Prev: r.Object}
			ev.Resource, ev.Namespace, ev.Name = r.Resource, r.Namespace, r.Name
		default:
			r := c.After.(*record)
			ev = Event{Type: watch.Modified, Object: r.Object, Prev: c.Before.(*record).Object}
			ev.Resource, ev.Namespace, ev.Name = r.Resource, r.Namespace, r.Name
		}
		ev.RV = rv
		out = append(out, ev)
	}
	return out
}

// compactionInterval is how often kube-apiserver compacts etcd's history
// (--etcd-compaction-interval), each time up to the revision it saw at the
// previous compaction: history lasts five to ten minutes.
const compactionInterval = 5 * time.Minute

// eventLog keeps the newest events in a ring indexed by resourceVersion,
// and forgets those that etcd's compaction would have removed.
type eventLog struct {
	mu        sync.RWMutex
	ring      []Event
	last      uint64        // resourceVersion of the newest event, 0 if none
	compacted uint64        // events up to this resourceVersion are gone
	mark      uint64        // last at the previous compaction, the next one's target
	markedAt  time.Time     // when the previous compaction ran
	notify    chan struct{} // closed and replaced on every append
}

func newEventLog(capacity int) *eventLog {
	if capacity < 1 {
		capacity = 1
	}
	return &eventLog{ring: make([]Event, capacity), notify: make(chan struct{})}
}

// append adds a write's events, at virtual time now, and reports the
// resourceVersion the log was compacted to, or 0.
func (l *eventLog) append(events []Event, now time.Time) (compactedTo uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, ev := range events {
		l.ring[ev.RV%uint64(len(l.ring))] = ev
		l.last = ev.RV
	}
	close(l.notify)
	l.notify = make(chan struct{})
	return l.compactLocked(now)
}

// compactLocked runs the compaction that is due at now, if one is. It
// runs at writes rather than on a timer: without writes there is nothing
// new to compact, and a store needs no goroutine.
func (l *eventLog) compactLocked(now time.Time) uint64 {
	switch {
	case l.markedAt.IsZero():
		l.markedAt = now
		return 0
	case now.Sub(l.markedAt) < compactionInterval:
		return 0
	}
	// etcd keeps the revision it compacts to, and drops those before it.
	target := l.mark - min(l.mark, 1)
	l.mark, l.markedAt = l.last, now
	if target <= l.compacted {
		return 0
	}
	for rv := l.oldestLocked(); rv <= target; rv++ {
		l.ring[rv%uint64(len(l.ring))] = Event{} // let the old versions go
	}
	l.compacted = target
	return target
}

// oldest returns the oldest resourceVersion still in the log.
func (l *eventLog) oldestLocked() uint64 {
	n := uint64(len(l.ring))
	oldest := uint64(1)
	if l.last >= n {
		oldest = l.last - n + 1
	}
	return max(oldest, l.compacted+1)
}

// at returns the event at rv, whether the log has reached rv, and a
// channel closed at the next append.
func (l *eventLog) at(rv uint64) (ev Event, ok bool, more <-chan struct{}, err error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if rv > l.last {
		return Event{}, false, l.notify, nil
	}
	if rv < l.oldestLocked() {
		return Event{}, false, nil, errExpired(rv-1, l.oldestLocked()-1)
	}
	return l.ring[rv%uint64(len(l.ring))], true, nil, nil
}

func (l *eventLog) head() uint64 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.last
}

func errExpired(requested, compacted uint64) error {
	return apierrors.NewResourceExpired(fmt.Sprintf("too old resource version: %d (%d)", requested, compacted))
}

// CheckWatchable reports 410 Gone if a watch from rv could no longer see
// every event after it.
func (s *Store) CheckWatchable(rv uint64) error {
	s.events.mu.RLock()
	defer s.events.mu.RUnlock()
	if rv+1 < s.events.oldestLocked() {
		return errExpired(rv, s.events.oldestLocked()-1)
	}
	return nil
}

// waitForRV blocks until the store has reached rv or ctx ends.
func (s *Store) waitForRV(ctx context.Context, rv uint64) error {
	for {
		_, ok, more, err := s.events.at(rv)
		if ok || err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-more:
		}
	}
}

// progress broadcasts requests for watch progress, as etcd's progress
// notifications do: a watcher that has caught up answers with a bookmark.
// Requests are numbered, so that a watcher busy when one was made still
// sees it afterwards.
type progress struct {
	mu  sync.Mutex
	gen uint64
	ch  chan struct{}
}

func (p *progress) request() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.gen++
	if p.ch != nil {
		close(p.ch)
		p.ch = nil
	}
}

func (p *progress) requested() (uint64, <-chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ch == nil {
		p.ch = make(chan struct{})
	}
	return p.gen, p.ch
}

// RequestProgress asks every watch that serves bookmarks to report how far
// it has read, so that consumers waiting for the store's newest
// resourceVersion learn that nothing they care about happened.
func (s *Store) RequestProgress() { s.progress.request() }

// ProgressRequested returns the number of progress requests made so far
// and a channel that is closed at the next one. A watcher compares the
// number with the last one it answered.
func (s *Store) ProgressRequested() (uint64, <-chan struct{}) { return s.progress.requested() }
