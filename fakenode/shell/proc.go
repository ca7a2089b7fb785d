package shell

import (
	"context"
	"errors"
	"sync"
	"syscall"
)

// Errors that unwind a goroutine's shell code.
var (
	// errKilled: the process was killed (SIGKILL, a signal's default
	// action, the step limit, or its context ended).
	errKilled = errors.New("killed")
	// errInterrupted: a trapped signal arrived; the shell that owns the
	// trap runs it, nested shells unwind to it.
	errInterrupted = errors.New("interrupted")
)

// disposition is what a process does with a signal.
type disposition int

const (
	dispDefault disposition = iota
	dispIgnore
	dispHandle // a trap's command, or a command that asked with Notify
)

// proc is one simulated Unix process inside a Process: the main shell, a
// background job or an element of a pipeline. Each runs on one goroutine.
type proc struct {
	pid     int
	process *Process
	act     Activity
	ctx     context.Context // ends when the proc is killed
	cancel  context.CancelFunc

	mu      sync.Mutex
	blocked *wait // the wait it is blocked in, if any
	pending []syscall.Signal
	disp    map[syscall.Signal]disposition
	notify  map[syscall.Signal]bool // signals a running command takes itself
	killed  bool
	exited  bool
	status  int
	waiters []*wait // woken when it exits
}

func newProc(pr *Process, pid int) *proc {
	ctx, cancel := context.WithCancel(pr.ctx)
	return &proc{pid: pid, process: pr, act: pr.act, ctx: ctx, cancel: cancel, disp: map[syscall.Signal]disposition{}}
}

// block parks the goroutine in w until a source wakes it. The goroutine
// stops counting as busy while parked; the waker counts it again.
func (p *proc) block(w *wait) error {
	p.mu.Lock()
	switch {
	case p.killed:
		p.mu.Unlock()
		w.abandon()
		return errKilled
	case len(p.pending) > 0:
		p.mu.Unlock()
		w.abandon()
		return errInterrupted
	}
	p.blocked = w
	p.mu.Unlock()

	p.act.End()
	<-w.ch // the waker has called act.Begin

	p.mu.Lock()
	p.blocked = nil
	p.mu.Unlock()
	switch w.why() {
	case wakeKill:
		return errKilled
	case wakeSignal:
		return errInterrupted
	}
	return nil
}

// checkKilled reports errKilled once the process has been killed.
func (p *proc) checkKilled() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.killed {
		return errKilled
	}
	return nil
}

// takePending removes and returns the pending signals.
func (p *proc) takePending() []syscall.Signal {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.pending
	p.pending = nil
	return s
}

func (p *proc) hasPending() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.pending) > 0
}

// firstPending returns the first pending signal without taking it.
func (p *proc) firstPending() (syscall.Signal, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.pending) == 0 {
		return 0, false
	}
	return p.pending[0], true
}

// defaultIgnored are the signals whose default action is to do nothing.
var defaultIgnored = map[syscall.Signal]bool{
	syscall.SIGCHLD: true, syscall.SIGURG: true, syscall.SIGWINCH: true, syscall.SIGCONT: true,
}

// signal delivers sig and reports whether the process existed. SIGKILL
// and a default action kill at once, synchronously; a handled signal is
// queued and wakes the goroutine if it is blocked.
func (p *proc) signal(sig syscall.Signal, init bool) bool {
	p.mu.Lock()
	if p.exited || p.killed {
		alive := !p.exited
		p.mu.Unlock()
		return alive
	}
	kill := false
	switch d := p.disp[sig]; {
	case sig == syscall.SIGKILL:
		kill = true
	case p.notify[sig] || d == dispHandle:
		p.pending = append(p.pending, sig)
		if p.blocked != nil {
			p.blocked.wake(wakeSignal)
		}
	case d == dispIgnore, defaultIgnored[sig], sig == syscall.SIGSTOP, sig == syscall.SIGTSTP:
	case init:
		// The kernel does not deliver to a PID namespace's init a signal
		// it has no handler for.
	default:
		kill = true
	}
	p.mu.Unlock()
	if kill {
		p.kill(128 + int(sig))
	}
	return true
}

// kill ends the process with status code: its goroutine unwinds at its
// next step or wake. Killing the main process ends the whole Process.
func (p *proc) kill(code int) {
	p.mu.Lock()
	if p.killed || p.exited {
		p.mu.Unlock()
		return
	}
	p.killed = true
	p.status = code
	p.cancel()
	if p.blocked != nil {
		p.blocked.wake(wakeKill)
	}
	p.mu.Unlock()
	if p == p.process.main {
		p.process.finish(code)
	}
}

// exit records the end of the process's goroutine and wakes those waiting
// for it (counting them busy before this goroutine stops counting).
func (p *proc) exit(status int) {
	p.mu.Lock()
	if p.killed {
		status = p.status
	}
	p.exited = true
	p.status = status
	p.cancel()
	ws := p.waiters
	p.waiters = nil
	p.mu.Unlock()
	for _, w := range ws {
		w.wake(wakeEvent)
	}
}

// waitExit blocks the goroutine of waiter until p exits; it returns p's
// status.
func (waiter *proc) waitExit(p *proc) (int, error) {
	for {
		p.mu.Lock()
		if p.exited {
			st := p.status
			p.mu.Unlock()
			return st, nil
		}
		w := newWait(waiter.act)
		p.waiters = append(p.waiters, w)
		p.mu.Unlock()
		if err := waiter.block(w); err != nil {
			return 0, err
		}
	}
}

// await blocks until register's source calls wake. It is the
// building block of every blocking command: register arranges for the
// wake and returns how to cancel it.
func (p *proc) await(register func(wake func()) (cancel func())) error {
	w := newWait(p.act)
	cancel := register(func() { w.wake(wakeEvent) })
	err := p.block(w)
	if cancel != nil {
		cancel()
	}
	return err
}

// contextKill kills p when ctx ends; the returned stop undoes that.
func contextKill(ctx context.Context, p *proc) (stop func() bool) {
	return context.AfterFunc(ctx, func() { p.kill(137) })
}

// saveDisp and restoreDisp keep a subshell's traps from outliving it: a
// subshell runs on its parent's proc, whose dispositions its trap
// builtin changes.
func (p *proc) saveDisp() map[syscall.Signal]disposition {
	p.mu.Lock()
	defer p.mu.Unlock()
	saved := make(map[syscall.Signal]disposition, len(p.disp))
	for k, v := range p.disp {
		saved[k] = v
	}
	return saved
}

func (p *proc) restoreDisp(saved map[syscall.Signal]disposition) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.disp = saved
}

func (p *proc) setDisp(sig syscall.Signal, d disposition) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if d == dispDefault {
		delete(p.disp, sig)
		return
	}
	p.disp[sig] = d
}
