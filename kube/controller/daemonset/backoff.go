package daemonset

import (
	"sync"
	"time"
)

// backoff is a per-key exponential back-off on the virtual clock, like
// client-go's flowcontrol.Backoff as the DaemonSet controller uses it: a
// key's delay starts at initial and doubles on each Next up to max, and
// starts over once 2*max has passed since its last Next.
type backoff struct {
	initial, max time.Duration

	mu      sync.Mutex
	entries map[string]*backoffEntry
}

type backoffEntry struct {
	delay      time.Duration
	lastUpdate time.Time
}

func newBackoff(initial, max time.Duration) *backoff {
	return &backoff{initial: initial, max: max, entries: map[string]*backoffEntry{}}
}

// next moves key's back-off one step on at now.
func (b *backoff) next(key string, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	e, ok := b.entries[key]
	switch {
	case !ok || now.Sub(e.lastUpdate) > 2*b.max:
		b.entries[key] = &backoffEntry{delay: b.initial, lastUpdate: now}
	default:
		e.delay = min(2*e.delay, b.max)
		e.lastUpdate = now
	}
}

// inBackoff reports whether key's delay has not yet passed since its last
// step, and how long the delay is.
func (b *backoff) inBackoff(key string, now time.Time) (bool, time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	e, ok := b.entries[key]
	if !ok || now.Sub(e.lastUpdate) > 2*b.max {
		return false, 0
	}
	return now.Sub(e.lastUpdate) < e.delay, e.delay
}

// gc forgets the keys whose back-off has run out, as upstream's periodic
// GC does; the sync calls it now and then instead of a timer.
func (b *backoff) gc(now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for k, e := range b.entries {
		if now.Sub(e.lastUpdate) > 2*b.max {
			delete(b.entries, k)
		}
	}
}
