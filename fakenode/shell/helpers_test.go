package shell

import (
	"context"
	"runtime"
	"testing"
	"time"

	clocktesting "k8s.io/utils/clock/testing"

	"github.com/kubesim/kubesim/clock"
	"github.com/kubesim/kubesim/fakenode/memfs"
)

var epoch = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

// env is a container on a fake clock whose busy work a test can wait for.
type env struct {
	t   *testing.T
	clk *clocktesting.FakeClock
	act *clock.Activity
	c   *Container
}

func newEnv(t *testing.T) *env {
	t.Helper()
	clk := clocktesting.NewFakeClock(epoch)
	act := &clock.Activity{}
	fs := memfs.New(clk)
	if err := fs.WriteFile("/etc/hostname", []byte("test-pod\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return &env{t: t, clk: clk, act: act, c: &Container{
		FS: fs, Clock: clk, Activity: act,
		Env: []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=test-pod", "HOME=/root"},
	}}
}

func (e *env) start(argv ...string) *testProc {
	e.t.Helper()
	tp := &testProc{out: &syncBuffer{}, err: &syncBuffer{}}
	tp.Process = e.c.Start(context.Background(), Spec{Argv: argv, Stdout: tp.out, Stderr: tp.err})
	e.t.Cleanup(func() {
		tp.Signal(9)
		<-tp.Done()
	})
	return tp
}

type testProc struct {
	*Process
	out, err *syncBuffer
}

// sh starts sh -c script.
// sh runs script as busybox.txt's recordings ran theirs: "sh -c SCRIPT".
func (e *env) sh(script string) *testProc { return e.start("sh", "-c", script) }

// settle waits until no process is busy.
func (e *env) settle() {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.act.Wait(ctx, func() uint64 { return 0 }); err != nil {
		busy, _ := e.act.Busy(0)
		e.t.Fatalf("processes still busy (%d) after 10s", busy)
	}
}

// step settles, moves the clock by d, and settles again.
func (e *env) step(d time.Duration) {
	e.t.Helper()
	e.settle()
	e.clk.Step(d)
	e.settle()
}

// run runs a script that must end without virtual time passing.
func (e *env) run(script string) (stdout, stderr string, code int) {
	e.t.Helper()
	p := e.sh(script)
	e.settle()
	code, exited := p.ExitCode()
	if !exited {
		e.t.Fatalf("%q is blocked; stdout so far %q", script, p.out.String())
	}
	<-p.Done()
	return p.out.String(), p.err.String(), code
}

// exited reports the exit code once the process has exited.
func (p *testProc) exited() (int, bool) { return p.ExitCode() }

// waitForWaiters waits until n timers are pending on the fake clock, for
// tests that start work on another goroutine.
func waitForWaiters(e *env, n int) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		e.settle()
		if e.clk.Waiters() >= n {
			return
		}
		runtime.Gosched()
	}
	e.t.Fatalf("fewer than %d timers pending after 10s", n)
}
