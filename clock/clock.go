package clock

import (
	"container/heap"
	"context"
	"sync"
	"time"

	utilclock "k8s.io/utils/clock"
)

var (
	_ utilclock.PassiveClock         = (*Clock)(nil)
	_ utilclock.Clock                = (*Clock)(nil)
	_ utilclock.WithTicker           = (*Clock)(nil)
	_ utilclock.WithDelayedExecution = (*Clock)(nil)
)

// Clock is a virtual clock. The zero value is not usable; call New.
//
// Clock is safe for concurrent use. Only one goroutine moves time at once:
// concurrent SetTime/Step calls are serialised.
type Clock struct {
	stepMu sync.Mutex // serialises SetTime so deadlines fire in order

	mu      sync.Mutex
	now     time.Time
	waiters waiterHeap
	seq     uint64
	changed chan struct{} // closed and replaced whenever the waiter set changes
}

// New returns a clock that reads start until it is moved.
func New(start time.Time) *Clock {
	return &Clock{now: start, changed: make(chan struct{})}
}

// Now returns the current virtual time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Since returns the virtual time elapsed since t.
func (c *Clock) Since(t time.Time) time.Duration { return c.Now().Sub(t) }

// Until returns the virtual time left until t.
func (c *Clock) Until(t time.Time) time.Duration { return t.Sub(c.Now()) }

// After returns a channel that receives the virtual time once d has passed.
func (c *Clock) After(d time.Duration) <-chan time.Time { return c.NewTimer(d).C() }

// Sleep blocks until d of virtual time has passed. Somebody else must move
// the clock, or Sleep never returns.
func (c *Clock) Sleep(d time.Duration) { <-c.After(d) }

// NewTimer returns a timer that sends the virtual time on its channel once d
// has passed.
func (c *Clock) NewTimer(d time.Duration) utilclock.Timer {
	w := &waiter{clock: c, ch: make(chan time.Time, 1)}
	c.schedule(w, d)
	return (*timer)(w)
}

// AfterFunc calls f once d of virtual time has passed. f runs on the
// goroutine that moves the clock, outside the clock's lock, with Now() equal
// to its deadline; it must not wait for virtual time to pass.
func (c *Clock) AfterFunc(d time.Duration, f func()) utilclock.Timer {
	w := &waiter{clock: c, fn: f}
	c.schedule(w, d)
	return (*timer)(w)
}

// NewTicker returns a ticker that sends the virtual time every d. Like
// time.Ticker, it drops ticks a slow receiver has no room for. It panics if
// d is not positive, as time.NewTicker does.
func (c *Clock) NewTicker(d time.Duration) utilclock.Ticker {
	if d <= 0 {
		panic("clock: non-positive interval for NewTicker")
	}
	w := &waiter{clock: c, ch: make(chan time.Time, 1), period: d}
	c.schedule(w, d)
	return (*ticker)(w)
}

// Tick is NewTicker(d).C(), for callers that never stop the ticker. It
// returns nil if d is not positive, as time.Tick does.
func (c *Clock) Tick(d time.Duration) <-chan time.Time {
	if d <= 0 {
		return nil
	}
	return c.NewTicker(d).C()
}

// Waiters returns how many timers, tickers and AfterFuncs are pending.
func (c *Clock) Waiters() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.waiters)
}

// NextDeadline returns the earliest deadline of a pending waiter, and false
// when nothing is pending.
func (c *Clock) NextDeadline() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.waiters) == 0 {
		return time.Time{}, false
	}
	return c.waiters[0].deadline, true
}

// BlockUntil waits until at least n waiters are pending, or ctx ends.
func (c *Clock) BlockUntil(ctx context.Context, n int) error {
	for {
		c.mu.Lock()
		ok, changed := len(c.waiters) >= n, c.changed
		c.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-changed:
		}
	}
}

// Step moves the clock forward by d; see SetTime.
func (c *Clock) Step(d time.Duration) {
	c.stepMu.Lock()
	defer c.stepMu.Unlock()
	c.setTimeLocked(c.Now().Add(d))
}

// SetTime moves the clock to t, firing every waiter whose deadline is at or
// before t, earliest first (waiters with equal deadlines fire in the order
// they were scheduled). While a waiter fires, Now() returns its deadline, so
// a waiter started by a callback fires in the same call if it falls due
// before t. Setting a time before Now() moves the clock back without firing
// anything.
func (c *Clock) SetTime(t time.Time) {
	c.stepMu.Lock()
	defer c.stepMu.Unlock()
	c.setTimeLocked(t)
}

// FireNext moves the clock to the next deadline and fires every waiter due
// at that instant. It reports false, leaving the clock alone, when nothing
// is pending.
func (c *Clock) FireNext() bool {
	c.stepMu.Lock()
	defer c.stepMu.Unlock()
	next, ok := c.NextDeadline()
	if !ok {
		return false
	}
	c.setTimeLocked(next)
	return true
}

func (c *Clock) setTimeLocked(t time.Time) {
	for {
		w, at := c.popDue(t)
		if w == nil {
			break
		}
		w.fire(at)
	}
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// popDue removes the earliest waiter due at or before t and moves the clock
// to its deadline. Tickers are put back for their next period before they
// fire, so a ticker stopped by its own receiver stays stopped.
func (c *Clock) popDue(t time.Time) (*waiter, time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.waiters) == 0 || c.waiters[0].deadline.After(t) {
		return nil, time.Time{}
	}
	w := heap.Pop(&c.waiters).(*waiter)
	at := w.deadline
	if at.After(c.now) {
		c.now = at
	}
	if w.period > 0 {
		w.deadline = at.Add(w.period)
		c.push(w)
	}
	c.notifyLocked()
	return w, at
}

func (c *Clock) schedule(w *waiter, d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	w.deadline = c.now.Add(d)
	c.push(w)
	c.notifyLocked()
}

func (c *Clock) push(w *waiter) {
	c.seq++
	w.seq = c.seq
	heap.Push(&c.waiters, w)
}

// unschedule removes w and reports whether it was pending.
func (c *Clock) unschedule(w *waiter) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if w.index < 0 {
		return false
	}
	heap.Remove(&c.waiters, w.index)
	c.notifyLocked()
	return true
}

func (c *Clock) notifyLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
}
