package fakenode

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubesim/kubesim/fakenode/kubeletstatus"
	"github.com/kubesim/kubesim/imageref"
)

// ensureRunning takes a container that should run one step towards
// running: wait out its back-off, pull its image, resolve its environment,
// create and start it.
func (w *podWorker) ensureRunning(ctx context.Context, c *ctr, now time.Time) {
	if c.running() || c.pulling {
		return
	}
	if c.rec.Latest != nil && c.rec.Latest.State == kubeletstatus.InstanceExited {
		if at := c.restartBackoff.RestartAt(c.exitedAt()); now.Before(at) {
			c.rec.Waiting = &kubeletstatus.Waiting{
				Reason:  kubeletstatus.ReasonCrashLoopBackOff,
				Message: kubeletstatus.CrashLoopBackOffMessage(c.restartBackoff.Delay(), c.spec.Name, w.pod),
			}
			w.event(c, kubeletstatus.EventBackOff(c.spec.Name, w.pod))
			c.addTimer(w.after(at.Sub(now)))
			return
		}
	}
	if !w.imageReady(c, now) {
		return
	}
	env, err := w.containerEnv(ctx, c)
	if err != nil {
		c.rec.Waiting = &kubeletstatus.Waiting{Reason: kubeletstatus.ReasonCreateContainerConfigError, Message: err.Error()}
		w.event(c, kubeletstatus.EventFailed(err.Error()))
		// The kubelet retries with the pod's next sync.
		c.addTimer(w.after(kubeletstatus.BackoffInitial))
		return
	}
	if c.rec.Latest != nil && c.rec.Latest.State == kubeletstatus.InstanceExited {
		c.restartBackoff.Next(c.exitedAt(), now)
	}
	w.startContainer(ctx, c, env, now)
}

// imageReady makes sure the container's image is on the node, pulling it
// as the pull policy says; it reports whether the image is there now.
func (w *podWorker) imageReady(c *ctr, now time.Time) bool {
	image := c.spec.Image
	if _, err := imageref.Parse(image); err != nil {
		// The image manager applies the default tag before anything else.
		ev := kubeletstatus.EventInvalidImageName(image, fmt.Sprintf("couldn't parse image name %q: %v", image, err))
		c.rec.Waiting = &kubeletstatus.Waiting{Reason: kubeletstatus.ReasonInvalidImageName, Message: ev.Message}
		w.event(c, ev)
		w.event(c, kubeletstatus.EventFailed(kubeletstatus.ReasonInvalidImageName))
		return false
	}
	present := w.node.hasImage(image)
	policy := c.spec.ImagePullPolicy
	switch {
	case policy == corev1.PullNever && !present:
		msg := kubeletstatus.ImageNeverPullMessage(image)
		c.rec.Waiting = &kubeletstatus.Waiting{Reason: kubeletstatus.ReasonErrImageNeverPull, Message: msg}
		w.event(c, kubeletstatus.EventImageNeverPull(image))
		w.event(c, kubeletstatus.EventFailed(kubeletstatus.ReasonErrImageNeverPull))
		return false
	case c.pulled:
		// The pull this start waited for has finished.
		c.pulled = false
		return true
	case present && policy != corev1.PullAlways:
		w.event(c, kubeletstatus.EventImagePresent(image))
		return true
	case c.pullErr != "" && now.Before(c.pullBackoff.PullAt()):
		c.rec.Waiting = &kubeletstatus.Waiting{
			Reason:  kubeletstatus.ReasonImagePullBackOff,
			Message: kubeletstatus.ImagePullBackOffMessage(image, c.pullErr),
		}
		w.event(c, kubeletstatus.EventPullBackOff(image))
		w.event(c, kubeletstatus.EventFailed(kubeletstatus.ReasonImagePullBackOff))
		c.addTimer(w.after(c.pullBackoff.PullAt().Sub(now)))
		return false
	}
	w.pull(c, now)
	return false
}

// pull starts pulling a container's image; the pull ends after the image's
// pull time, with the image on the node or with a pull error.
func (w *podWorker) pull(c *ctr, now time.Time) {
	image := c.spec.Image
	b := w.node.fleet.imageBehavior(w.pod, c.spec)
	c.pulling = true
	w.event(c, kubeletstatus.EventPulling(image))
	start := now
	c.addTimer(w.node.fleet.clock.AfterFunc(b.PullTime, func() {
		w.node.fleet.goTracked(func(ctx context.Context) {
			w.mu.Lock()
			c.pulling = false
			end := w.now()
			if b.Missing {
				c.pullErr = b.pullError(image)
				c.pullBackoff.Next(end, end)
				c.rec.Waiting = &kubeletstatus.Waiting{Reason: kubeletstatus.ReasonErrImagePull, Message: c.pullErr}
				w.event(c, kubeletstatus.EventPullFailed(image, c.pullErr))
				w.event(c, kubeletstatus.EventFailed(kubeletstatus.ReasonErrImagePull))
				// The status shows ErrImagePull until the pod's next sync
				// (PLEG notices the failed attempt within about a second),
				// which then finds the pull in back-off.
				w.mu.Unlock()
				w.writeStatusNow(ctx)
				c.addTimer(w.after(pullResync))
				return
			} else {
				c.pullErr = ""
				c.pulled = true
				w.node.addImage(image)
				w.event(c, kubeletstatus.EventPulled(image, end.Sub(start), end.Sub(start), b.Size))
			}
			w.mu.Unlock()
			w.kick()
		})
	}))
}

// pullResync is when the kubelet looks at a pod again after a failed pull.
const pullResync = time.Second

// writeStatusNow writes the pod's status outside a sync.
func (w *podWorker) writeStatusNow(ctx context.Context) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writeStatus(ctx, w.now())
}

// startContainer creates and starts the container's process, runs its
// postStart hook, and starts its probes.
func (w *podWorker) startContainer(ctx context.Context, c *ctr, env []corev1.EnvVar, now time.Time) {
	if c.rec.Latest != nil {
		prev := *c.rec.Latest
		c.rec.Previous = &prev
		c.rec.RestartCount++
	}
	c.runs++
	if c.log != nil {
		c.prevLog = c.log
	}
	c.log = newContainerLog(w.node.fleet.clock.Now)
	c.rec.Waiting = nil
	c.rec.Image = c.spec.Image
	c.rec.ImageID = imageID(c.spec.Image)
	c.rec.StartupSucceeded = false
	c.rec.ReadinessSucceeded = false
	c.rec.Latest = &kubeletstatus.Instance{ID: c.containerID(), State: kubeletstatus.InstanceRunning, StartedAt: now}
	w.event(c, kubeletstatus.EventCreated())
	proc, err := w.node.fleet.runtime.start(w, c, env, c.onExit)
	if err != nil {
		c.rec.Latest.State = kubeletstatus.InstanceExited
		c.rec.Latest.ExitCode = 128
		c.rec.Latest.Reason = kubeletstatus.ReasonStartError
		c.rec.Latest.Message = err.Error()
		c.rec.Latest.FinishedAt = now
		w.event(c, kubeletstatus.EventFailed(err.Error()))
		return
	}
	c.proc = proc
	w.event(c, kubeletstatus.EventStarted())
	w.runPostStart(c)
	w.startProbes(c, now)
}

// startedOK reports whether a running container counts as started: its
// startup probe (if any) has succeeded.
func (c *ctr) startedOK() bool {
	if !c.running() {
		return false
	}
	return c.spec.StartupProbe == nil || c.rec.StartupSucceeded
}
