package scheduler

import (
	"container/heap"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	utilclock "k8s.io/utils/clock"

	"github.com/kubesim/kubesim/clock"
)

// Queue timings, kube-scheduler's defaults: a pod that failed waits 1 s,
// doubling to 10 s, before it is tried again, and a pod that stayed
// unschedulable for 5 minutes is retried even if nothing happened.
const (
	initialBackoff      = time.Second
	maxBackoff          = 10 * time.Second
	maxInUnschedulable  = 5 * time.Minute
	unschedulableRetest = maxInUnschedulable
)

// queuedPod is a pod waiting to be scheduled.
type queuedPod struct {
	pod       *corev1.Pod
	timestamp time.Time // when it was (re)queued, the tie-breaker after priority
	attempts  int
	lastFail  time.Time
	index     int   // in the active heap; -1 elsewhere
	cycle     int64 // the scheduling cycle of its last attempt
	timer     utilclock.Timer
}

func (qp *queuedPod) priority() int32 {
	if qp.pod.Spec.Priority != nil {
		return *qp.pod.Spec.Priority
	}
	return 0
}

// backoffUntil is when the pod's back-off after its last failure ends.
func (qp *queuedPod) backoffUntil() time.Time {
	if qp.attempts == 0 {
		return time.Time{}
	}
	d := initialBackoff
	for i := 1; i < qp.attempts && d < maxBackoff; i++ {
		d *= 2
	}
	return qp.lastFail.Add(min(d, maxBackoff))
}

// queue is kube-scheduler's PriorityQueue: an active heap ordered by
// priority then time, a back-off set (one virtual-clock timer per pod) and
// a set of unschedulable pods that wait for the cluster to change. Pods in
// the active heap count as work in flight.
type queue struct {
	clock    utilclock.WithDelayedExecution
	activity *clock.Activity

	mu            sync.Mutex
	cond          *sync.Cond
	active        activeHeap
	pods          map[types.UID]*queuedPod // every pod the queue holds, in any part
	backoff       map[types.UID]bool
	unschedulable map[types.UID]bool
	inFlight      map[types.UID]bool
	closed        bool
	// cycle counts pops; moveCycle is the cycle of the last moveAll. A pod
	// that fails after a move that happened during its attempt goes to
	// back-off rather than waiting for a change it may already have missed,
	// as upstream's moveRequestCycle does.
	cycle, moveCycle int64
}

func newQueue(c utilclock.WithDelayedExecution, activity *clock.Activity) *queue {
	q := &queue{
		clock: c, activity: activity,
		pods: map[types.UID]*queuedPod{}, backoff: map[types.UID]bool{},
		unschedulable: map[types.UID]bool{}, inFlight: map[types.UID]bool{},
	}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// add queues a new pod, or updates the version of one already queued.
// An update that may make an unschedulable pod schedulable moves it on.
func (q *queue) add(pod *corev1.Pod) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	if qp, ok := q.pods[pod.UID]; ok {
		qp.pod = pod
		if q.unschedulable[pod.UID] {
			q.moveLocked(qp)
		}
		return
	}
	qp := &queuedPod{pod: pod, timestamp: q.clock.Now(), index: -1}
	q.pods[pod.UID] = qp
	if q.inFlight[pod.UID] {
		return
	}
	q.pushActiveLocked(qp)
}

// remove forgets a pod: it was deleted, bound, or is no longer ours.
func (q *queue) remove(uid types.UID) {
	q.mu.Lock()
	defer q.mu.Unlock()
	qp, ok := q.pods[uid]
	if !ok {
		return
	}
	delete(q.pods, uid)
	switch {
	case qp.index >= 0:
		heap.Remove(&q.active, qp.index)
		q.activity.End()
	case q.backoff[uid]:
		delete(q.backoff, uid)
		qp.timer.Stop()
	case q.unschedulable[uid]:
		delete(q.unschedulable, uid)
		if qp.timer != nil {
			qp.timer.Stop()
		}
	}
}

// pop waits for the most important active pod. ok is false once closed.
func (q *queue) pop() (pod *corev1.Pod, attempts int, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for q.active.Len() == 0 && !q.closed {
		q.cond.Wait()
	}
	if q.closed {
		return nil, 0, false
	}
	qp := heap.Pop(&q.active).(*queuedPod)
	q.cycle++
	qp.cycle = q.cycle
	q.inFlight[qp.pod.UID] = true
	qp.attempts++
	return qp.pod, qp.attempts, true
}

// done ends the scheduling attempt of a pod that was popped: it no longer
// counts as work in flight. A pod that was not placed must have been
// handed to failed first.
func (q *queue) done(uid types.UID) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.inFlight, uid)
	if qp, ok := q.pods[uid]; ok && qp.index < 0 && !q.backoff[uid] && !q.unschedulable[uid] {
		// Updated while in flight but neither placed nor failed: try again.
		q.pushActiveLocked(qp)
	}
	q.activity.End()
}

// scheduled forgets a pod that was bound.
func (q *queue) scheduled(uid types.UID) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.pods, uid)
}

// failed parks a pod that could not be placed: unschedulable until the
// cluster changes (or five minutes pass), or in back-off after an error.
func (q *queue) failed(uid types.UID, unschedulable bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	qp, ok := q.pods[uid]
	if !ok || q.closed {
		return
	}
	qp.lastFail = q.clock.Now()
	if !unschedulable || q.moveCycle >= qp.cycle {
		q.backoffLocked(qp)
		return
	}
	q.unschedulable[uid] = true
	qp.timer = q.clock.AfterFunc(unschedulableRetest, func() {
		q.mu.Lock()
		defer q.mu.Unlock()
		if cur, ok := q.pods[uid]; ok && cur == qp && q.unschedulable[uid] {
			q.moveLocked(qp)
		}
	})
}

// moveAll moves every unschedulable pod on, after a change in the cluster
// that may let it fit (upstream's MoveAllToActiveOrBackoffQueue).
func (q *queue) moveAll() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.moveCycle = q.cycle
	for uid := range q.unschedulable {
		q.moveLocked(q.pods[uid])
	}
}

// moveLocked takes an unschedulable pod to the active heap, or to back-off
// if its back-off has not run out.
func (q *queue) moveLocked(qp *queuedPod) {
	delete(q.unschedulable, qp.pod.UID)
	if qp.timer != nil {
		qp.timer.Stop()
		qp.timer = nil
	}
	if q.clock.Now().Before(qp.backoffUntil()) {
		q.backoffLocked(qp)
		return
	}
	q.pushActiveLocked(qp)
}

func (q *queue) backoffLocked(qp *queuedPod) {
	uid := qp.pod.UID
	q.backoff[uid] = true
	wait := qp.backoffUntil().Sub(q.clock.Now())
	// The callback runs as the clock moves: the pod is active, and counted,
	// before time can move on.
	qp.timer = q.clock.AfterFunc(wait, func() {
		q.mu.Lock()
		defer q.mu.Unlock()
		if cur, ok := q.pods[uid]; ok && cur == qp && q.backoff[uid] {
			delete(q.backoff, uid)
			q.pushActiveLocked(qp)
		}
	})
}

func (q *queue) pushActiveLocked(qp *queuedPod) {
	if qp.index >= 0 {
		return
	}
	heap.Push(&q.active, qp)
	q.activity.Begin()
	q.cond.Signal()
}

// close stops the queue; pending pods stop counting as work.
func (q *queue) close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	q.closed = true
	for q.active.Len() > 0 {
		heap.Pop(&q.active)
		q.activity.End()
	}
	for _, qp := range q.pods {
		if qp.timer != nil {
			qp.timer.Stop()
		}
	}
	q.cond.Broadcast()
}

// activeHeap orders pods by priority, highest first, then by time queued.
type activeHeap []*queuedPod

func (h activeHeap) Len() int { return len(h) }
func (h activeHeap) Less(i, j int) bool {
	if pi, pj := h[i].priority(), h[j].priority(); pi != pj {
		return pi > pj
	}
	return h[i].timestamp.Before(h[j].timestamp)
}
func (h activeHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *activeHeap) Push(x any) {
	qp := x.(*queuedPod)
	qp.index = len(*h)
	*h = append(*h, qp)
}
func (h *activeHeap) Pop() any {
	old := *h
	qp := old[len(old)-1]
	old[len(old)-1] = nil
	qp.index = -1
	*h = old[:len(old)-1]
	return qp
}
