package framework

import (
	"context"
	"fmt"
)

// runFilters runs the Filter plugins on one node and returns the first
// rejection (upstream RunFilterPlugins).
func runFilters(cs *cycleState, ni *NodeInfo) *Status {
	for i := range filterPlugins {
		if cs.skipped(i) {
			continue
		}
		p := &filterPlugins[i]
		st := p.filter(cs, ni)
		if st.IsSuccess() {
			continue
		}
		if !st.IsRejected() {
			return asStatus(fmt.Errorf("running %q filter plugin: %w", p.name, st.AsError())).withPlugin(p.name)
		}
		return st.withPlugin(p.name)
	}
	return nil
}

// runFiltersWithNominatedPods follows upstream: when pods of equal or
// higher priority are nominated to the node, the node must fit the pod
// both with them (resources, anti-affinity) and without them (affinity to
// them must not be relied on).
func runFiltersWithNominatedPods(snap *Snapshot, cs *cycleState, ni *NodeInfo) *Status {
	nominated := snap.nominatedByNode[ni.node.Name]
	if len(nominated) == 0 {
		return runFilters(cs, ni)
	}
	csWith, niWith, added := addNominatedPods(cs, ni, nominated)
	st := runFilters(csWith, niWith)
	if !added || !st.IsSuccess() {
		return st
	}
	return runFilters(cs, ni)
}

// addNominatedPods returns clones of the state and node with the nominated
// pods of at least the pod's priority added (upstream addGENominatedPods).
func addNominatedPods(cs *cycleState, ni *NodeInfo, nominated []*PodInfo) (*cycleState, *NodeInfo, bool) {
	var csOut *cycleState
	var niOut *NodeInfo
	for _, npi := range nominated {
		if npi.Priority < cs.pod.Priority || npi.Pod.UID == cs.pod.Pod.UID {
			continue
		}
		if csOut == nil {
			csOut, niOut = cs.clone(), ni.clone()
		}
		niOut.addPodInfo(npi)
		runAddPodExtensions(csOut, npi, niOut)
	}
	if csOut == nil {
		return cs, ni, false
	}
	return csOut, niOut, true
}

// runAddPodExtensions and runRemovePodExtensions update the PreFilter state
// after a pod was added to or removed from ni (upstream
// RunPreFilterExtensionAddPod/RemovePod).
func runAddPodExtensions(cs *cycleState, pi *PodInfo, ni *NodeInfo) {
	for i := range filterPlugins {
		if p := &filterPlugins[i]; p.addPod != nil && !cs.skipped(i) {
			p.addPod(cs, pi, ni)
		}
	}
}

func runRemovePodExtensions(cs *cycleState, pi *PodInfo, ni *NodeInfo) {
	for i := range filterPlugins {
		if p := &filterPlugins[i]; p.removePod != nil && !cs.skipped(i) {
			p.removePod(cs, pi, ni)
		}
	}
}

// findNodesThatPassFilters filters nodes starting at the rotating start
// index and stops once numFeasibleNodesToFind nodes fit. Chunks of nodes
// are filtered in parallel, but the cut is made in list order, so the
// outcome does not depend on goroutine timing. It returns the feasible
// nodes (in a buffer the next cycle reuses) and how many nodes were
// processed.
func (s *Scheduler) findNodesThatPassFilters(ctx context.Context, snap *Snapshot, cs *cycleState, nodes []*NodeInfo, diag *Diagnosis) ([]*NodeInfo, int, error) {
	numAll := len(nodes)
	toFind := s.numFeasibleNodesToFind(numAll)
	s.feasibleBuf = grow(s.feasibleBuf, toFind)
	feasible := s.feasibleBuf[:0]
	start := s.nextStartNodeIndex % numAll
	s.statusBuf = grow(s.statusBuf, numAll)
	statuses := s.statusBuf
	defer clear(statuses)
	processed := 0
	for processed < numAll && len(feasible) < toFind {
		if err := ctx.Err(); err != nil {
			return nil, processed, err
		}
		chunk := min(max(toFind-len(feasible), 32), numAll-processed)
		base := processed
		s.parallelize(chunk, func(i int) {
			statuses[base+i] = runFiltersWithNominatedPods(snap, cs, nodes[(start+base+i)%numAll])
		})
		for i := base; i < base+chunk; i++ {
			processed++
			ni := nodes[(start+i)%numAll]
			st := statuses[i]
			if st.IsSuccess() {
				feasible = append(feasible, ni)
				if len(feasible) == toFind {
					break
				}
				continue
			}
			if !st.IsRejected() {
				return nil, processed, st.AsError()
			}
			diag.NodeToStatus.Set(ni.node.Name, st)
			diag.addPluginStatus(st)
		}
	}
	return feasible, processed, nil
}
