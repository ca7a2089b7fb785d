package fakenode

import (
	"context"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubesim/kubesim/fakenode/kubeletstatus"
)

// runHook runs a lifecycle handler in the container and returns what went
// wrong, if anything.
func (w *podWorker) runHook(ctx context.Context, c *ctr, h *corev1.LifecycleHandler, timeout time.Duration) error {
	switch {
	case h.Exec != nil:
		code, out, err := w.node.fleet.runtime.exec(ctx, w, c, h.Exec.Command, timeout)
		if err != nil {
			return err
		}
		if code != 0 {
			return fmt.Errorf("command '%s' exited with %d: %s", strings.Join(h.Exec.Command, " "), code, out)
		}
	case h.HTTPGet != nil:
		if !w.node.fleet.runtime.healthy(w, c, kubeletstatus.ProbeLiveness) {
			status := w.node.fleet.behaviorFor(w.podNow(), c.specNow()).HTTPStatus
			if status == 0 {
				status = 500
			}
			return fmt.Errorf("HTTP lifecycle hook (%s) for Container %q in Pod %q failed - error: %s",
				h.HTTPGet.Path, c.specNow().Name, kubeletstatus.PodDesc(w.podNow()), kubeletstatus.HTTPProbeFailedOutput(status))
		}
	case h.Sleep != nil:
		w.node.fleet.sleep(ctx, time.Duration(h.Sleep.Seconds)*time.Second)
	}
	return nil
}

// runPostStart runs the container's postStart hook after it started; a
// failing hook kills the container.
func (w *podWorker) runPostStart(c *ctr) {
	if c.spec.Lifecycle == nil || c.spec.Lifecycle.PostStart == nil {
		return
	}
	proc := c.proc
	h := c.spec.Lifecycle.PostStart
	w.node.fleet.goTracked(func(ctx context.Context) {
		err := w.runHook(ctx, c, h, podGrace(w.podNow()))
		if err == nil {
			return
		}
		w.mu.Lock()
		defer w.mu.Unlock()
		if c.proc != proc || proc == nil {
			return
		}
		w.event(c, kubeletstatus.EventPostStartHookFailed())
		// As a failed probe's: with the pod's grace period and the
		// preStop hook, not at once.
		w.killContainer(c, kubeletstatus.EventReasonFailedPostStartHook, podGrace(w.podNow()))
	})
}

// runPreStop runs the container's preStop hook, at most until the grace
// deadline, and then sends SIGTERM.
func (w *podWorker) runPreStop(c *ctr, deadline time.Time) {
	proc := c.proc
	h := c.spec.Lifecycle.PreStop
	timeout := deadline.Sub(w.now())
	w.node.fleet.goTracked(func(ctx context.Context) {
		err := w.runHook(ctx, c, h, timeout)
		w.mu.Lock()
		defer w.mu.Unlock()
		if err != nil {
			w.event(c, kubeletstatus.EventPreStopHookFailed())
		}
		if c.proc == proc && proc != nil {
			proc.signal(sigTerm)
		}
	})
}
