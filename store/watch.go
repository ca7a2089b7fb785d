package store

import (
	"context"
	"errors"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
)

// ErrClosed is returned by Watcher.Next once the store is closed.
var ErrClosed = errors.New("store closed")

// WatchOptions select what a Watcher sees.
type WatchOptions struct {
	// Namespace limits the watch to one namespace; "" watches all.
	Namespace string
	// Predicate selects objects (label and field selectors); nil selects
	// all. An object that starts or stops matching is reported as Added or
	// Deleted, as the API server does.
	Predicate func(obj runtime.Object) bool
	// ResourceVersion is where the watch starts: it reports the events
	// after it. With SendInitial, it is ignored and the watch starts at the
	// newest resourceVersion.
	ResourceVersion uint64
	// SendInitial makes the watch begin with a synthetic Added event for
	// every object that exists at its start, as a watch without a
	// resourceVersion does.
	SendInitial bool
}

// Watcher reads the events of one resource from the store's log. A Watcher
// is used by one goroutine at a time; it needs no closing.
type Watcher struct {
	store    *Store
	resource string
	opts     WatchOptions
	initial  []Event
	next     uint64 // resourceVersion of the next log entry to examine
}

// Watch starts a watch on resource ("" watches every resource). It fails
// with 410 Gone when opts.ResourceVersion is older than the log.
func (s *Store) Watch(resource string, opts WatchOptions) (*Watcher, error) {
	w := &Watcher{store: s, resource: resource, opts: opts}
	if !opts.SendInitial {
		if err := s.CheckWatchable(opts.ResourceVersion); err != nil {
			return nil, err
		}
		w.next = opts.ResourceVersion + 1
		return w, nil
	}
	list, err := s.List(resource, ListOptions{Namespace: opts.Namespace, Predicate: opts.Predicate, shared: true})
	if err != nil {
		return nil, err
	}
	for _, obj := range list.Items {
		w.initial = append(w.initial, Event{Type: watch.Added, Resource: resource, RV: list.ResourceVersion, Object: obj})
	}
	w.next = list.ResourceVersion + 1
	return w, nil
}

// Next returns the next event, waiting for one if needed. It fails with
// 410 Gone if the watcher fell so far behind that the log dropped events
// it had not read, and with ctx's error when ctx ends.
func (w *Watcher) Next(ctx context.Context) (Event, error) {
	for {
		ev, ok, more, err := w.poll()
		if ok || err != nil {
			return ev, err
		}
		select {
		case <-ctx.Done():
			return Event{}, ctx.Err()
		case <-w.store.done:
			return Event{}, ErrClosed
		case <-more:
		}
	}
}

// TryNext returns the next event if one is ready. When none is, ok is
// false and more is closed once there may be one.
func (w *Watcher) TryNext() (ev Event, ok bool, more <-chan struct{}, err error) {
	return w.poll()
}

// Progress returns the resourceVersion up to which the watcher has seen
// every event of the store: what a bookmark may report.
func (w *Watcher) Progress() uint64 {
	if len(w.initial) > 0 {
		return 0
	}
	return w.next - 1
}

func (w *Watcher) poll() (Event, bool, <-chan struct{}, error) {
	if len(w.initial) > 0 {
		ev := w.initial[0]
		w.initial[0] = Event{}
		w.initial = w.initial[1:]
		return ev, true, nil, nil
	}
	for {
		ev, ok, more, err := w.store.events.at(w.next)
		if !ok || err != nil {
			return Event{}, false, more, err
		}
		w.next++
		if out, ok := w.filter(ev); ok {
			return out, true, nil, nil
		}
	}
}

// filter decides what the watcher reports for ev, if anything.
func (w *Watcher) filter(ev Event) (Event, bool) {
	if (w.resource != "" && ev.Resource != w.resource) || (w.opts.Namespace != "" && ev.Namespace != w.opts.Namespace) {
		return Event{}, false
	}
	if w.opts.Predicate == nil {
		return ev, true
	}
	now := ev.Type != watch.Deleted && w.opts.Predicate(ev.Object)
	before := ev.Prev != nil && w.opts.Predicate(ev.Prev)
	switch {
	case now && before:
		return ev, true
	case now:
		ev.Type = watch.Added
		return ev, true
	case before:
		ev.Type = watch.Deleted
		return ev, true
	}
	return Event{}, false
}
