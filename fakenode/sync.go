package fakenode

import (
	"context"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/fakenode/kubeletstatus"
)

// sync is one pass of the kubelet's SyncPod: it moves the pod's containers
// one step along their lifecycle and writes the resulting status.
func (w *podWorker) sync(ctx context.Context) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.reads = map[string]readResult{}
	defer func() { w.reads = nil }()
	now := w.now()
	for _, c := range w.all() {
		if c.collectExit() {
			w.onContainerExit(c, now)
		}
	}
	if w.deleted {
		w.stopLocked()
		w.node.forget(w.uid)
		return
	}
	pod := w.pod
	if !w.sandbox {
		w.startSandbox(now)
	}
	w.checkDeadline(now)
	if pod.DeletionTimestamp != nil && !w.terminating {
		w.beginTermination(ctx, now, deletionGrace(pod, now))
	}
	if !w.terminating && !w.terminal {
		// Once set up, volumes stay mounted: like the kubelet's volume
		// manager, later syncs do not look for their sources again.
		if (w.volumes != nil || w.volumesReady(ctx, now)) && w.volumesSetUp(ctx, now) && w.runInitContainers(ctx, now) {
			w.runContainers(ctx, now)
		}
		w.checkCompletion(ctx, now)
	}
	if w.terminating && w.regularStopped() {
		w.stopSidecars(w.graceDeadline)
	}
	if w.terminating && w.allStopped() {
		w.terminating = false
		w.terminal = true
		for _, c := range w.all() {
			c.stopTimers()
		}
	}
	w.writeStatus(ctx, now)
	if w.terminal && pod.DeletionTimestamp != nil && !w.deletionIssued {
		w.deletePod(ctx)
	}
}

// volumesSetUp sets the pod's volumes up once, and refreshes their
// content every volumeSync, as the kubelet's sync loop does.
func (w *podWorker) volumesSetUp(ctx context.Context, now time.Time) bool {
	if w.volumes == nil {
		if err := w.setUpVolumes(ctx); err != nil {
			w.event(nil, kubeletstatus.EventFailedMount("", err.Error()))
			return false
		}
		w.volumesSynced = now
		return true
	}
	if now.Sub(w.volumesSynced) >= volumeSync {
		w.refreshVolumes(ctx)
		w.volumesSynced = now
		if w.volumeTimer != nil {
			w.volumeTimer.Stop()
		}
		w.volumeTimer = w.after(volumeSync)
	}
	return true
}

// startSandbox gives the pod its network: an IP from the node's range,
// and the start time the status reports.
func (w *podWorker) startSandbox(now time.Time) {
	w.sandbox = true
	w.startTime = now
	if w.pod.Spec.HostNetwork {
		w.podIP = w.node.InternalIP()
	} else {
		w.podIP = w.node.allocatePodIP()
	}
}

// checkDeadline fails a pod that has been active longer than
// spec.activeDeadlineSeconds, and otherwise arranges to look again then.
func (w *podWorker) checkDeadline(now time.Time) {
	secs := w.pod.Spec.ActiveDeadlineSeconds
	if secs == nil || w.deadlineHit || w.terminal || w.startTime.IsZero() {
		return
	}
	deadline := w.startTime.Add(time.Duration(*secs) * time.Second)
	if now.Before(deadline) {
		if w.deadlineTimer != nil {
			w.deadlineTimer.Stop()
		}
		w.deadlineTimer = w.after(deadline.Sub(now))
		return
	}
	w.deadlineHit = true
	w.event(nil, kubeletstatus.EventDeadlineExceeded())
	w.beginTermination(context.Background(), now, podGrace(w.pod))
}

// onContainerExit reacts to a container that just stopped. Its restart
// back-off is applied when it is restarted (ensureRunning), as the
// kubelet's doBackOff does: the first restart is immediate.
func (w *podWorker) onContainerExit(c *ctr, now time.Time) {
	if c.log != nil {
		c.log.close()
	}
}

// runInitContainers runs the init containers one at a time, in order, and
// reports whether all of them are done (sidecars: started) so that the
// regular containers may start.
func (w *podWorker) runInitContainers(ctx context.Context, now time.Time) bool {
	for _, c := range w.init {
		if c.sidecar() {
			if !c.running() {
				w.ensureRunning(ctx, c, now)
				return false
			}
			if !c.startedOK() {
				return false
			}
			continue
		}
		switch {
		case c.exitedWith(0):
			continue
		case c.running():
			return false
		case c.rec.Latest != nil && c.rec.Latest.State == kubeletstatus.InstanceExited &&
			!kubeletstatus.ContainerShouldRestart(c.spec, &w.pod.Spec, c.rec.Latest.ExitCode):
			// restartPolicy Never: the pod fails.
			w.finishPod()
			return false
		default:
			w.ensureRunning(ctx, c, now)
			return false
		}
	}
	return true
}

// runContainers starts every regular container that should run.
func (w *podWorker) runContainers(ctx context.Context, now time.Time) {
	for _, c := range w.containers {
		if c.running() {
			if c.spec.Image != c.rec.Image && c.rec.Image != "" {
				// The pod's image changed: the kubelet restarts the container.
				w.event(c, kubeletstatus.EventKilling(kubeletstatus.KillingDefinitionChanged(c.spec.Name)))
				c.kill(sigKill)
			}
			continue
		}
		if kubeletstatus.ShouldRestart(w.pod, c.spec, c.rec.Latest) {
			w.ensureRunning(ctx, c, now)
		}
	}
}

// checkCompletion ends a pod whose regular containers have all exited for
// good: sidecars are stopped, and the pod becomes terminal.
func (w *podWorker) checkCompletion(ctx context.Context, now time.Time) {
	if len(w.containers) == 0 {
		return
	}
	for _, c := range w.containers {
		if c.rec.Latest == nil || c.rec.Latest.State != kubeletstatus.InstanceExited {
			return
		}
		if kubeletstatus.ContainerShouldRestart(c.spec, &w.pod.Spec, c.rec.Latest.ExitCode) {
			return
		}
	}
	w.finishPod()
}

// finishPod stops what still runs (sidecars) and lets the pod become
// terminal once everything has stopped.
func (w *podWorker) finishPod() {
	if w.terminating || w.terminal {
		return
	}
	w.terminating = true
	for _, c := range w.init {
		if c.sidecar() && c.running() {
			w.event(c, kubeletstatus.EventKilling(kubeletstatus.KillingStopping(c.spec.Name)))
			c.kill(sigTerm)
		}
	}
}

func (w *podWorker) allStopped() bool {
	for _, c := range w.all() {
		if c.running() {
			return false
		}
	}
	return true
}

// deletionGrace is what is left of the grace period the API server gave
// the deletion.
func deletionGrace(pod *corev1.Pod, now time.Time) time.Duration {
	if pod.DeletionTimestamp == nil {
		return podGrace(pod)
	}
	left := pod.DeletionTimestamp.Sub(now)
	if left < 0 {
		left = 0
	}
	return left
}

func podGrace(pod *corev1.Pod) time.Duration {
	return time.Duration(ptr.Deref(pod.Spec.TerminationGracePeriodSeconds, corev1.DefaultTerminationGracePeriodSeconds)) * time.Second
}

// deletePod ends a graceful deletion: once the kubelet has stopped the
// pod's containers, it deletes the pod with no grace period, on the
// condition that it is still the same pod.
func (w *podWorker) deletePod(ctx context.Context) {
	w.deletionIssued = true
	uid := w.pod.UID
	err := w.node.fleet.client.CoreV1().Pods(w.pod.Namespace).Delete(ctx, w.pod.Name, metav1.DeleteOptions{
		GracePeriodSeconds: ptr.To[int64](0),
		Preconditions:      &metav1.Preconditions{UID: &uid},
	})
	if err != nil {
		w.deletionIssued = false
		w.resyncAfter(time.Second)
	}
}

// resyncAfter makes the worker sync again after d, as the kubelet's pod
// workers resync.
func (w *podWorker) resyncAfter(d time.Duration) {
	if w.resyncTimer != nil {
		w.resyncTimer.Stop()
	}
	w.resyncTimer = w.after(d)
}
