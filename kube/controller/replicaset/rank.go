package replicaset

import (
	"math"
	"sort"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// PodDeletionCostAnnotation ranks the pods of one controller for
// deletion: lower cost goes first.
const PodDeletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost"

// podsToDelete picks the n pods to delete, the least valuable first
// (upstream's getPodsToDelete). pods is not modified.
func podsToDelete(pods, related []*corev1.Pod, n int, now time.Time) []*corev1.Pod {
	if n >= len(pods) {
		return pods
	}
	ranked := rankedPods{pods: append([]*corev1.Pod(nil), pods...), now: now}
	ranked.rank = ranksByColocation(ranked.pods, related)
	sort.Sort(ranked)
	return ranked.pods[:n]
}

// ranksByColocation ranks each pod by how many active related pods share
// its node (upstream's getPodsRankedByRelatedPodsOnSameNode).
func ranksByColocation(pods, related []*corev1.Pod) []int {
	onNode := map[string]int{}
	for _, p := range related {
		if isPodActive(p) {
			onNode[p.Spec.NodeName]++
		}
	}
	ranks := make([]int, len(pods))
	for i, p := range pods {
		ranks[i] = onNode[p.Spec.NodeName]
	}
	return ranks
}

// rankedPods orders pods for deletion as upstream's ActivePodsWithRanks
// does (with LogarithmicScaleDown and PodDeletionCost, both on by
// default): the pod that sorts first is deleted first.
type rankedPods struct {
	pods []*corev1.Pod
	rank []int
	now  time.Time
}

func (s rankedPods) Len() int { return len(s.pods) }

func (s rankedPods) Swap(i, j int) {
	s.pods[i], s.pods[j] = s.pods[j], s.pods[i]
	s.rank[i], s.rank[j] = s.rank[j], s.rank[i]
}

var phaseOrdinal = map[corev1.PodPhase]int{corev1.PodPending: 0, corev1.PodUnknown: 1, corev1.PodRunning: 2}

func (s rankedPods) Less(i, j int) bool {
	a, b := s.pods[i], s.pods[j]
	// 1. Unassigned < assigned.
	if a.Spec.NodeName != b.Spec.NodeName && (a.Spec.NodeName == "" || b.Spec.NodeName == "") {
		return a.Spec.NodeName == ""
	}
	// 2. Pending < Unknown < Running.
	if phaseOrdinal[a.Status.Phase] != phaseOrdinal[b.Status.Phase] {
		return phaseOrdinal[a.Status.Phase] < phaseOrdinal[b.Status.Phase]
	}
	// 3. Not ready < ready.
	if ra, rb := isPodReady(a), isPodReady(b); ra != rb {
		return !ra
	}
	// 4. Lower deletion cost < higher.
	if ca, cb := deletionCost(a), deletionCost(b); ca != cb {
		return ca < cb
	}
	// 5. More related pods on the same node < fewer.
	if s.rank[i] != s.rank[j] {
		return s.rank[i] > s.rank[j]
	}
	// 6. Ready for less time < more, on a logarithmic scale.
	if isPodReady(a) && isPodReady(b) {
		if ta, tb := readyTime(a), readyTime(b); !ta.Equal(tb) {
			return s.newer(a, b, ta, tb)
		}
	}
	// 7. More container restarts < fewer.
	if less, decided := moreRestarts(a, b); decided {
		return less
	}
	// 8. Newer < older, on a logarithmic scale.
	if ta, tb := a.CreationTimestamp.Time, b.CreationTimestamp.Time; !ta.Equal(tb) {
		return s.newer(a, b, ta, tb)
	}
	return false
}

// newer compares two timestamps as upstream does with LogarithmicScaleDown:
// a zero time sorts first; otherwise times in the same power-of-two bucket
// of age tie, broken by UID.
func (s rankedPods) newer(a, b *corev1.Pod, ta, tb time.Time) bool {
	if ta.IsZero() || tb.IsZero() || s.now.IsZero() {
		if ta.IsZero() || tb.IsZero() {
			return ta.IsZero()
		}
		return ta.After(tb)
	}
	diff := logBucket(s.now.Sub(ta)) - logBucket(s.now.Sub(tb))
	if diff == 0 {
		return a.UID < b.UID
	}
	return diff < 0
}

func logBucket(d time.Duration) int64 {
	if d <= 0 {
		return -1
	}
	return int64(math.Log2(float64(d)))
}

func readyTime(p *corev1.Pod) time.Time {
	if c := readyCondition(p); c != nil && c.Status == corev1.ConditionTrue {
		return c.LastTransitionTime.Time
	}
	return time.Time{}
}

// moreRestarts compares the highest restart counts of regular containers,
// then of sidecars (restartable init containers).
func moreRestarts(a, b *corev1.Pod) (less, decided bool) {
	ra, sa := maxRestarts(a)
	rb, sb := maxRestarts(b)
	if ra != rb {
		return ra > rb, true
	}
	if sa != sb {
		return sa > sb, true
	}
	return false, false
}

func maxRestarts(p *corev1.Pod) (regular, sidecar int32) {
	for _, s := range p.Status.ContainerStatuses {
		regular = max(regular, s.RestartCount)
	}
	sidecars := map[string]bool{}
	for _, c := range p.Spec.InitContainers {
		if c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			sidecars[c.Name] = true
		}
	}
	for _, s := range p.Status.InitContainerStatuses {
		if sidecars[s.Name] {
			sidecar = max(sidecar, s.RestartCount)
		}
	}
	return regular, sidecar
}

// deletionCost reads the pod-deletion-cost annotation; a missing or
// invalid one is 0.
func deletionCost(p *corev1.Pod) int32 {
	v, ok := p.Annotations[PodDeletionCostAnnotation]
	if !ok {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil {
		return 0
	}
	return int32(n)
}
