package clock

import (
	"context"
	"sync"
)

// Activity counts the work in flight in a simulated cluster, so that the
// environment can tell when everything that the present moment caused has
// happened and virtual time may move on.
//
// Two kinds of work are counted:
//   - busy work, bracketed by Begin and End: a queued key, a running
//     reconcile, an API request being served, a container script running;
//   - watch consumers, which Ack the resourceVersion up to which they have
//     handled the store's events. A consumer is behind, and so busy, until it
//     has acknowledged the store's newest resourceVersion.
//
// A component that is woken by a timer must call Begin synchronously inside
// the timer's callback (Clock.AfterFunc), so that the environment never sees
// an idle cluster between the tick and the work it causes.
//
// The zero value is ready to use. Activity is safe for concurrent use.
type Activity struct {
	mu        sync.Mutex
	busy      int
	consumers map[string]uint64
	changed   chan struct{}
}

// Begin records that one piece of work has started.
func (a *Activity) Begin() { a.add(1) }

// End records that a piece of work started with Begin has finished.
func (a *Activity) End() { a.add(-1) }

func (a *Activity) add(n int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.busy += n
	if a.busy < 0 {
		panic("clock: Activity.End without Begin")
	}
	a.notifyLocked()
}

// Ack records that the consumer named key has handled every event up to
// and including resourceVersion rv. Acks never move a consumer backwards.
func (a *Activity) Ack(key string, rv uint64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.consumers == nil {
		a.consumers = map[string]uint64{}
	}
	if old, ok := a.consumers[key]; ok && old >= rv {
		return
	}
	a.consumers[key] = rv
	a.notifyLocked()
}

// Forget stops waiting for the consumer named key, e.g. when its watch ends
// for good.
func (a *Activity) Forget(key string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.consumers, key)
	a.notifyLocked()
}

// Idle reports whether no work is in flight and every consumer has handled
// the events up to head, the store's newest resourceVersion.
func (a *Activity) Idle(head uint64) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.idleLocked(head)
}

func (a *Activity) idleLocked(head uint64) bool {
	if a.busy > 0 {
		return false
	}
	for _, rv := range a.consumers {
		if rv < head {
			return false
		}
	}
	return true
}

// Wait blocks until Idle(head()) holds or ctx ends. head is called again
// whenever the activity changes, so writes that happen while waiting are
// waited for too.
func (a *Activity) Wait(ctx context.Context, head func() uint64) error {
	for {
		a.mu.Lock()
		idle := a.idleLocked(head())
		changed := a.changedLocked()
		a.mu.Unlock()
		if idle {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-changed:
		}
	}
}

// Changed returns a channel that is closed at the next change of activity.
func (a *Activity) Changed() <-chan struct{} {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.changedLocked()
}

// Busy returns the number of pieces of busy work in flight and the names of
// consumers that are behind head, for reports on what a stuck settle waits
// for.
func (a *Activity) Busy(head uint64) (busy int, behind []string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for key, rv := range a.consumers {
		if rv < head {
			behind = append(behind, key)
		}
	}
	return a.busy, behind
}

func (a *Activity) changedLocked() chan struct{} {
	if a.changed == nil {
		a.changed = make(chan struct{})
	}
	return a.changed
}

func (a *Activity) notifyLocked() {
	if a.changed != nil {
		close(a.changed)
		a.changed = nil
	}
}
