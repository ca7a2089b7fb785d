package framework

import (
	"context"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
)

// Evaluation explains how every node fares for a pod.
type Evaluation struct {
	// Diagnosis holds the rejections: per node, or for all nodes at once
	// when PreFilter rejected the pod (Diagnosis.PreFilterMsg is then set).
	Diagnosis Diagnosis
	// Scores are the feasible nodes in snapshot order, with each plugin's
	// weighted score.
	Scores []NodeScore
}

// Evaluate filters every node and scores every feasible one, without the
// sampling, rotation and random pick of Schedule and without touching the
// Scheduler's state. It is for tests and for explaining a decision.
func (s *Scheduler) Evaluate(ctx context.Context, snap *Snapshot, pod *corev1.Pod) (*Evaluation, error) {
	if pod == nil {
		return nil, errors.New("evaluate: nil pod")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	snap.mu.RLock()
	defer snap.mu.RUnlock()
	ev := &Evaluation{Diagnosis: Diagnosis{NodeToStatus: NewNodeToStatus()}}
	cs, res, st := s.runPreFilter(snap, NewPodInfo(pod))
	if !st.IsSuccess() {
		if !st.IsRejected() {
			return nil, st.AsError()
		}
		ev.Diagnosis.NodeToStatus.SetAbsentNodesStatus(st)
		ev.Diagnosis.PreFilterMsg = st.Message()
		ev.Diagnosis.addPluginStatus(st)
		return ev, nil
	}
	var feasible []*NodeInfo
	for _, ni := range snap.list {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if res != nil && !res.nodeNames.Has(ni.node.Name) {
			continue
		}
		st := runFiltersWithNominatedPods(snap, cs, ni)
		switch {
		case st.IsSuccess():
			feasible = append(feasible, ni)
		case st.IsRejected():
			ev.Diagnosis.NodeToStatus.Set(ni.node.Name, st)
			ev.Diagnosis.addPluginStatus(st)
		default:
			return nil, fmt.Errorf("node %s: %w", ni.node.Name, st.AsError())
		}
	}
	if res != nil {
		ev.Diagnosis.NodeToStatus.SetAbsentNodesStatus(NewStatus(UnschedulableAndUnresolvable,
			fmt.Sprintf("node(s) didn't satisfy plugin(s) %v", res.plugins)))
	}
	if len(feasible) == 0 {
		return ev, nil
	}
	_, scores, err := s.prioritize(snap, cs, feasible, true)
	if err != nil {
		return nil, err
	}
	ev.Scores = scores
	return ev, nil
}
