package timeline

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubesim/kubesim/clock"
	"github.com/kubesim/kubesim/store"
)

// recorders numbers recorders, so that each has its own consumer name on
// the Activity.
var recorders atomic.Uint64

// Source is the cluster a Recorder watches.
type Source struct {
	Store *store.Store
	// Clock stamps each change; it is the cluster's virtual clock.
	Clock interface{ Now() time.Time }
	// Activity, if set, makes Settle wait until the recorder has seen
	// every write, so each change is stamped with the time it happened.
	Activity *clock.Activity
}

// Recorder keeps the history of a cluster from the moment Record started
// it. It is safe for concurrent use.
type Recorder struct {
	src      Source
	consumer string // the recorder's name on the Activity
	start    time.Time
	cancel   context.CancelFunc
	done     chan struct{}

	mu      sync.Mutex
	pods    []*PodHistory
	byKey   map[string]*PodHistory // namespace/name/uid
	condSet map[string]map[string]string
	events  []Event
	changes []Change
	gaps    []string
}

// Record starts recording: the pods that exist now are noted as they are,
// then every change after the store's present resourceVersion. Stop ends
// the recording; so does closing the store.
func Record(src Source) (*Recorder, error) {
	if src.Store == nil || src.Clock == nil {
		return nil, errors.New("timeline: Record needs a store and a clock")
	}
	view := src.Store.View()
	rv := view.ResourceVersion()
	w, err := src.Store.Watch("", store.WatchOptions{ResourceVersion: rv})
	if err != nil {
		return nil, fmt.Errorf("timeline: watch store from resourceVersion %d: %w", rv, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &Recorder{src: src, consumer: fmt.Sprintf("testkit/timeline#%d", recorders.Add(1)), start: src.Clock.Now(), cancel: cancel, done: make(chan struct{}), byKey: map[string]*PodHistory{}, condSet: map[string]map[string]string{}}
	view.List("pods", "", func(obj runtime.Object) bool {
		r.record(store.Event{Type: watch.Added, Resource: "pods", RV: rv, Object: obj}, Existing)
		return true
	})
	r.ack(rv)
	go r.run(ctx, w)
	return r, nil
}

// Stop ends the recording and waits for its goroutine to return. What was
// recorded stays readable.
func (r *Recorder) Stop() {
	r.cancel()
	<-r.done
}

func (r *Recorder) run(ctx context.Context, w *store.Watcher) {
	defer close(r.done)
	if r.src.Activity != nil {
		defer r.src.Activity.Forget(r.consumer)
	}
	for {
		ev, err := w.Next(ctx)
		switch {
		case errors.Is(err, store.ErrClosed) || ctx.Err() != nil:
			return
		case apierrors.IsResourceExpired(err) || apierrors.IsGone(err):
			if w = r.rewatch(); w == nil {
				return
			}
			continue
		case err != nil:
			r.note(fmt.Sprintf("recording stopped: %v", err))
			return
		}
		r.record(ev, verbOf(ev.Type))
		r.ack(ev.RV)
	}
}

// rewatch starts again from the store's present after the recorder fell
// out of its history, and notes the gap.
func (r *Recorder) rewatch() *store.Watcher {
	rv := r.src.Store.ResourceVersion()
	r.note(fmt.Sprintf("%s: fell behind the store's history; changes before resourceVersion %d were missed", r.src.Clock.Now().Format(time.RFC3339), rv))
	w, err := r.src.Store.Watch("", store.WatchOptions{ResourceVersion: rv})
	if err != nil {
		r.note(fmt.Sprintf("recording stopped: %v", err))
		return nil
	}
	r.ack(rv)
	return w
}

func (r *Recorder) note(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gaps = append(r.gaps, s)
}

func (r *Recorder) ack(rv uint64) {
	if r.src.Activity != nil {
		r.src.Activity.Ack(r.consumer, rv)
	}
}

func verbOf(t watch.EventType) Verb {
	switch t {
	case watch.Added:
		return Created
	case watch.Deleted:
		return Deleted
	}
	return Updated
}

// Timeline returns a snapshot of what has been recorded so far.
func (r *Recorder) Timeline() *Timeline {
	r.mu.Lock()
	defer r.mu.Unlock()
	tl := &Timeline{Start: r.start, End: r.src.Clock.Now()}
	for _, p := range r.pods {
		h := *p
		h.Samples = append([]PodSample(nil), p.Samples...)
		tl.Pods = append(tl.Pods, h)
	}
	tl.Events = append(tl.Events, r.events...)
	tl.Changes = append(tl.Changes, r.changes...)
	tl.Gaps = append(tl.Gaps, r.gaps...)
	return tl
}
