package framework

import (
	"context"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
)

// Schedule picks a node for pod, as one kube-scheduler scheduling cycle
// without its queue and binding: PreFilter, Filter over a rotating window
// of nodes (see Options.PercentageOfNodesToScore), PreScore and Score over
// the feasible ones, and a seeded random pick among the best. It does not
// change the snapshot; the caller assumes the pod on the chosen node.
//
// When no node fits it returns a *FitError whose Error() is the
// FailedScheduling message; pass it to Preempt to add preemption's outcome.
// With an empty snapshot it returns ErrNoNodesAvailable.
func (s *Scheduler) Schedule(ctx context.Context, snap *Snapshot, pod *corev1.Pod) (*ScheduleResult, error) {
	if pod == nil {
		return nil, errors.New("schedule: nil pod")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	snap.mu.RLock()
	defer snap.mu.RUnlock()
	if len(snap.list) == 0 {
		return nil, ErrNoNodesAvailable
	}
	pi := NewPodInfo(pod)
	cs, feasible, diag, err := s.findNodesThatFitPod(ctx, snap, pi)
	if err != nil {
		return nil, err
	}
	if len(feasible) == 0 {
		return nil, &FitError{Pod: pod, NumAllNodes: len(snap.list), Diagnosis: diag}
	}
	evaluated := len(feasible) + diag.NodeToStatus.Len()
	if len(feasible) == 1 {
		return &ScheduleResult{SuggestedHost: feasible[0].node.Name, EvaluatedNodes: evaluated, FeasibleNodes: 1}, nil
	}
	totals, _, err := s.prioritize(snap, cs, feasible, false)
	if err != nil {
		return nil, err
	}
	return &ScheduleResult{SuggestedHost: s.selectHost(feasible, totals), EvaluatedNodes: evaluated, FeasibleNodes: len(feasible)}, nil
}

// findNodesThatFitPod runs PreFilter, tries the nominated node first, then
// filters (upstream findNodesThatFitPod). Callers hold s.mu and snap.mu.
func (s *Scheduler) findNodesThatFitPod(ctx context.Context, snap *Snapshot, pi *PodInfo) (*cycleState, []*NodeInfo, Diagnosis, error) {
	diag := Diagnosis{NodeToStatus: NewNodeToStatus()}
	cs, res, st := s.runPreFilter(snap, pi)
	if !st.IsSuccess() {
		if !st.IsRejected() {
			return nil, nil, diag, st.AsError()
		}
		// Every node gets the PreFilter status, so preemption sees it too.
		diag.NodeToStatus.SetAbsentNodesStatus(st)
		diag.PreFilterMsg = st.Message()
		diag.addPluginStatus(st)
		return cs, nil, diag, nil
	}

	// A node nominated by an earlier preemption is likely the only one that
	// fits; try it before searching.
	if nnn := pi.Pod.Status.NominatedNodeName; nnn != "" {
		if ni := snap.infos[nnn]; ni != nil && ni.node != nil {
			st := runFiltersWithNominatedPods(snap, cs, ni)
			if st.IsSuccess() {
				return cs, []*NodeInfo{ni}, diag, nil
			}
			if st.IsRejected() {
				diag.NodeToStatus.Set(nnn, st)
				diag.addPluginStatus(st)
			}
		}
	}

	nodes := snap.list
	if res != nil {
		nodes = make([]*NodeInfo, 0, len(res.nodeNames))
		for _, ni := range snap.list {
			if res.nodeNames.Has(ni.node.Name) {
				nodes = append(nodes, ni)
			}
		}
		diag.NodeToStatus.SetAbsentNodesStatus(NewStatus(UnschedulableAndUnresolvable,
			fmt.Sprintf("node(s) didn't satisfy plugin(s) %v", res.plugins)))
		for _, p := range res.plugins {
			diag.addPluginStatus(newPluginStatus(p, UnschedulableAndUnresolvable))
		}
		if len(nodes) == 0 {
			return cs, nil, diag, nil
		}
	}
	feasible, processed, err := s.findNodesThatPassFilters(ctx, snap, cs, nodes, &diag)
	// Advance the window even on error so every node gets its turn.
	s.nextStartNodeIndex = (s.nextStartNodeIndex + processed) % len(snap.list)
	if err != nil {
		return nil, nil, diag, err
	}
	return cs, feasible, diag, nil
}
