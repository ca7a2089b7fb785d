package fakenode

import (
	"context"
	"time"

	"github.com/kubesim/kubesim/fakenode/kubeletstatus"
)

// beginTermination stops the pod's containers as the kubelet's killPod
// does: each running container's preStop hook runs, then it gets SIGTERM;
// whatever still runs when grace runs out gets SIGKILL. Regular containers
// stop first, sidecars after them.
func (w *podWorker) beginTermination(ctx context.Context, now time.Time, grace time.Duration) {
	w.terminating = true
	for _, c := range w.all() {
		c.stopTimers() // no more restarts, pulls or probes
		c.pulling = false
	}
	deadline := now.Add(grace)
	w.graceDeadline = deadline
	if w.graceTimer != nil {
		w.graceTimer.Stop()
	}
	w.graceTimer = w.node.fleet.clock.AfterFunc(grace, func() {
		w.node.fleet.goTracked(func(context.Context) {
			w.mu.Lock()
			defer w.mu.Unlock()
			for _, c := range w.all() {
				c.kill(sigKill)
			}
		})
	})
	for _, c := range w.containers {
		w.stopContainer(c, deadline, kubeletstatus.KillingStopping(c.spec.Name))
	}
	if w.regularStopped() {
		w.stopSidecars(deadline)
	}
}

// stopContainer reports the kill with message (the Killing event), runs
// the container's preStop hook, then sends SIGTERM.
func (w *podWorker) stopContainer(c *ctr, deadline time.Time, message string) {
	if !c.running() || c.stopping {
		return
	}
	w.event(c, kubeletstatus.EventKilling(message))
	if c.spec.Lifecycle == nil || c.spec.Lifecycle.PreStop == nil {
		c.kill(sigTerm)
		return
	}
	c.stopping = true // the hook runs first; SIGTERM follows it
	w.runPreStop(c, deadline)
}

// killContainer is the kubelet's killContainer for one container of a
// running pod: the Killing event with message, the preStop hook, SIGTERM,
// and SIGKILL once grace has passed.
func (w *podWorker) killContainer(c *ctr, message string, grace time.Duration) {
	deadline := w.now().Add(grace)
	w.stopContainer(c, deadline, message)
	proc := c.proc
	c.addTimer(w.node.fleet.clock.AfterFunc(grace, func() {
		w.node.fleet.goTracked(func(context.Context) {
			w.mu.Lock()
			defer w.mu.Unlock()
			if c.proc == proc && proc != nil {
				c.kill(sigKill)
			}
		})
	}))
}

func (w *podWorker) regularStopped() bool {
	for _, c := range w.containers {
		if c.running() {
			return false
		}
	}
	return true
}

func (w *podWorker) stopSidecars(deadline time.Time) {
	for i := len(w.init) - 1; i >= 0; i-- {
		if c := w.init[i]; c.sidecar() {
			w.stopContainer(c, deadline, kubeletstatus.KillingStopping(c.spec.Name))
		}
	}
}
