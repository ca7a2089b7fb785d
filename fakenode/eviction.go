package fakenode

import (
	"context"
	"fmt"
	"maps"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubesim/kubesim/fakenode/kubeletstatus"
)

// The kubelet's eviction manager (pkg/kubelet/eviction) with its Linux
// defaults: every 10 s it compares what is available with the hard
// eviction thresholds memory.available<100Mi and nodefs.available<10%,
// reports MemoryPressure or DiskPressure while a threshold is met (and for
// the 5 min pressure transition period after), and evicts one pod per
// round, ranked as rankMemoryPressure and rankDiskPressure do. Before
// that, pods over their own ephemeral-storage limits or emptyDir size
// limits are evicted whatever the node's state (local storage eviction).
const (
	evictionMonitoringPeriod = 10 * time.Second
	pressureTransitionPeriod = 5 * time.Minute
	// hardEvictionGrace is the grace a pod evicted for a hard threshold
	// gets (immediateEvictionGracePeriodSeconds).
	hardEvictionGrace = time.Second
	// systemCriticalPriority and above are never evicted.
	systemCriticalPriority = 2000000000
	// systemDiskPercent is the share of the node's filesystem its own
	// files (OS, images, logs) take.
	systemDiskPercent = 5
)

var memoryAvailableThreshold = resource.MustParse("100Mi")

// nodefsThresholdPercent is nodefs.available's default threshold.
const nodefsThresholdPercent = 10

// signal is one eviction signal: a resource under watch, the node
// condition it raises, and what is available of it.
type signal struct {
	resource  corev1.ResourceName
	condition corev1.NodeConditionType
	available int64
	threshold int64
}

func (s signal) met() bool { return s.available < s.threshold }

// synchronizeEviction is one round of the eviction manager.
func (n *Node) synchronizeEviction(ctx context.Context) error {
	now := n.fleet.clock.Now()
	capacity, err := n.spec.capacity()
	if err != nil {
		return err
	}
	pods := n.podUsages(now)
	if n.evictOverLimit(pods) {
		return nil
	}
	signals := n.signals(capacity, pods)
	if n.observePressure(signals, now) {
		if err := n.updateStatus(ctx, true); err != nil {
			return err
		}
	}
	for _, s := range signals {
		if !s.met() {
			continue
		}
		n.fleet.recorder(n.Name()).EventRef(n.ref(), corev1.EventTypeWarning, "EvictionThresholdMet",
			fmt.Sprintf("Attempting to reclaim %s", s.resource))
		victim := rankForEviction(pods, s.resource)
		if victim == nil {
			return nil
		}
		threshold := resource.NewQuantity(s.threshold, resource.BinarySI)
		available := resource.NewQuantity(max(s.available, 0), resource.BinarySI)
		msg := kubeletstatus.NodePressureEvictionMessage(s.resource, threshold, available, victim.containers(s.resource))
		victim.worker.evictFor(kubeletstatus.NodePressureEviction(msg), hardEvictionGrace)
		return nil // one pod per round, as upstream
	}
	return nil
}

// signals are what is available of memory and of the node's filesystem.
func (n *Node) signals(capacity corev1.ResourceList, pods []*podUse) []signal {
	mem := capacity.Memory().Value() - systemMemoryOf(capacity)
	disk := capacity.StorageEphemeral().Value()
	diskFree := disk - disk*systemDiskPercent/100
	for _, p := range pods {
		mem -= p.total(corev1.ResourceMemory)
		diskFree -= p.total(corev1.ResourceEphemeralStorage)
	}
	return []signal{
		{resource: corev1.ResourceMemory, condition: corev1.NodeMemoryPressure, available: mem, threshold: memoryAvailableThreshold.Value()},
		{resource: corev1.ResourceEphemeralStorage, condition: corev1.NodeDiskPressure, available: diskFree, threshold: disk * nodefsThresholdPercent / 100},
	}
}

// observePressure records which thresholds are met and reports whether
// a pressure condition changed.
func (n *Node) observePressure(signals []signal, now time.Time) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.pressureSeen == nil {
		n.pressureSeen = map[corev1.NodeConditionType]time.Time{}
	}
	before := n.pressureLocked(now)
	for _, s := range signals {
		if s.met() {
			n.pressureSeen[s.condition] = now
		}
	}
	after := n.pressureLocked(now)
	return !maps.Equal(before, after)
}

// pressureLocked are the pressure conditions in effect: a threshold met
// within the transition period.
func (n *Node) pressureLocked(now time.Time) map[corev1.NodeConditionType]bool {
	out := map[corev1.NodeConditionType]bool{}
	for cond, seen := range n.pressureSeen {
		if now.Sub(seen) < pressureTransitionPeriod {
			out[cond] = true
		}
	}
	return out
}

// evictOverLimit evicts the pods that use more local storage than their
// own limits allow, and reports whether it evicted any.
func (n *Node) evictOverLimit(pods []*podUse) bool {
	evicted := false
	for _, p := range pods {
		if msg := p.overLimitMessage(); msg != "" {
			p.worker.evictFor(kubeletstatus.LocalStorageEviction(msg), podGrace(p.pod))
			evicted = true
		}
	}
	return evicted
}

// evictFor makes the kubelet kill the pod with the eviction's status.
func (w *podWorker) evictFor(e *kubeletstatus.Eviction, grace time.Duration) {
	w.mu.Lock()
	if w.terminating || w.terminal {
		w.mu.Unlock()
		return
	}
	w.evict = e
	w.event(nil, kubeletstatus.EventEvicted(e.Message))
	w.beginTermination(context.Background(), w.now(), grace)
	w.mu.Unlock()
	w.kick()
}

func (n *Node) ref() *corev1.ObjectReference {
	// The kubelet's node reference carries the node's name as its UID.
	return &corev1.ObjectReference{Kind: "Node", Name: n.Name(), UID: types.UID(n.Name())}
}
