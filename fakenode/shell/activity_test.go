package shell

import (
	"context"
	"syscall"
	"testing"
	"time"
)

// gate is a command that blocks the test's way: it tells the test it has
// started, then waits for the test to let it go. It blocks on a Go
// channel on purpose, so the process stays busy meanwhile.
func gate(started chan<- struct{}, release <-chan struct{}) CommandFunc {
	return func(context.Context, *Invocation) int {
		started <- struct{}{}
		<-release
		return 0
	}
}

func busy(e *env) int {
	n, _ := e.act.Busy(0)
	return n
}

func TestBusyUntilBlocked(t *testing.T) {
	e := newEnv(t)
	started, release := make(chan struct{}), make(chan struct{})
	e.c.Commands = map[string]CommandFunc{"gate": gate(started, release)}
	p := e.sh("gate; sleep 5; gate; echo done")
	// From Start until it blocks, the process is busy, even in a command
	// that blocks on something else than virtual time.
	<-started
	if n := busy(e); n != 1 {
		t.Fatalf("busy = %d while the script runs, want 1", n)
	}
	release <- struct{}{}
	e.settle() // now blocked in sleep 5
	if n := busy(e); n != 0 {
		t.Fatalf("busy = %d while sleeping", n)
	}
	// The timer's callback counts the process busy before Step returns:
	// the host never sees an idle instant between the tick and the work.
	e.clk.Step(5 * time.Second)
	if n := busy(e); n != 1 {
		t.Fatalf("busy = %d right after the step past the sleep, want 1", n)
	}
	<-started
	if n := busy(e); n != 1 {
		t.Fatalf("busy = %d in the command after the sleep", n)
	}
	release <- struct{}{}
	e.settle()
	if code, exited := p.exited(); !exited || code != 0 || p.out.String() != "done\n" {
		t.Fatalf("exit %d %v output %q", code, exited, p.out.String())
	}
	if n := busy(e); n != 0 {
		t.Fatalf("busy = %d after exit", n)
	}
}

func TestBusyWhenAPipeWakesTheReader(t *testing.T) {
	e := newEnv(t)
	started, release := make(chan struct{}), make(chan struct{})
	e.c.Commands = map[string]CommandFunc{"gate": gate(started, release)}
	// The reader (gate runs after read) sleeps on the empty pipe until the
	// writer writes after its sleep.
	p := e.sh("{ sleep 3; echo hello; sleep 100; } | { read line; gate; echo got $line; }")
	e.settle()
	if n := busy(e); n != 0 {
		t.Fatalf("busy = %d with both sides blocked", n)
	}
	e.clk.Step(3 * time.Second)
	// The writer is woken by the timer; its write wakes the reader. At no
	// point may the count drop to zero before the reader reaches gate.
	<-started
	if n := busy(e); n < 1 {
		t.Fatalf("busy = %d while the reader runs", n)
	}
	release <- struct{}{}
	e.settle()
	if p.out.String() != "got hello\n" {
		t.Fatalf("output %q", p.out.String())
	}
	p.Signal(syscall.SIGKILL)
	<-p.Done()
	if n := busy(e); n != 0 {
		t.Fatalf("busy = %d after kill", n)
	}
}

func TestBusyWhenSignalled(t *testing.T) {
	e := newEnv(t)
	started, release := make(chan struct{}), make(chan struct{})
	e.c.Commands = map[string]CommandFunc{"gate": gate(started, release)}
	p := e.sh("trap 'gate; exit 3' TERM; sleep 100")
	e.settle()
	p.Signal(syscall.SIGTERM)
	if n := busy(e); n != 1 {
		t.Fatalf("busy = %d right after Signal, want 1", n)
	}
	<-started
	release <- struct{}{}
	e.settle()
	if code, _ := p.exited(); code != 3 {
		t.Fatalf("exit %d", code)
	}
}

// Activity calls must balance whatever happens: a wait that is abandoned
// (a signal already pending), a kill while running, many goroutines.
func TestActivityBalancesUnderChurn(t *testing.T) {
	e := newEnv(t)
	scripts := []string{
		"trap 'echo t' TERM; while true; do sleep 1; done",
		"sleep 1 & sleep 2 & wait; echo x | cat | cat > /dev/null; sleep 100",
		"yes | head -n 1000 > /dev/null; tail -f /dev/null",
		"while true; do echo $RANDOM >> /tmp/x; sleep 0.5; done",
	}
	var procs []*testProc
	for _, s := range scripts {
		procs = append(procs, e.sh(s))
	}
	for k := range 20 {
		e.step(250 * time.Millisecond)
		procs[0].Signal(syscall.SIGTERM)
		if k == 10 {
			procs[1].Signal(syscall.SIGKILL)
		}
	}
	for _, p := range procs {
		p.Signal(syscall.SIGKILL)
		<-p.Done()
	}
	if n := busy(e); n != 0 {
		t.Fatalf("busy = %d after everything ended", n)
	}
}
