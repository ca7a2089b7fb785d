package shell

import (
	"context"
	"io"
	"path"
	"strings"
	"sync"
	"time"

	"k8s.io/utils/clock"

	"github.com/kubesim/kubesim/fakenode/memfs"
)

// DefaultStepLimit is how many steps (commands, loop turns, lines a
// command like yes writes) a process may take without virtual time
// passing before it is killed: `while true; do :; done` would otherwise
// keep the host busy for ever, since virtual time cannot move while a
// process runs. A million steps take well under a second.
const DefaultStepLimit = 1_000_000

// CommandFunc is a program: it runs with inv and returns its exit code.
// ctx ends when the process is killed. A command that blocks must block
// through inv.Sleep or inv.Await, never on a channel of its own: the
// process counts as busy until it does, and virtual time cannot move.
type CommandFunc func(ctx context.Context, inv *Invocation) int

// Container is what the processes of one container share: the
// filesystem, the clock, the environment and the programs. Set the fields
// before the first Start and leave them alone after.
type Container struct {
	// FS is the container's filesystem. Required.
	FS *memfs.FS
	// Clock is the virtual clock: sleep, date and file times read it.
	// Required.
	Clock clock.WithDelayedExecution
	// Env is the environment every process starts with, "NAME=value", in
	// the order env prints it.
	Env []string
	// Dir is the working directory; "" means "/".
	Dir string
	// Hostname is what hostname and uname -n print; "" reads
	// /etc/hostname, and falls back to "localhost".
	Hostname string
	// UID, GID and Groups are who id says the processes run as.
	UID, GID int
	Groups   []int
	// Commands are programs besides the built-in ones (nslookup, nginx,
	// ...), by name; they are found by name or by any path ending in it,
	// and take precedence over built-in programs of the same name.
	Commands map[string]CommandFunc
	// Activity, when set, is told when processes are busy; see Activity.
	Activity Activity
	// StepLimit overrides DefaultStepLimit; negative means no limit.
	StepLimit int

	mu      sync.Mutex
	nextPID int
	procs   map[int]*proc
}

func (c *Container) stepLimit() int {
	if c.StepLimit == 0 {
		return DefaultStepLimit
	}
	return c.StepLimit
}

func (c *Container) activity() Activity {
	if c.Activity == nil {
		return nopActivity{}
	}
	return c.Activity
}

func (c *Container) allocPID() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.nextPID++
	return c.nextPID
}

func (c *Container) register(p *proc) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.procs == nil {
		c.procs = map[int]*proc{}
	}
	c.procs[p.pid] = p
}

func (c *Container) unregister(p *proc) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.procs, p.pid)
}

func (c *Container) lookupPID(pid int) *proc {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.procs[pid]
}

// Start runs spec's command on a new goroutine and returns at once. The
// process counts as busy on the Activity from now until it blocks.
func (c *Container) Start(ctx context.Context, spec Spec) *Process {
	pr := &Process{
		ctx: ctx, c: c, spec: spec, act: c.activity(),
		procs: map[int]*proc{}, done: make(chan struct{}),
	}
	pr.stdout = &gatedWriter{pr: pr, w: spec.Stdout}
	pr.stderr = &gatedWriter{pr: pr, w: spec.Stderr}
	pr.main = pr.newProc()
	stop := contextKill(ctx, pr.main)
	pr.mu.Lock()
	pr.stopCtx = stop
	pr.mu.Unlock()
	pr.act.Begin()
	go pr.run(pr.main, func(p *proc) int { return pr.start(ctx, p) })
	return pr
}

// start is the body of a process's main goroutine.
func (pr *Process) start(ctx context.Context, p *proc) int {
	c := pr.c
	if c.FS == nil || c.Clock == nil {
		io.WriteString(pr.stderr, "sh: container has no filesystem or no clock\n")
		return 126
	}
	argv := pr.spec.Argv
	if len(argv) == 0 {
		argv = []string{"sh"}
	}
	i := newInterp(ctx, pr, p, pr.spec)
	return i.runProgram(argv)
}

// Result is what Run returns.
type Result struct {
	// Output is stdout and stderr, interleaved as written (an exec probe's
	// combined output).
	Output []byte
	// ExitCode is the command's exit code; 137 when it timed out.
	ExitCode int
	// TimedOut is set when the command outlived its timeout and was killed.
	TimedOut bool
}

// Run runs argv to the end, as an exec probe or a lifecycle hook does:
// in the container's filesystem and environment, as a process of its own.
// A timeout above zero kills it after that much virtual time. Run blocks
// in real time until the command ends, so the caller must not count as
// busy while it waits if the command may sleep; use Start with OnExit
// for that.
func (c *Container) Run(ctx context.Context, argv []string, timeout time.Duration) Result {
	var (
		out      syncBuffer
		mu       sync.Mutex
		pr       *Process
		timedOut bool
	)
	if timeout > 0 && c.Clock != nil {
		// The timeout runs from the start: arm it before the process
		// exists, so that no clock step can slip in between.
		mu.Lock()
		t := c.Clock.AfterFunc(timeout, func() {
			mu.Lock()
			p := pr
			if _, exited := p.ExitCode(); !exited {
				timedOut = true
			}
			mu.Unlock()
			p.main.kill(137)
		})
		defer t.Stop()
		pr = c.Start(ctx, Spec{Argv: argv, Stdout: &out, Stderr: &out})
		mu.Unlock()
	} else {
		pr = c.Start(ctx, Spec{Argv: argv, Stdout: &out, Stderr: &out})
	}
	code := pr.Wait()
	mu.Lock()
	defer mu.Unlock()
	return Result{Output: out.Bytes(), ExitCode: code, TimedOut: timedOut}
}

// LookPath reports whether name is a program the container can run: a
// built-in or registered command (by name, or a path ending in one), or an
// executable file in the filesystem. The kubelet uses it to fail a
// container whose command does not exist, as the runtime does.
func (c *Container) LookPath(name string) bool {
	if strings.Contains(name, "/") {
		p := name
		if !path.IsAbs(p) {
			p = path.Join(c.workDir(""), p)
		}
		if fi, err := c.FS.Stat(p); err == nil && fi.Mode().IsRegular() {
			return true
		}
		name = path.Base(name)
	}
	if _, ok := c.Commands[name]; ok {
		return true
	}
	b, ok := builtins[name]
	return ok && b.applet
}

func (c *Container) workDir(dir string) string {
	switch {
	case dir != "":
		return dir
	case c.Dir != "":
		return c.Dir
	}
	return "/"
}

// hostname is what hostname prints.
func (c *Container) hostname() string {
	if c.Hostname != "" {
		return c.Hostname
	}
	if b, err := c.FS.ReadFile("/etc/hostname"); err == nil {
		if h := strings.TrimSpace(string(b)); h != "" {
			return h
		}
	}
	return "localhost"
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	return len(p), nil
}

func (b *syncBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]byte(nil), b.buf...)
}

func (b *syncBuffer) String() string { return string(b.Bytes()) }
