package shell

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"syscall"
)

// Spec describes a process to start.
type Spec struct {
	// Argv is the command and its arguments, as a container's command and
	// args: ["/bin/sh", "-c", "script"], ["sleep", "3600"], ["cat",
	// "/tmp/healthy"]. Empty means ["sh"].
	Argv []string
	// Env is added to the container's environment ("NAME=value"; a name
	// given again overrides).
	Env []string
	// Dir is the working directory; "" means the container's.
	Dir string
	// Stdin is the standard input; nil reads as empty. Reading it must not
	// block on virtual time.
	Stdin io.Reader
	// Stdout and Stderr receive the output, one Write per line or less as
	// commands produce it; nil discards. Writes are serialised, and stop
	// when the process has exited.
	Stdout, Stderr io.Writer
	// Init makes the process its container's init (PID 1): a signal it
	// has no trap for is ignored, as the kernel does for init, so that
	// `sleep 3600` outlives SIGTERM until the SIGKILL of the grace period.
	// Without Init, SIGTERM without a trap ends the process with 143.
	Init bool
	// OnExit, when set, receives the exit code once, on the goroutine that
	// ends the process (the one that calls Signal, for a kill), before the
	// process stops counting as busy.
	OnExit func(code int)
}

// Process is a running command. Its methods are safe for concurrent use.
type Process struct {
	ctx  context.Context
	c    *Container
	spec Spec
	act  Activity
	main *proc

	stdout, stderr *gatedWriter
	steps          atomic.Int64
	instant        atomic.Int64 // UnixNano of the clock when steps was reset
	overLimit      sync.Once

	mu         sync.Mutex
	exited     bool
	code       int
	goroutines int
	procs      map[int]*proc
	done       chan struct{}
	stopCtx    func() bool
}

// PID returns the process id, 1 for the first process of a container.
func (pr *Process) PID() int { return pr.main.pid }

// Signal delivers a signal to the process. SIGKILL ends it at once with
// 137. Other signals run the shell's trap if it set one (interrupting a
// sleep or any other wait), are ignored if the trap is ” or the process
// is its container's init, and otherwise end it with 128+signal (143 for
// SIGTERM), at once. It reports false if the process had already exited.
func (pr *Process) Signal(sig syscall.Signal) bool {
	return pr.main.signal(sig, pr.spec.Init)
}

// Wait blocks until the process and all its goroutines have ended, and
// returns the exit code. It waits in real time; somebody else must move
// the virtual clock if the process sleeps.
func (pr *Process) Wait() int {
	<-pr.done
	code, _ := pr.ExitCode()
	return code
}

// Done is closed when the process and all its goroutines have ended.
func (pr *Process) Done() <-chan struct{} { return pr.done }

// ExitCode returns the exit code, and whether the process has exited.
// A killed process has exited as soon as Signal returns, even if its
// goroutines are still winding down.
func (pr *Process) ExitCode() (int, bool) {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	return pr.code, pr.exited
}

// finish records the exit code (the first one wins), stops the output,
// tells OnExit and kills whatever still runs.
func (pr *Process) finish(code int) {
	pr.mu.Lock()
	if pr.exited {
		pr.mu.Unlock()
		return
	}
	pr.exited = true
	pr.code = code
	procs := make([]*proc, 0, len(pr.procs))
	for _, p := range pr.procs {
		procs = append(procs, p)
	}
	stopCtx := pr.stopCtx
	pr.mu.Unlock()
	pr.stdout.close()
	pr.stderr.close()
	if stopCtx != nil {
		stopCtx()
	}
	if pr.spec.OnExit != nil {
		pr.spec.OnExit(code)
	}
	for _, p := range procs {
		p.kill(code)
	}
}

// spawn starts fn on a new goroutine as a new proc, counted busy from now.
func (pr *Process) spawn(fn func(p *proc) int) *proc {
	p := pr.newProc()
	pr.act.Begin()
	go pr.run(p, fn)
	return p
}

func (pr *Process) newProc() *proc {
	p := newProc(pr, pr.c.allocPID())
	pr.mu.Lock()
	pr.goroutines++
	pr.procs[p.pid] = p
	exited := pr.exited
	pr.mu.Unlock()
	pr.c.register(p)
	if exited {
		p.kill(137)
	}
	return p
}

// run runs fn as p's goroutine and accounts for its end.
func (pr *Process) run(p *proc, fn func(p *proc) int) {
	status := 1
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(pr.stderr, "sh: internal error: %v\n%s", r, debug.Stack())
			status = 70
		}
		if p == pr.main {
			pr.finish(status)
		}
		p.exit(status)
		pr.c.unregister(p)
		// End before the count drops: once Done is closed, no goroutine
		// of the process counts as busy any more.
		pr.act.End()
		pr.mu.Lock()
		delete(pr.procs, p.pid)
		pr.goroutines--
		last := pr.goroutines == 0
		pr.mu.Unlock()
		if last {
			close(pr.done)
		}
	}()
	status = fn(p)
}

// step counts one step of the process's work: a command, a loop turn, a
// line of output. It reports false when the process has taken more steps
// than the container's StepLimit without virtual time passing.
func (pr *Process) step() bool {
	n := pr.steps.Add(1)
	if n%1024 == 0 {
		now := pr.c.Clock.Now().UnixNano()
		if pr.instant.Swap(now) != now {
			pr.steps.Store(0)
			return true
		}
	}
	limit := pr.c.stepLimit()
	return limit <= 0 || n <= int64(limit)
}

// addSteps counts n more steps of work, for commands that move many bytes
// in one step.
func (pr *Process) addSteps(n int64) {
	if n > 0 {
		pr.steps.Add(n)
	}
}

// timePassed resets the step count after the process slept.
func (pr *Process) timePassed() { pr.steps.Store(0) }

// overBudget kills the process that ran too long without sleeping; the
// first of its goroutines to notice says so.
func (pr *Process) overBudget() {
	pr.overLimit.Do(func() {
		fmt.Fprintln(pr.stderr, "sh: script exceeded the step limit without sleeping")
		pr.main.kill(137)
	})
}

// gatedWriter serialises writes to a caller's writer and drops them once
// the process has exited. Every 64 bytes count a step, so that a process
// cannot flood the caller's log without sleeping.
type gatedWriter struct {
	pr     *Process
	mu     sync.Mutex // serialises writes
	w      io.Writer
	closed atomic.Bool // not under mu: the caller's Write may end the process
}

func (g *gatedWriter) Write(b []byte) (int, error) {
	g.pr.addSteps(int64(len(b) / 64))
	if g.closed.Load() || g.w == nil {
		return len(b), nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.w.Write(b)
}

func (g *gatedWriter) close() { g.closed.Store(true) }
