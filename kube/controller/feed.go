package controller

import (
	"context"
	"errors"
	"sync"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubesim/kubesim/clock"
	"github.com/kubesim/kubesim/store"
)

// Handler is called with every event of the resources it was registered
// for, on the feed's goroutine: it must only look and enqueue.
type Handler func(ev store.Event)

// Feed delivers the store's events to the controllers' handlers, like a
// set of informers: first an Added event for every object that exists
// when Run starts, then every change, read from the store's log so that
// nothing is missed. After each event it acknowledges the event's
// resourceVersion on the Activity: once the feed has acknowledged the
// store's newest resourceVersion, every handler has seen every event.
type Feed struct {
	store    *store.Store
	activity *clock.Activity
	name     string

	mu       sync.RWMutex
	handlers map[string][]Handler // by resource; "" for every resource
}

// NewFeed returns a feed; register handlers, then Run it. The feed counts
// as a consumer that is behind from now until Run has caught up, so that
// the environment waits for it even before its goroutine runs.
func NewFeed(st *store.Store, activity *clock.Activity, name string) *Feed {
	activity.Ack(name, 0)
	return &Feed{store: st, activity: activity, name: name, handlers: map[string][]Handler{}}
}

// Handle registers h for the events of resource ("pods",
// "deployments.apps"), or of every resource when resource is "".
func (f *Feed) Handle(resource string, h Handler) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.handlers[resource] = append(f.handlers[resource], h)
}

// Run delivers events until ctx ends or the store closes.
func (f *Feed) Run(ctx context.Context) error {
	view := f.store.View()
	rv := view.ResourceVersion()
	defer f.activity.Forget(f.name)
	watcher, err := f.store.Watch("", store.WatchOptions{ResourceVersion: rv})
	if err != nil {
		return err
	}
	f.replay(view)
	f.activity.Ack(f.name, rv)
	for {
		ev, err := watcher.Next(ctx)
		if errors.Is(err, store.ErrClosed) || ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return err
		}
		f.mu.RLock()
		hs := append(f.handlers[ev.Resource], f.handlers[""]...)
		f.mu.RUnlock()
		for _, h := range hs {
			h(ev)
		}
		f.activity.Ack(f.name, ev.RV)
	}
}

// replay delivers an Added event for every existing object to the
// handlers of its resource and to those of every resource, as an
// informer's initial list does.
func (f *Feed) replay(view *store.View) {
	view.All(func(resource string, obj runtime.Object) bool {
		f.mu.RLock()
		hs := append(f.handlers[resource], f.handlers[""]...)
		f.mu.RUnlock()
		if len(hs) == 0 {
			return true
		}
		ev := store.Event{Type: watch.Added, Resource: resource, RV: view.ResourceVersion(), Object: obj}
		if m, err := meta.Accessor(obj); err == nil {
			ev.Namespace, ev.Name = m.GetNamespace(), m.GetName()
		}
		for _, h := range hs {
			h(ev)
		}
		return true
	})
}
