package fakenode

import (
	"context"
	"fmt"
	"sync"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	utilclock "k8s.io/utils/clock"

	"github.com/kubesim/kubesim/fakenode/kubeletstatus"
)

// runtime is the simulated container runtime: it starts container
// processes and runs probes and hooks in them.
type runtime struct {
	fleet *Fleet
}

// start starts a container's main process. A behaviour with an exit code
// wins; then the container's command, run by the shell; then the image's
// default.
func (r *runtime) start(w *podWorker, c *ctr, env []corev1.EnvVar, onExit exitFunc) (process, error) {
	b := r.fleet.behaviorFor(w.podNow(), c.spec)
	if b.ExitCode != nil {
		return newTimedProcess(r.fleet.clock, b.RunFor, *b.ExitCode, onExit), nil
	}
	if len(c.spec.Command) == 0 && len(c.spec.Args) == 0 {
		switch {
		case isShellImage(c.spec.Image) && c.spec.Stdin:
			return &serverProcess{onExit: onExit, now: r.fleet.clock.Now, ignoresTerm: true}, nil
		case isShellImage(c.spec.Image):
			// sh with no input exits at once.
			return newTimedProcess(r.fleet.clock, 0, 0, onExit), nil
		}
		return &serverProcess{onExit: onExit, now: r.fleet.clock.Now}, nil
	}
	return r.startShell(w, c, env, onExit)
}

// probe runs one probe: exec probes in the container's shell, network
// probes against the container's scripted behaviour (healthy and ready
// unless a Behavior says otherwise).
func (r *runtime) probe(ctx context.Context, w *podWorker, c *ctr, kind kubeletstatus.ProbeType, spec *corev1.Probe) (bool, string) {
	switch {
	case spec.Exec != nil:
		code, out, err := r.exec(ctx, w, c, spec.Exec.Command, probeTimeout(spec))
		if err != nil {
			return false, err.Error()
		}
		return code == 0, probeOutput(out, code)
	case spec.HTTPGet != nil:
		if r.healthy(w, c, kind) {
			return true, ""
		}
		status := r.fleet.behaviorFor(w.podNow(), c.specNow()).HTTPStatus
		if status == 0 {
			status = 500
		}
		return false, kubeletstatus.HTTPProbeFailedOutput(status)
	case spec.TCPSocket != nil:
		if r.healthy(w, c, kind) {
			return true, ""
		}
		return false, kubeletstatus.TCPProbeRefusedOutput(w.podIP, spec.TCPSocket.Port.IntValue())
	case spec.GRPC != nil:
		if r.healthy(w, c, kind) {
			return true, ""
		}
		return false, "timeout: failed to connect service " + fmt.Sprintf("%q", fmt.Sprintf("%s:%d", w.podIP, spec.GRPC.Port)) + " within 1s: context deadline exceeded"
	}
	return true, ""
}

func probeTimeout(spec *corev1.Probe) time.Duration {
	if spec.TimeoutSeconds <= 0 {
		return time.Second
	}
	return time.Duration(spec.TimeoutSeconds) * time.Second
}

// healthy is what a network probe of the given kind sees now.
func (r *runtime) healthy(w *podWorker, c *ctr, kind kubeletstatus.ProbeType) bool {
	b := r.fleet.behaviorFor(w.podNow(), c.specNow())
	var ran time.Duration
	w.mu.Lock()
	if c.rec.Latest != nil {
		ran = r.fleet.clock.Since(c.rec.Latest.StartedAt)
	}
	w.mu.Unlock()
	if kind == kubeletstatus.ProbeReadiness {
		if b.Ready != nil && !*b.Ready {
			return false
		}
		return ran >= b.ReadyAfter
	}
	if b.Healthy != nil && !*b.Healthy {
		return false
	}
	return b.UnhealthyAfter == 0 || ran < b.UnhealthyAfter
}

// timedProcess runs for a set time and exits with a set code; SIGTERM and
// SIGKILL end it early (143 and 137, as for a process that does not catch
// SIGTERM... except that as PID 1 an uncaught SIGTERM is ignored, so only
// SIGKILL ends it early).
type timedProcess struct {
	once   sync.Once
	onExit exitFunc
	timer  utilclock.Timer
	now    func() time.Time
}

func newTimedProcess(c utilclock.WithDelayedExecution, d time.Duration, code int32, onExit exitFunc) *timedProcess {
	p := &timedProcess{onExit: onExit, now: c.Now}
	if d <= 0 {
		p.exit(code)
		return p
	}
	p.timer = c.AfterFunc(d, func() { p.exit(code) })
	return p
}

func (p *timedProcess) exit(code int32) {
	p.once.Do(func() { p.onExit(exitStatus{code: code, at: p.now()}) })
}

func (p *timedProcess) signal(sig syscall.Signal) {
	if sig != syscall.SIGKILL {
		return // PID 1 without a handler ignores SIGTERM
	}
	if p.timer != nil {
		p.timer.Stop()
	}
	p.once.Do(func() { p.onExit(exitStatus{code: 137, signal: int32(sig), at: p.now()}) })
}
