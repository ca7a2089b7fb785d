package fakenode

import (
	"context"
	"reflect"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	utilclock "k8s.io/utils/clock"

	"github.com/kubesim/kubesim/fakenode/kubeletstatus"
)

// podWorker is the kubelet's worker for one pod: every change (a new
// version of the pod, a process exit, a timer) kicks it, and it runs sync
// until nothing is pending. A pod with nothing to do has no goroutine.
type podWorker struct {
	node *Node
	uid  string

	// sched guards the sync loop's bookkeeping; it is never held while
	// mu is wanted, so processes may kick from within a signal.
	sched    sync.Mutex
	pending  bool
	running  bool
	finished bool // the worker is done with the pod for good

	mu        sync.Mutex  // guards the pod's state, held for a whole sync
	pod       *corev1.Pod // newest version from the API server
	deleted   bool        // the API object is gone
	sandbox   bool
	podIP     string
	startTime time.Time
	seen      time.Time // when the node first saw the pod (kubernetes.io/config.seen)

	init       []*ctr
	containers []*ctr

	terminating    bool // killing the containers: deletion, deadline, eviction or completion
	terminal       bool // the containers are stopped for good
	deadlineHit    bool
	evict          *kubeletstatus.Eviction
	deletionIssued bool
	graceTimer     utilclock.Timer
	graceDeadline  time.Time
	deadlineTimer  utilclock.Timer
	resyncTimer    utilclock.Timer
	volumeTimer    utilclock.Timer
	tokens         map[tokenKey]issuedToken   // projected tokens, see podfs.go
	reads          map[string]readResult      // ConfigMaps, Secrets, services read in this sync, see env.go
	snap           atomic.Pointer[corev1.Pod] // w.pod, for goroutines that do not hold mu
	statusConflict bool                       // a status write lost to a newer version, see status.go
	volumes        *podVolumes
	volumesSynced  time.Time
	mountWarned    map[string]time.Time

	cached   *corev1.PodStatus // the status manager's cache
	lastSent *corev1.PodStatus // the status last written to the API
}

func newPodWorker(n *Node, pod *corev1.Pod) *podWorker {
	w := &podWorker{node: n, uid: string(pod.UID), pod: pod, seen: n.fleet.clock.Now(), mountWarned: map[string]time.Time{}}
	w.snap.Store(pod)
	for i := range pod.Spec.InitContainers {
		w.init = append(w.init, newCtr(w, &pod.Spec.InitContainers[i], true))
	}
	for i := range pod.Spec.Containers {
		w.containers = append(w.containers, newCtr(w, &pod.Spec.Containers[i], false))
	}
	return w
}

// podChanged hands a new version of a pod to its worker, creating the
// worker for a pod the node has not seen.
func (n *Node) podChanged(pod *corev1.Pod, deleted bool) {
	// The kubelet has no use for managed fields; dropping them, as the
	// control plane's informers do, saves memory per pod and keeps them
	// out of the kubelet's status writes, as its patches leave them out.
	pod.ManagedFields = nil
	n.mu.Lock()
	if !n.running {
		n.mu.Unlock()
		return
	}
	w, ok := n.pods[string(pod.UID)]
	if !ok {
		if deleted || isTerminal(pod) {
			n.mu.Unlock()
			return
		}
		w = newPodWorker(n, pod)
		n.pods[string(pod.UID)] = w
		n.mu.Unlock()
		w.kick()
		return
	}
	n.mu.Unlock()
	w.update(pod, deleted)
}

func isTerminal(pod *corev1.Pod) bool {
	return pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed
}

// update takes a new version of the pod. As the kubelet's pod config does,
// it syncs only when something but the status changed: the kubelet's own
// status writes come back this way.
func (w *podWorker) update(pod *corev1.Pod, deleted bool) {
	w.mu.Lock()
	if !deleted && w.pod != nil && olderThan(pod, w.pod) {
		// The worker already has a newer version: the response to its
		// own status write, which the watch delivers after this one.
		w.mu.Unlock()
		return
	}
	// A status written by someone else matters when it can change Ready,
	// through a readiness gate (the kubelet's HandlePodReconcile).
	changed := deleted || w.pod == nil || !statusOnlyChange(w.pod, pod) || w.statusConflict ||
		len(pod.Spec.ReadinessGates) > 0
	w.statusConflict = false
	w.setPodLocked(pod)
	w.deleted = w.deleted || deleted
	w.refreshSpecsLocked()
	w.mu.Unlock()
	if changed {
		w.kick()
	}
}

// statusOnlyChange reports whether two versions of a pod differ in their
// status only.
func statusOnlyChange(old, pod *corev1.Pod) bool {
	return semanticEqual(&old.Spec, &pod.Spec) &&
		semanticEqual(old.Labels, pod.Labels) &&
		semanticEqual(old.Annotations, pod.Annotations) &&
		old.DeletionTimestamp.Equal(pod.DeletionTimestamp)
}

// semanticEqual is equality.Semantic.DeepEqual, tried the cheap way
// first: values reflect.DeepEqual finds equal are equal to it too (two
// decodings of one object usually are), and it is several times faster.
func semanticEqual(a, b any) bool {
	return reflect.DeepEqual(a, b) || equality.Semantic.DeepEqual(a, b)
}

// setPodLocked makes pod the worker's newest version.
func (w *podWorker) setPodLocked(pod *corev1.Pod) {
	w.pod = pod
	w.snap.Store(pod)
}

// podNow is the newest version of the pod, for the probes, hooks and
// lookups that run on their own goroutines without the worker's lock.
func (w *podWorker) podNow() *corev1.Pod { return w.snap.Load() }

// olderThan reports whether pod is an older version than cur, by their
// resourceVersions, which the API server (and etcd) number in order.
func olderThan(pod, cur *corev1.Pod) bool {
	a, errA := strconv.ParseUint(pod.ResourceVersion, 10, 64)
	b, errB := strconv.ParseUint(cur.ResourceVersion, 10, 64)
	return errA == nil && errB == nil && pod.UID == cur.UID && a < b
}

// refreshSpecsLocked points the container records at the newest spec.
func (w *podWorker) refreshSpecsLocked() {
	for i, c := range w.init {
		if i < len(w.pod.Spec.InitContainers) {
			c.setSpecLocked(&w.pod.Spec.InitContainers[i])
		}
	}
	for i, c := range w.containers {
		if i < len(w.pod.Spec.Containers) {
			c.setSpecLocked(&w.pod.Spec.Containers[i])
		}
	}
}

// kick makes the worker sync soon. It is safe from any goroutine,
// including timer callbacks: the work is counted as in flight before kick
// returns.
func (w *podWorker) kick() {
	w.sched.Lock()
	if w.finished {
		w.sched.Unlock()
		return
	}
	w.pending = true
	if w.running {
		w.sched.Unlock()
		return
	}
	w.running = true
	w.sched.Unlock()
	w.node.fleet.goTracked(w.loop)
}

func (w *podWorker) loop(ctx context.Context) {
	for {
		w.sched.Lock()
		if !w.pending || w.finished || ctx.Err() != nil {
			w.running = false
			w.sched.Unlock()
			return
		}
		w.pending = false
		w.sched.Unlock()
		w.sync(ctx)
	}
}

// after kicks the worker once d of virtual time has passed.
func (w *podWorker) after(d time.Duration) utilclock.Timer {
	return w.node.fleet.clock.AfterFunc(d, w.kick)
}

func (w *podWorker) now() time.Time { return w.node.fleet.clock.Now() }

// stopLocked kills every process and cancels every timer: the node
// crashed, or the pod is gone.
func (w *podWorker) stopLocked() {
	w.sched.Lock()
	w.finished = true
	w.sched.Unlock()
	for _, c := range w.all() {
		c.stopTimers()
		if c.proc != nil {
			c.proc.signal(sigKill)
		}
	}
	for _, t := range []utilclock.Timer{w.graceTimer, w.deadlineTimer, w.resyncTimer, w.volumeTimer} {
		if t != nil {
			t.Stop()
		}
	}
}

func (w *podWorker) all() []*ctr {
	return append(append([]*ctr{}, w.init...), w.containers...)
}
