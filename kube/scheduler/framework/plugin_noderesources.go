package framework

import (
	"math"
	"slices"

	"k8s.io/apimachinery/pkg/util/sets"
)

// NodeResourcesFit (filter and LeastAllocated score) and
// NodeResourcesBalancedAllocation (score), as in upstream
// plugins/noderesources with the default arguments: no ignored resources,
// cpu and memory with weight 1.

// MaxNodeScore is the highest score a plugin gives a node before weighting.
const MaxNodeScore int64 = 100

const reasonTooManyPods = "Too many pods"

// preFilterNodeResourcesFit sorts the pod's scalar resources once, so that
// the reasons of a node come in a stable order.
func preFilterNodeResourcesFit(_ *Scheduler, _ *Snapshot, cs *cycleState) (sets.Set[string], *Status) {
	if len(cs.pod.Requests.ScalarResources) > 0 && cs.fitScalars == nil {
		for name := range cs.pod.Requests.ScalarResources {
			cs.fitScalars = append(cs.fitScalars, name)
		}
		slices.Sort(cs.fitScalars)
	}
	return nil, nil
}

// filterNodeResourcesFit is upstream fitsRequest: a request that exceeds
// what is left is Unschedulable, one that exceeds the node's allocatable
// outright is UnschedulableAndUnresolvable (no preemption can help).
func filterNodeResourcesFit(cs *cycleState, ni *NodeInfo) *Status {
	var reasons []string
	unresolvable := false
	insufficient := func(reason string, req, used, capacity int64) {
		if req > 0 && req > capacity-used {
			reasons = append(reasons, reason)
			unresolvable = unresolvable || req > capacity
		}
	}
	if len(ni.pods)+1 > ni.allocatable.AllowedPodNumber {
		reasons = append(reasons, reasonTooManyPods)
	}
	req := &cs.pod.Requests
	if !req.isZero() {
		alloc, used := &ni.allocatable, &ni.requested
		insufficient("Insufficient cpu", req.MilliCPU, used.MilliCPU, alloc.MilliCPU)
		insufficient("Insufficient memory", req.Memory, used.Memory, alloc.Memory)
		insufficient("Insufficient ephemeral-storage", req.EphemeralStorage, used.EphemeralStorage, alloc.EphemeralStorage)
		for _, name := range cs.fitScalars {
			insufficient("Insufficient "+string(name), req.ScalarResources[name], used.ScalarResources[name], alloc.ScalarResources[name])
		}
	}
	if len(reasons) == 0 {
		return nil
	}
	code := Unschedulable
	if unresolvable {
		code = UnschedulableAndUnresolvable
	}
	return newPluginStatus(PluginNodeResourcesFit, code, reasons...)
}

// leastRequestedScore favors free capacity: 0 when full or over, 100 when empty.
func leastRequestedScore(requested, capacity int64) int64 {
	if capacity == 0 || requested > capacity {
		return 0
	}
	return (capacity - requested) * MaxNodeScore / capacity
}

// scoreLeastAllocated averages leastRequestedScore over cpu and memory,
// counting the pod with the 100m/200Mi defaults so that best-effort pods
// still spread. Resources the node has none of are left out.
func scoreLeastAllocated(pi *PodInfo, ni *NodeInfo) int64 {
	var sum, weights int64
	if a := ni.allocatable.MilliCPU; a != 0 {
		sum += leastRequestedScore(ni.nonZeroRequested.MilliCPU+pi.NonZeroCPU, a)
		weights++
	}
	if a := ni.allocatable.Memory; a != 0 {
		sum += leastRequestedScore(ni.nonZeroRequested.Memory+pi.NonZeroMemory, a)
		weights++
	}
	if weights == 0 {
		return 0
	}
	return sum / weights
}

// isBestEffortForBalance reports whether the pod requests no cpu and no
// memory; BalancedAllocation then skips scoring (kubernetes#129138).
func isBestEffortForBalance(pi *PodInfo) bool {
	return pi.Requests.MilliCPU == 0 && pi.Requests.Memory == 0
}

// scoreBalancedAllocation is (1 - std) * 100 over the cpu and memory
// fractions the node would have with the pod, each capped at 1.
func scoreBalancedAllocation(pi *PodInfo, ni *NodeInfo) int64 {
	var fractions [2]float64
	n := 0
	add := func(requested, allocatable int64) {
		if allocatable == 0 {
			return
		}
		fractions[n] = min(float64(requested)/float64(allocatable), 1)
		n++
	}
	add(ni.requested.MilliCPU+pi.Requests.MilliCPU, ni.allocatable.MilliCPU)
	add(ni.requested.Memory+pi.Requests.Memory, ni.allocatable.Memory)
	std := 0.0
	if n == 2 {
		std = math.Abs((fractions[0] - fractions[1]) / 2)
	}
	return int64((1 - std) * float64(MaxNodeScore))
}
