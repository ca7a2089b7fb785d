package fakenode

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubesim/kubesim/fakenode/shell"
)

// shellProcess is a container process run by the shell.
type shellProcess struct{ p *shell.Process }

func (s shellProcess) signal(sig syscall.Signal) { s.p.Signal(sig) }

// startShell runs a container's command in the shell, over the
// container's filesystem, as PID 1: a signal the script does not trap is
// ignored, so a `sleep 3600` container dies only at the end of its grace
// period, as on a real node. A command that names a program the shell
// does not have (the container image's own binary, "/manager") runs as the
// image's application: until stopped, ready at once.
func (r *runtime) startShell(w *podWorker, c *ctr, env []corev1.EnvVar, onExit exitFunc) (process, error) {
	fsys, err := w.containerFS(c)
	if err != nil {
		return nil, err
	}
	vars := map[string]string{}
	var envList []string
	// PATH from the image, HOSTNAME from the runtime, and HOME as runc
	// sets it when nothing else does: the user's home from /etc/passwd,
	// /root for the root user the simulated containers run as.
	envList = append(envList, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME="+w.hostname(), "HOME=/root")
	for _, e := range env {
		vars[e.Name] = e.Value
		envList = append(envList, e.Name+"="+e.Value)
	}
	sh := &shell.Container{
		FS: fsys, Clock: r.fleet.clock, Env: envList, Dir: c.spec.WorkingDir, Hostname: w.hostname(),
		Commands: r.commands(w), Activity: r.fleet.activity,
	}
	argv := make([]string, 0, len(c.spec.Command)+len(c.spec.Args))
	for _, a := range append(append([]string{}, c.spec.Command...), c.spec.Args...) {
		argv = append(argv, expandVars(a, vars))
	}
	if len(argv) == 0 || !sh.LookPath(argv[0]) {
		c.sh = sh
		return &serverProcess{onExit: onExit, now: r.fleet.clock.Now}, nil
	}
	now := r.fleet.clock.Now
	// Read now: the exit callback runs on the shell's goroutine, while
	// pod updates repoint c.spec under the worker's lock.
	msgPath := c.spec.TerminationMessagePath
	p := sh.Start(r.fleet.ctx, shell.Spec{
		Argv: argv, Init: true,
		Stdout: c.log.writer("stdout"), Stderr: c.log.writer("stderr"),
		OnExit: func(code int) {
			st := exitStatus{code: int32(code), at: now()}
			if code > 128 && code < 160 {
				st.signal = int32(code - 128)
			}
			st.message = terminationMessage(msgPath, fsys)
			onExit(st)
		},
	})
	c.sh = sh
	return shellProcess{p}, nil
}

// terminationMessage reads the container's termination message file.
func terminationMessage(path string, fsys interface{ ReadFile(string) ([]byte, error) }) string {
	if path == "" {
		return ""
	}
	b, err := fsys.ReadFile(path)
	if err != nil {
		return ""
	}
	if len(b) > 4096 {
		b = b[:4096]
	}
	return string(b)
}

// exec runs a command in a running container (an exec probe or hook) and
// returns its exit code and combined output. While the command runs, the
// caller stops counting as busy (the shell counts the command itself), and
// counts again from the moment the command exits, so that a probe that
// sleeps lets virtual time pass and no one sees an idle moment in between.
func (r *runtime) exec(ctx context.Context, w *podWorker, c *ctr, argv []string, timeout time.Duration) (int, string, error) {
	w.mu.Lock()
	sh := c.sh
	running := c.running()
	w.mu.Unlock()
	if sh == nil || !running {
		return -1, "", errors.New("container not running")
	}
	if len(argv) == 0 || !sh.LookPath(argv[0]) {
		// The image's own program (a health-check binary): it succeeds.
		return 0, "", nil
	}
	var out bytes.Buffer
	var mu sync.Mutex
	exited := make(chan int, 1)
	p := sh.Start(ctx, shell.Spec{
		Argv: argv, Stdout: lockedWriter{&mu, &out}, Stderr: lockedWriter{&mu, &out},
		OnExit: func(code int) {
			r.fleet.activity.Begin()
			exited <- code
		},
	})
	r.fleet.activity.End()
	timedOut := false
	var tmu sync.Mutex
	t := r.fleet.clock.AfterFunc(timeout, func() {
		tmu.Lock()
		timedOut = true
		tmu.Unlock()
		p.Signal(syscall.SIGKILL)
	})
	code := <-exited
	t.Stop()
	tmu.Lock()
	defer tmu.Unlock()
	if timedOut {
		return code, "", fmt.Errorf("command %q timed out", strings.Join(argv, " "))
	}
	mu.Lock()
	defer mu.Unlock()
	return code, strings.TrimRight(out.String(), "\n"), nil
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
