package controller

import (
	"sync"
	"time"

	utilclock "k8s.io/utils/clock"

	"github.com/kubesim/kubesim/clock"
)

// Request names the object a reconcile is about.
type Request struct {
	Namespace, Name string
}

func (r Request) String() string {
	if r.Namespace == "" {
		return r.Name
	}
	return r.Namespace + "/" + r.Name
}

// Queue is a work queue of Requests, deduplicated like client-go's: a
// request added while it waits is not added twice, and one added while it
// is being processed is processed again afterwards. Every request waiting
// or in process counts as work in flight on the Activity.
type Queue struct {
	clock    utilclock.WithDelayedExecution
	activity *clock.Activity
	backoff  *backoff

	mu         sync.Mutex
	cond       *sync.Cond
	items      []Request
	queued     map[Request]bool
	processing map[Request]bool
	dirty      map[Request]bool
	timers     map[Request]delayed
	shutdown   bool
}

type delayed struct {
	at    time.Time
	timer utilclock.Timer
}

// NewQueue returns an empty queue.
func NewQueue(c utilclock.WithDelayedExecution, activity *clock.Activity) *Queue {
	q := &Queue{
		clock:      c,
		activity:   activity,
		backoff:    newBackoff(5*time.Millisecond, 1000*time.Second),
		queued:     map[Request]bool{},
		processing: map[Request]bool{},
		dirty:      map[Request]bool{},
		timers:     map[Request]delayed{},
	}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// Add queues r unless it is already waiting.
func (q *Queue) Add(r Request) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.addLocked(r)
}

func (q *Queue) addLocked(r Request) {
	if q.shutdown {
		return
	}
	if q.processing[r] {
		q.dirty[r] = true
		return
	}
	if q.queued[r] {
		return
	}
	q.queued[r] = true
	q.items = append(q.items, r)
	q.activity.Begin()
	q.cond.Signal()
}

// AddAfter queues r once d of virtual time has passed. An earlier pending
// AddAfter for r wins over a later one.
func (q *Queue) AddAfter(r Request, d time.Duration) {
	if d <= 0 {
		q.Add(r)
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.shutdown {
		return
	}
	at := q.clock.Now().Add(d)
	if old, ok := q.timers[r]; ok {
		if !old.at.After(at) {
			return
		}
		old.timer.Stop()
	}
	// The callback runs on the goroutine that moves the clock, so the key
	// is queued, and counted, before the environment looks for idleness.
	timer := q.clock.AfterFunc(d, func() {
		q.mu.Lock()
		defer q.mu.Unlock()
		if cur, ok := q.timers[r]; ok && cur.at.Equal(at) {
			delete(q.timers, r)
		}
		q.addLocked(r)
	})
	q.timers[r] = delayed{at: at, timer: timer}
}

// AddRateLimited queues r after its per-request exponential back-off
// (5 ms doubling to 1000 s, client-go's default controller rate limiter).
func (q *Queue) AddRateLimited(r Request) { q.AddAfter(r, q.backoff.next(r)) }

// Forget resets r's back-off.
func (q *Queue) Forget(r Request) { q.backoff.forget(r) }

// Get waits for a request; ok is false once the queue is shut down.
func (q *Queue) Get() (r Request, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 && !q.shutdown {
		q.cond.Wait()
	}
	if len(q.items) == 0 {
		return Request{}, false
	}
	r = q.items[0]
	q.items[0] = Request{}
	q.items = q.items[1:]
	delete(q.queued, r)
	q.processing[r] = true
	return r, true
}

// Done marks r processed; if it was added meanwhile it is queued again.
func (q *Queue) Done(r Request) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.processing, r)
	if q.dirty[r] {
		delete(q.dirty, r)
		q.addLocked(r)
	}
	q.activity.End()
}

// Len returns the number of requests waiting.
func (q *Queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

// ShutDown stops the queue: pending timers are cancelled, waiting requests
// are dropped (and stop counting as work), and Get returns false.
func (q *Queue) ShutDown() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.shutdown {
		return
	}
	q.shutdown = true
	for _, d := range q.timers {
		d.timer.Stop()
	}
	q.timers = nil
	for range q.items {
		q.activity.End()
	}
	q.items = nil
	q.queued = map[Request]bool{}
	q.cond.Broadcast()
}

// backoff is a per-request exponential back-off.
type backoff struct {
	base, max time.Duration
	mu        sync.Mutex
	failures  map[Request]int
}

func newBackoff(base, max time.Duration) *backoff {
	return &backoff{base: base, max: max, failures: map[Request]int{}}
}

func (b *backoff) next(r Request) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := b.failures[r]
	b.failures[r] = n + 1
	d := b.base
	for i := 0; i < n && d < b.max; i++ {
		d *= 2
	}
	if d > b.max {
		d = b.max
	}
	return d
}

func (b *backoff) forget(r Request) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.failures, r)
}
