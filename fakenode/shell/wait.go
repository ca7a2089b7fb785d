package shell

import "sync"

// Activity is told when shell processes have work in flight, so that the
// host can tell when every process is blocked on virtual time (or on
// input) and the clock may move. *clock.Activity satisfies it.
//
// The shell counts one unit of work per goroutine that runs shell code:
// Begin when it starts, End when it blocks (in sleep, tail -f, a read from
// an empty pipe, wait), Begin again when it is woken, End when it ends.
// The Begin that wakes a goroutine is called by whoever wakes it, on their
// own goroutine and before they return: inside the clock's AfterFunc
// callback for a timer, inside the writer's Write for a pipe or a followed
// file, inside Signal for a signal. So between a clock step and the work
// it causes, the count never drops to zero.
type Activity interface {
	Begin()
	End()
}

type nopActivity struct{}

func (nopActivity) Begin() {}
func (nopActivity) End()   {}

// wakeReason says why a blocked goroutine was woken.
type wakeReason int

const (
	wakeEvent  wakeReason = iota // what it waited for happened (timer, data, exit)
	wakeSignal                   // a signal it must handle arrived
	wakeKill                     // its process was killed
)

// wait is one blocking of one goroutine. Any number of sources may call
// wake; the first one counts, marks the goroutine busy and releases it.
type wait struct {
	act Activity
	ch  chan struct{}

	mu     sync.Mutex
	fired  bool
	reason wakeReason
}

func newWait(act Activity) *wait {
	return &wait{act: act, ch: make(chan struct{})}
}

// wake releases the waiting goroutine, counting it busy first. It never
// blocks, so it may be called from a clock callback or under a lock.
func (w *wait) wake(r wakeReason) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.fired {
		return
	}
	w.fired = true
	w.reason = r
	w.act.Begin()
	close(w.ch)
}

// abandon is for a wait its goroutine will not park in after all: later
// wakes do nothing, and a wake that already counted the goroutine busy is
// undone, since the goroutine never stopped counting.
func (w *wait) abandon() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.fired {
		w.act.End()
		return
	}
	w.fired = true
}

func (w *wait) why() wakeReason {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.reason
}
