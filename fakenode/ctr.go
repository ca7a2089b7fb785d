package fakenode

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	utilclock "k8s.io/utils/clock"

	"github.com/kubesim/kubesim/fakenode/kubeletstatus"
	"github.com/kubesim/kubesim/fakenode/shell"
)

const (
	sigTerm = syscall.SIGTERM
	sigKill = syscall.SIGKILL
)

// ctr is the kubelet's record of one container of a pod.
type ctr struct {
	w      *podWorker
	spec   *corev1.Container
	snap   atomic.Pointer[corev1.Container] // spec, for goroutines that do not hold the worker's lock
	isInit bool

	rec            kubeletstatus.ContainerRuntimeState
	proc           process
	restartBackoff kubeletstatus.Backoff
	pullBackoff    kubeletstatus.Backoff
	pulling        bool
	pulled         bool // the image was just pulled for this start
	pullErr        string
	timers         []utilclock.Timer
	probes         []*prober
	stopping       bool // SIGTERM sent
	log, prevLog   *containerLog
	sh             *shell.Container // the current run's shell, for exec
	runs           int              // container IDs are derived from this

	exitMu sync.Mutex
	exited *exitStatus // an exit not yet applied to rec
}

func newCtr(w *podWorker, spec *corev1.Container, isInit bool) *ctr {
	c := &ctr{
		w: w, spec: spec, isInit: isInit,
		rec:            kubeletstatus.ContainerRuntimeState{Name: spec.Name},
		restartBackoff: kubeletstatus.NewCrashLoopBackoff(),
		pullBackoff:    kubeletstatus.NewImagePullBackoff(),
	}
	c.snap.Store(spec)
	return c
}

// setSpecLocked points the container at a newer version of its spec.
func (c *ctr) setSpecLocked(spec *corev1.Container) {
	c.spec = spec
	c.snap.Store(spec)
}

// specNow is the container's newest spec, for probes and hooks that run
// on their own goroutines.
func (c *ctr) specNow() *corev1.Container { return c.snap.Load() }

// sidecar reports whether the container is a restartable init container.
func (c *ctr) sidecar() bool { return c.isInit && kubeletstatus.IsRestartableInitContainer(c.spec) }

func (c *ctr) running() bool {
	return c.rec.Latest != nil && c.rec.Latest.State == kubeletstatus.InstanceRunning
}

func (c *ctr) exitedWith(code int32) bool {
	return c.rec.Latest != nil && c.rec.Latest.State == kubeletstatus.InstanceExited && c.rec.Latest.ExitCode == code
}

func (c *ctr) exitedAt() time.Time {
	if c.rec.Latest == nil {
		return time.Time{}
	}
	return c.rec.Latest.FinishedAt
}

// fieldPath is how events refer to the container.
func (c *ctr) fieldPath() string {
	if c.isInit {
		return fmt.Sprintf("spec.initContainers{%s}", c.spec.Name)
	}
	return fmt.Sprintf("spec.containers{%s}", c.spec.Name)
}

// onExit is the exitFunc of the container's current process: it records
// the exit for the next sync and kicks the worker.
func (c *ctr) onExit(st exitStatus) {
	c.exitMu.Lock()
	c.exited = &st
	c.exitMu.Unlock()
	c.w.kick()
}

// collectExit moves a reported exit into the record.
func (c *ctr) collectExit() bool {
	c.exitMu.Lock()
	st := c.exited
	c.exited = nil
	c.exitMu.Unlock()
	if st == nil || c.rec.Latest == nil || c.rec.Latest.State != kubeletstatus.InstanceRunning {
		return false
	}
	latest := *c.rec.Latest
	latest.State = kubeletstatus.InstanceExited
	latest.ExitCode = st.code
	latest.Signal = st.signal
	latest.Reason = st.reason
	latest.Message = st.message
	latest.FinishedAt = st.at
	c.rec.Latest = &latest
	c.rec.StartupSucceeded = false
	c.rec.ReadinessSucceeded = false
	c.proc = nil
	c.stopping = false
	c.stopProbes()
	if c.log != nil {
		c.log.close()
	}
	return true
}

// containerID derives a stable, unique containerd-style ID.
func (c *ctr) containerID() string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s/%s/%d", c.w.uid, c.spec.Name, c.runs)))
	return "containerd://" + hex.EncodeToString(sum[:])
}

func (c *ctr) addTimer(t utilclock.Timer) { c.timers = append(c.timers, t) }

func (c *ctr) stopTimers() {
	for _, t := range c.timers {
		t.Stop()
	}
	c.timers = nil
	c.stopProbes()
}

// kill sends sig to the container's process, if it has one.
func (c *ctr) kill(sig syscall.Signal) {
	if c.proc == nil {
		return
	}
	if sig == sigTerm {
		if c.stopping {
			return
		}
		c.stopping = true
	}
	c.proc.signal(sig)
}
