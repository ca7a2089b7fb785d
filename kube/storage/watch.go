package storage

import (
	"context"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	apistorage "k8s.io/apiserver/pkg/storage"

	"github.com/kubesim/kubesim/store"
)

// Watch implements storage.Interface. A watch without a resourceVersion
// (or "0") starts with the current state as Added events, as etcd3's
// watcher does; sendInitialEvents overrides that, and ends the initial
// events with the "k8s.io/initial-events-end" bookmark. A resourceVersion
// older than the store's history fails the watch with a 410 Expired error
// event.
func (s *Storage) Watch(ctx context.Context, key string, opts apistorage.ListOptions) (watch.Interface, error) {
	ns, name, err := s.watchScope(key, opts.Recursive)
	if err != nil {
		return nil, err
	}
	rv, err := s.versioner.ParseResourceVersion(opts.ResourceVersion)
	if err != nil {
		return nil, apierrors.NewBadRequest("invalid resource version: " + err.Error())
	}
	initial := opts.ResourceVersion == "" || opts.ResourceVersion == "0"
	if opts.SendInitialEvents != nil {
		initial = *opts.SendInitialEvents
		if initial {
			if err := s.waitFor(ctx, rv); err != nil {
				return nil, err
			}
		}
	}
	pred := opts.Predicate
	wopts := store.WatchOptions{Namespace: ns, ResourceVersion: rv, SendInitial: initial}
	if !pred.Empty() || name != "" {
		wopts.Predicate = s.matcher(func(obj runtime.Object) bool {
			if name != "" {
				if m, err := apimeta.Accessor(obj); err != nil || m.GetName() != name {
					return false
				}
			}
			ok, err := pred.Matches(obj)
			return err == nil && ok
		})
	}
	w := &watcher{
		storage:   s,
		result:    make(chan watch.Event, 100),
		done:      make(chan struct{}),
		bookmarks: pred.AllowWatchBookmarks,
		endMarker: initial && opts.SendInitialEvents != nil && pred.AllowWatchBookmarks,
	}
	// Progress requests made from now on are answered; take the count
	// before returning, so that one made right after is not missed.
	answered, _ := s.store.ProgressRequested()
	sw, err := s.store.Watch(s.resource, wopts)
	if err != nil {
		go w.fail(ctx, err)
		return w, nil
	}
	go w.run(ctx, sw, answered)
	return w, nil
}

func (s *Storage) watchScope(key string, recursive bool) (namespace, name string, err error) {
	if recursive {
		ns, err := s.listNamespace(key)
		return ns, "", err
	}
	return s.objectKey(key)
}

// watcher streams one watch's events; it implements watch.Interface.
type watcher struct {
	storage   *Storage
	result    chan watch.Event
	done      chan struct{}
	stopOnce  sync.Once
	bookmarks bool // the client accepts bookmarks
	endMarker bool // send the initial-events-end bookmark
	sentRV    uint64
}

func (w *watcher) ResultChan() <-chan watch.Event { return w.result }

func (w *watcher) Stop() { w.stopOnce.Do(func() { close(w.done) }) }

// fail ends a watch that could not start with one error event.
func (w *watcher) fail(ctx context.Context, err error) {
	defer close(w.result)
	w.sendError(ctx, err)
}

func (w *watcher) run(ctx context.Context, sw *store.Watcher, answered uint64) {
	defer close(w.result)
	for {
		requested, progress := w.storage.store.ProgressRequested()
		ev, ok, more, err := sw.TryNext()
		if err != nil {
			w.sendError(ctx, err)
			return
		}
		if ok {
			obj, err := w.storage.decoded(ev.Object)
			if err != nil {
				w.sendError(ctx, err)
				return
			}
			if !w.send(ctx, watch.Event{Type: ev.Type, Object: obj}) {
				return
			}
			w.sentRV = ev.RV
			continue
		}
		// Caught up with the store.
		if w.endMarker {
			w.endMarker = false
			if !w.sendBookmark(ctx, sw.Progress(), true) {
				return
			}
		}
		if requested != answered {
			answered = requested
			if w.bookmarks && sw.Progress() > w.sentRV && !w.sendBookmark(ctx, sw.Progress(), false) {
				return
			}
		}
		select {
		case <-more:
		case <-progress:
		case <-w.done:
			return
		case <-ctx.Done():
			return
		case <-w.storage.store.Done():
			return
		}
	}
}

// sendError reports an error as the API server does in a watch stream,
// e.g. 410 Expired when the watcher fell out of the store's history.
func (w *watcher) sendError(ctx context.Context, err error) {
	status := apierrors.NewInternalError(err).ErrStatus
	if se, ok := err.(apierrors.APIStatus); ok {
		status = se.Status()
	}
	w.send(ctx, watch.Event{Type: watch.Error, Object: &status})
}

func (w *watcher) sendBookmark(ctx context.Context, rv uint64, initialEnd bool) bool {
	obj := w.storage.newFunc()
	m, err := apimeta.Accessor(obj)
	if err != nil {
		return true
	}
	m.SetResourceVersion(stringRV(rv))
	if initialEnd {
		m.SetAnnotations(map[string]string{metav1.InitialEventsAnnotationKey: "true"})
	}
	if !w.send(ctx, watch.Event{Type: watch.Bookmark, Object: obj}) {
		return false
	}
	w.sentRV = rv
	return true
}

func (w *watcher) send(ctx context.Context, ev watch.Event) bool {
	select {
	case w.result <- ev:
		return true
	case <-w.done:
		return false
	case <-ctx.Done():
		return false
	case <-w.storage.store.Done():
		return false
	}
}

func stringRV(rv uint64) string { return store.FormatRV(rv) }
