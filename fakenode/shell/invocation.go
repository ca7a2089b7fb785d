package shell

import (
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"syscall"
	"time"

	"k8s.io/utils/clock"

	"github.com/kubesim/kubesim/fakenode/memfs"
)

// Invocation is one run of a program: what it was given and what it may
// use. Programs must do their I/O through it and block only through its
// Sleep and Await.
type Invocation struct {
	// Args are the arguments; Args[0] is the name the program was run by.
	Args []string
	// Env is the environment, "NAME=value".
	Env []string
	// Dir is the working directory, an absolute path.
	Dir    string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// FS is the container's filesystem.
	FS *memfs.FS
	// Clock is the virtual clock.
	Clock clock.WithDelayedExecution

	i     *interp
	p     *proc
	fatal error // control flow a shell built-in asks for (exit, return, ...)
}

// SignalError is returned by Sleep and Await when a signal interrupts
// them: one the program asked for with Notify, or one for which the shell
// has a trap (then the program should return soon, so that the trap runs).
type SignalError struct{ Signal syscall.Signal }

func (e *SignalError) Error() string { return "interrupted by " + signalName(e.Signal) }

// ErrKilled is returned by Sleep and Await when the process was killed;
// the program should return at once (its exit code no longer matters).
var ErrKilled = errors.New("process killed")

// Getenv returns the value of an environment variable, "" if unset.
func (inv *Invocation) Getenv(name string) string {
	v, _ := inv.LookupEnv(name)
	return v
}

// LookupEnv returns an environment variable and whether it is set.
func (inv *Invocation) LookupEnv(name string) (string, bool) {
	for k := len(inv.Env) - 1; k >= 0; k-- {
		if n, v, ok := strings.Cut(inv.Env[k], "="); ok && n == name {
			return v, true
		}
	}
	return "", false
}

// Path returns name as an absolute, clean path, relative to Dir.
func (inv *Invocation) Path(name string) string {
	if path.IsAbs(name) {
		return path.Clean(name)
	}
	return path.Join(inv.Dir, name)
}

// Hostname returns the container's hostname.
func (inv *Invocation) Hostname() string { return inv.i.c.hostname() }

// Errorf writes "name: message" and a newline to Stderr, as busybox
// programs report errors.
func (inv *Invocation) Errorf(format string, args ...any) {
	fmt.Fprintf(inv.Stderr, "%s: %s\n", path.Base(inv.Args[0]), fmt.Sprintf(format, args...))
}

// Sleep waits d of virtual time; a negative d waits for ever. It returns
// nil when the time has passed, a *SignalError when a signal interrupts
// it, and ErrKilled when the process is killed.
func (inv *Invocation) Sleep(d time.Duration) error {
	if d == 0 {
		return inv.Check()
	}
	w := newWait(inv.p.act)
	var t clock.Timer
	if d > 0 {
		t = inv.Clock.AfterFunc(d, func() { w.wake(wakeEvent) })
	}
	err := inv.p.block(w)
	if t != nil {
		t.Stop()
	}
	if err == nil {
		inv.i.pr.timePassed()
	}
	return inv.blockErr(err)
}

// Await blocks until the event that register arranges happens: register
// is given a wake function to call (synchronously, from whoever causes the
// event: that counts the process busy before they return) and returns a
// function that cancels the arrangement. Errors are Sleep's.
func (inv *Invocation) Await(register func(wake func()) (cancel func())) error {
	return inv.blockErr(inv.p.await(register))
}

// Notify asks for sig to be delivered to this program, as an error from
// Sleep or Await, instead of taking its default action, for as long as
// the program runs: nginx, for instance, quits cleanly on SIGTERM.
func (inv *Invocation) Notify(sig ...syscall.Signal) {
	inv.p.mu.Lock()
	defer inv.p.mu.Unlock()
	if inv.p.notify == nil {
		inv.p.notify = map[syscall.Signal]bool{}
	}
	for _, s := range sig {
		inv.p.notify[s] = true
	}
}

// Check counts one step of work and reports ErrKilled if the process was
// killed or took too many steps without sleeping. A program that loops
// (yes, seq) calls it on every turn.
func (inv *Invocation) Check() error {
	if err := inv.p.checkKilled(); err != nil {
		return ErrKilled
	}
	if !inv.i.pr.step() {
		inv.i.pr.overBudget()
		return ErrKilled
	}
	return nil
}

// blockErr turns a proc's blocking error into the public ones. A signal
// the program asked for is consumed here; a trapped one stays pending for
// the shell.
func (inv *Invocation) blockErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errInterrupted):
		p := inv.p
		p.mu.Lock()
		defer p.mu.Unlock()
		for k, sig := range p.pending {
			if p.notify[sig] {
				p.pending = append(p.pending[:k], p.pending[k+1:]...)
				return &SignalError{Signal: sig}
			}
		}
		if len(p.pending) > 0 {
			return &SignalError{Signal: p.pending[0]}
		}
		return &SignalError{Signal: syscall.SIGTERM}
	}
	return ErrKilled
}

// interrupt is for bc and other long computations: the error that stops
// them, if the process was killed.
func (inv *Invocation) interrupt() error {
	if err := inv.p.checkKilled(); err != nil {
		return ErrKilled
	}
	return nil
}
