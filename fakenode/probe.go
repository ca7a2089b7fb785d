package fakenode

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	utilclock "k8s.io/utils/clock"

	"github.com/kubesim/kubesim/fakenode/kubeletstatus"
)

// prober runs one probe of one container on its period, and keeps the
// consecutive successes and failures the thresholds count (the kubelet's
// prober worker).
type prober struct {
	c         *ctr
	kind      kubeletstatus.ProbeType
	spec      *corev1.Probe
	started   time.Time // container start
	successes int32
	failures  int32
	timer     utilclock.Timer
	stopped   bool
	onResult  func(ok bool, output string)
}

// startProbes starts the container's probes. Liveness and readiness wait
// until the startup probe, if there is one, has succeeded.
func (w *podWorker) startProbes(c *ctr, now time.Time) {
	add := func(kind kubeletstatus.ProbeType, spec *corev1.Probe) {
		if spec == nil {
			return
		}
		p := &prober{c: c, kind: kind, spec: spec, started: now}
		c.probes = append(c.probes, p)
		p.schedule(w, time.Duration(spec.InitialDelaySeconds)*time.Second)
	}
	add(kubeletstatus.ProbeStartup, c.spec.StartupProbe)
	add(kubeletstatus.ProbeLiveness, c.spec.LivenessProbe)
	add(kubeletstatus.ProbeReadiness, c.spec.ReadinessProbe)
}

func (c *ctr) stopProbes() {
	for _, p := range c.probes {
		p.stopped = true
		if p.timer != nil {
			p.timer.Stop()
		}
	}
	c.probes = nil
}

// schedule runs the probe after d. The probe itself runs off the clock's
// goroutine, counted as work in flight.
func (p *prober) schedule(w *podWorker, d time.Duration) {
	p.timer = w.node.fleet.clock.AfterFunc(d, func() {
		w.node.fleet.goTracked(func(ctx context.Context) { p.run(ctx, w) })
	})
}

func (p *prober) run(ctx context.Context, w *podWorker) {
	w.mu.Lock()
	if p.stopped || !p.c.running() {
		w.mu.Unlock()
		return
	}
	// Liveness and readiness wait for the startup probe.
	if p.kind != kubeletstatus.ProbeStartup && p.c.spec.StartupProbe != nil && !p.c.rec.StartupSucceeded {
		p.schedule(w, period(p.spec))
		w.mu.Unlock()
		return
	}
	c := p.c
	w.mu.Unlock()

	ok, output := w.node.fleet.runtime.probe(ctx, w, c, p.kind, p.spec)

	w.mu.Lock()
	defer w.mu.Unlock()
	if p.stopped {
		return
	}
	p.record(w, ok, output)
	if !p.stopped {
		p.schedule(w, period(p.spec))
	}
}

func period(spec *corev1.Probe) time.Duration {
	if spec.PeriodSeconds <= 0 {
		return 10 * time.Second
	}
	return time.Duration(spec.PeriodSeconds) * time.Second
}

// record applies one probe result: thresholds, events, and the action of
// the probe kind (a failed liveness or startup probe restarts the
// container; readiness only flips Ready).
func (p *prober) record(w *podWorker, ok bool, output string) {
	c := p.c
	if ok {
		p.failures = 0
		p.successes++
	} else {
		p.successes = 0
		p.failures++
		w.event(c, kubeletstatus.EventProbeFailed(p.kind, output))
	}
	success := max(p.spec.SuccessThreshold, 1)
	failure := max(p.spec.FailureThreshold, 1)
	changed := false
	switch p.kind {
	case kubeletstatus.ProbeReadiness:
		if ok && p.successes >= success && !c.rec.ReadinessSucceeded {
			c.rec.ReadinessSucceeded, changed = true, true
		}
		if !ok && p.failures >= failure && c.rec.ReadinessSucceeded {
			c.rec.ReadinessSucceeded, changed = false, true
		}
	case kubeletstatus.ProbeStartup:
		if ok && !c.rec.StartupSucceeded {
			c.rec.StartupSucceeded, changed = true, true
			p.stopped = true // a startup probe stops once it succeeded
		}
		if !ok && p.failures >= failure {
			w.restartUnhealthy(c, kubeletstatus.KillingStartup(c.spec.Name), p.spec)
			changed = true
		}
	case kubeletstatus.ProbeLiveness:
		if !ok && p.failures >= failure {
			w.restartUnhealthy(c, kubeletstatus.KillingLiveness(c.spec.Name), p.spec)
			changed = true
		}
	}
	if changed {
		w.kick()
	}
}

// restartUnhealthy kills a container whose liveness or startup probe
// failed; the restart policy then brings it back. The kill uses the
// probe's terminationGracePeriodSeconds, else the pod's.
func (w *podWorker) restartUnhealthy(c *ctr, message string, spec *corev1.Probe) {
	c.stopProbes()
	grace := podGrace(w.podNow())
	if spec.TerminationGracePeriodSeconds != nil {
		grace = time.Duration(*spec.TerminationGracePeriodSeconds) * time.Second
	}
	w.killContainer(c, message, grace)
}

// probeOutput formats what a failing exec probe printed, as the kubelet
// puts it in the Unhealthy event.
func probeOutput(out string, code int) string {
	if out == "" {
		return fmt.Sprintf("command terminated with exit code %d", code)
	}
	return out
}
