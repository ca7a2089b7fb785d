package clock

import "time"

// waiter is one pending timer, ticker or AfterFunc.
type waiter struct {
	clock    *Clock
	deadline time.Time
	seq      uint64 // tie-breaker: equal deadlines fire in scheduling order
	index    int    // position in the heap, -1 when not pending
	period   time.Duration
	ch       chan time.Time
	fn       func()
}

// fire delivers a tick. It runs without the clock's lock held.
func (w *waiter) fire(at time.Time) {
	if w.fn != nil {
		w.fn()
		return
	}
	select {
	case w.ch <- at:
	default: // like time.Ticker, drop the tick a slow receiver has no room for
	}
}

// drain removes a value that was sent but not received, so that no stale
// time is received after Stop or Reset (the Go 1.23 timer guarantee).
func (w *waiter) drain() bool {
	if w.ch == nil {
		return false
	}
	select {
	case <-w.ch:
		return true
	default:
		return false
	}
}

// timer implements k8s.io/utils/clock.Timer.
type timer waiter

func (t *timer) C() <-chan time.Time { return t.ch }

// Stop prevents the timer from firing. It reports true if the timer was
// pending, or had fired without its value being received yet.
func (t *timer) Stop() bool {
	w := (*waiter)(t)
	stopped := w.clock.unschedule(w)
	return w.drain() || stopped
}

// Reset makes the timer fire d from now, and reports whether it was pending.
func (t *timer) Reset(d time.Duration) bool {
	w := (*waiter)(t)
	active := w.clock.unschedule(w)
	active = w.drain() || active
	w.clock.schedule(w, d)
	return active
}

// ticker implements k8s.io/utils/clock.Ticker.
type ticker waiter

func (t *ticker) C() <-chan time.Time { return t.ch }

// Stop stops the ticker; a stopped ticker is no longer a waiter.
func (t *ticker) Stop() {
	w := (*waiter)(t)
	w.clock.unschedule(w)
	w.drain()
}

// waiterHeap orders waiters by deadline, then by scheduling order.
type waiterHeap []*waiter

func (h waiterHeap) Len() int { return len(h) }
func (h waiterHeap) Less(i, j int) bool {
	if !h[i].deadline.Equal(h[j].deadline) {
		return h[i].deadline.Before(h[j].deadline)
	}
	return h[i].seq < h[j].seq
}
func (h waiterHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *waiterHeap) Push(x any) {
	w := x.(*waiter)
	w.index = len(*h)
	*h = append(*h, w)
}
func (h *waiterHeap) Pop() any {
	old := *h
	n := len(old)
	w := old[n-1]
	old[n-1] = nil
	w.index = -1
	*h = old[:n-1]
	return w
}
