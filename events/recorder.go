package events

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/reference"
	"k8s.io/klog/v2"
	utilclock "k8s.io/utils/clock"

	"github.com/kubesim/kubesim/clock"
)

// dedupWindow is how long identical events keep being folded into one
// (client-go's EventCorrelator remembers events in an LRU; kubesim keeps
// them for the same ten minutes its aggregator uses).
const dedupWindow = 10 * time.Minute

// Recorder records events for one source component, like
// record.EventRecorder.
type Recorder struct {
	client   kubernetes.Interface
	clock    utilclock.PassiveClock
	activity *clock.Activity
	source   corev1.EventSource

	mu      sync.Mutex
	seen    *seenCache
	pending []*write
	wake    chan struct{}
	done    chan struct{}
	stopped chan struct{}
}

type write struct {
	event  *corev1.Event
	update bool
}

// NewRecorder returns a recorder for component (and host, for kubelets).
// activity may be nil. Call Stop to end its writer.
func NewRecorder(client kubernetes.Interface, c utilclock.PassiveClock, activity *clock.Activity, component, host string) *Recorder {
	if activity == nil {
		activity = &clock.Activity{}
	}
	r := &Recorder{
		client: client, clock: c, activity: activity,
		source:  corev1.EventSource{Component: component, Host: host},
		seen:    newSeenCache(),
		wake:    make(chan struct{}, 1),
		done:    make(chan struct{}),
		stopped: make(chan struct{}),
	}
	go r.run()
	return r
}

// Event records an event about obj.
func (r *Recorder) Event(obj runtime.Object, eventtype, reason, message string) {
	ref, err := reference.GetReference(scheme.Scheme, obj)
	if err != nil {
		klog.ErrorS(err, "Could not construct reference for event", "reason", reason)
		return
	}
	r.record(ref, eventtype, reason, message)
}

// Eventf is Event with a format string.
func (r *Recorder) Eventf(obj runtime.Object, eventtype, reason, messageFmt string, args ...any) {
	r.Event(obj, eventtype, reason, fmt.Sprintf(messageFmt, args...))
}

// EventRef records an event about the object ref points to, e.g. a
// container of a pod (ref.FieldPath "spec.containers{nginx}").
func (r *Recorder) EventRef(ref *corev1.ObjectReference, eventtype, reason, message string) {
	r.record(ref, eventtype, reason, message)
}

func (r *Recorder) record(ref *corev1.ObjectReference, eventtype, reason, message string) {
	now := metav1.NewTime(r.clock.Now().Truncate(time.Second))
	key := dedupKey(r.source, ref, eventtype, reason, message)
	r.mu.Lock()
	defer r.mu.Unlock()
	select {
	case <-r.done:
		return
	default:
	}
	if last, ok := r.seen.get(key); ok && now.Sub(last.first.Time) < dedupWindow {
		last.count++
		r.enqueueLocked(&write{event: last.event(r.source, now), update: true})
		return
	}
	ns := ref.Namespace
	if ns == "" {
		ns = metav1.NamespaceDefault
	}
	seen := &seenEvent{key: key, name: fmt.Sprintf("%v.%x", ref.Name, r.nameStampLocked()), namespace: ns,
		first: now, count: 1, ref: *ref, eventtype: eventtype, reason: reason, message: message}
	r.seen.put(seen)
	r.enqueueLocked(&write{event: seen.event(r.source, now)})
}

// lastStamp is the time part of the last event name given out, by any
// recorder of the process.
var lastStamp atomic.Int64

// nameStampLocked is the time part of an event's name. Upstream uses the
// wall clock's nanoseconds, which never repeat in practice; virtual time
// stands still while many events happen, so the stamp moves on by a
// nanosecond when it would repeat what any recorder gave out before.
func (r *Recorder) nameStampLocked() int64 {
	n := r.clock.Now().UnixNano()
	for {
		last := lastStamp.Load()
		next := max(n, last+1)
		if lastStamp.CompareAndSwap(last, next) {
			return next
		}
	}
}

func (r *Recorder) enqueueLocked(w *write) {
	r.activity.Begin()
	r.pending = append(r.pending, w)
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

func dedupKey(src corev1.EventSource, ref *corev1.ObjectReference, eventtype, reason, message string) string {
	return fmt.Sprintf("%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s", src.Component, src.Host, ref.Kind, ref.Namespace, ref.Name,
		ref.UID, ref.APIVersion, ref.FieldPath, eventtype, reason, message)
}

// run writes events in the order they were recorded.
func (r *Recorder) run() {
	defer close(r.stopped)
	for {
		select {
		case <-r.done:
			return
		case <-r.wake:
		}
		for {
			r.mu.Lock()
			if len(r.pending) == 0 {
				r.mu.Unlock()
				break
			}
			w := r.pending[0]
			r.pending[0] = nil // the array outlives the slice; let the event go
			r.pending = r.pending[1:]
			r.mu.Unlock()
			r.write(w)
			r.activity.End()
		}
	}
}

func (r *Recorder) write(w *write) {
	ctx := context.Background()
	events := r.client.CoreV1().Events(w.event.Namespace)
	if w.update {
		patch := fmt.Sprintf(`{"count":%d,"lastTimestamp":%q}`, w.event.Count, w.event.LastTimestamp.UTC().Format(time.RFC3339))
		_, err := events.Patch(ctx, w.event.Name, types.StrategicMergePatchType, []byte(patch), metav1.PatchOptions{})
		if err == nil || !apierrors.IsNotFound(err) {
			logWriteError(err, w.event)
			return
		}
		// The event is gone (e.g. its namespace was emptied): write it anew.
	}
	_, err := events.Create(ctx, w.event, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		err = nil
	}
	logWriteError(err, w.event)
}

func logWriteError(err error, ev *corev1.Event) {
	if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsForbidden(err) {
		klog.V(2).InfoS("Could not write event", "event", ev.Name, "reason", ev.Reason, "err", err)
	}
}

// Stop drops the events not yet written and ends the writer.
func (r *Recorder) Stop() {
	r.mu.Lock()
	select {
	case <-r.done:
		r.mu.Unlock()
		return
	default:
	}
	close(r.done)
	r.mu.Unlock()
	<-r.stopped
	r.mu.Lock()
	defer r.mu.Unlock()
	for range r.pending {
		r.activity.End()
	}
	r.pending = nil
}
