package framework

import (
	"context"
	"errors"
	"time"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
)

// Preemption: upstream plugins/defaultpreemption with framework/preemption,
// with the default arguments (at least 10% of the potential nodes and at
// least 100 are dry-run) and synchronous victim selection. Evicting the
// victims and updating nominatedNodeName are left to the caller.

const (
	minCandidateNodesPercentage = 10
	minCandidateNodesAbsolute   = 100

	reasonNoVictims         = "No preemption victims found for incoming pod"
	reasonPreemptionUseless = "Preemption is not helpful for scheduling"
)

// PreemptOptions are the inputs of Preempt beyond the pod and snapshot.
type PreemptOptions struct {
	// PodDisruptionBudgets of the cluster. Preemption prefers victims and
	// nodes that violate fewer of them, but does not refuse to violate.
	PodDisruptionBudgets []*policyv1.PodDisruptionBudget
	// Now is the current time: pods that have not started yet count as
	// starting now when victims are ordered.
	Now time.Time
}

// PreemptionResult is what Preempt decided.
type PreemptionResult struct {
	// NominatedNodeName is the node the pod should be nominated to
	// (status.nominatedNodeName) once the victims are evicted; empty when
	// preemption did not succeed.
	NominatedNodeName string
	// ClearNominatedNodeName is true when no node can be made to fit and
	// the pod's status.nominatedNodeName must be cleared.
	ClearNominatedNodeName bool
	// Victims are the pods to evict, most important first.
	Victims []*corev1.Pod
	// NumPDBViolations is how many victims' budgets the eviction violates.
	NumPDBViolations int
	// LowerPriorityNominatedPods are pods nominated to the chosen node with
	// a lower priority; their nomination should be cleared so they look
	// elsewhere.
	LowerPriorityNominatedPods []*corev1.Pod
	// Message is the preemption outcome in upstream's words ("preemption:
	// ..."); empty on success. Preempt also stores it in
	// fitErr.Diagnosis.PostFilterMsg, so fitErr.Error() is the complete
	// FailedScheduling message.
	Message string
}

// Preempt runs the DefaultPreemption PostFilter for a pod that Schedule
// could not place: it finds nodes where evicting lower-priority pods makes
// the pod fit (rerunning the filters without them), keeps as many of those
// pods as possible, and picks the node upstream would pick. It does not
// change the snapshot.
func (s *Scheduler) Preempt(ctx context.Context, snap *Snapshot, pod *corev1.Pod, fitErr *FitError, opts PreemptOptions) (*PreemptionResult, error) {
	if pod == nil || fitErr == nil || fitErr.Diagnosis.NodeToStatus == nil {
		return nil, errors.New("preempt: need the pod and the FitError Schedule returned for it")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	snap.mu.RLock()
	defer snap.mu.RUnlock()

	res, err := s.preempt(ctx, snap, pod, fitErr.Diagnosis.NodeToStatus, &opts)
	if err != nil {
		return nil, err
	}
	fitErr.Diagnosis.PostFilterMsg = res.Message
	return res, nil
}

func (s *Scheduler) preempt(ctx context.Context, snap *Snapshot, pod *corev1.Pod, m *NodeToStatus, opts *PreemptOptions) (*PreemptionResult, error) {
	pi := NewPodInfo(pod)
	if ok, msg := s.podEligibleToPreemptOthers(snap, pi, m.Get(pod.Status.NominatedNodeName)); !ok {
		return &PreemptionResult{Message: "preemption: " + msg}, nil
	}
	candidates, statuses, err := s.findCandidates(ctx, snap, pi, m, opts)
	if err != nil && len(candidates) == 0 {
		return nil, err
	}
	if len(candidates) == 0 {
		statuses.SetAbsentNodesStatus(NewStatus(UnschedulableAndUnresolvable, reasonPreemptionUseless))
		fe := &FitError{Pod: pod, NumAllNodes: len(snap.list), Diagnosis: Diagnosis{NodeToStatus: statuses}}
		return &PreemptionResult{ClearNominatedNodeName: true, Message: "preemption: " + fe.Error()}, nil
	}
	best := pickOneNodeForPreemption(candidates, opts.Now)
	res := &PreemptionResult{NominatedNodeName: best.node, NumPDBViolations: best.numPDBViolations}
	for _, v := range best.victims {
		res.Victims = append(res.Victims, v.Pod)
	}
	for _, npi := range snap.nominatedByNode[best.node] {
		if npi.Priority < pi.Priority {
			res.LowerPriorityNominatedPods = append(res.LowerPriorityNominatedPods, npi.Pod)
		}
	}
	return res, nil
}

// podEligibleToPreemptOthers is upstream's: preemptionPolicy Never opts
// out, and a pod whose earlier victims on its nominated node are still
// terminating waits for them rather than preempting more.
func (s *Scheduler) podEligibleToPreemptOthers(snap *Snapshot, pi *PodInfo, nominatedStatus *Status) (bool, string) {
	pod := pi.Pod
	if p := pod.Spec.PreemptionPolicy; p != nil && *p == corev1.PreemptNever {
		return false, "not eligible due to preemptionPolicy=Never."
	}
	nnn := pod.Status.NominatedNodeName
	if nnn == "" || nominatedStatus.Code() == UnschedulableAndUnresolvable {
		return true, ""
	}
	if ni := snap.infos[nnn]; ni != nil && ni.node != nil {
		for _, p := range ni.pods {
			if p.Priority < pi.Priority && terminatingByPreemption(p.Pod) {
				return false, "not eligible due to a terminating pod on the nominated node."
			}
		}
	}
	return true, ""
}

func terminatingByPreemption(p *corev1.Pod) bool {
	if p.DeletionTimestamp == nil {
		return false
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.DisruptionTarget {
			return c.Status == corev1.ConditionTrue && c.Reason == corev1.PodReasonPreemptionByScheduler
		}
	}
	return false
}

// candidate is a node where preemption makes the pod fit.
type candidate struct {
	node             string
	victims          []*PodInfo
	numPDBViolations int
}

// findCandidates dry-runs preemption on the nodes whose rejection was
// Unschedulable (not ...AndUnresolvable), starting at a random offset and
// stopping once enough candidates are found (upstream findCandidates and
// DryRunPreemption). Candidates violating no budget come first.
func (s *Scheduler) findCandidates(ctx context.Context, snap *Snapshot, pi *PodInfo, m *NodeToStatus, opts *PreemptOptions) ([]candidate, *NodeToStatus, error) {
	statuses := NewNodeToStatus()
	potential := m.nodesWithCode(snap.list, Unschedulable)
	if len(potential) == 0 {
		return nil, statuses, nil
	}
	cs, _, st := s.runPreFilter(snap, pi)
	if !st.IsSuccess() {
		if st.IsRejected() {
			return nil, statuses, nil
		}
		return nil, statuses, st.AsError()
	}
	offset := s.rng.IntN(len(potential))
	want := calculateNumCandidates(len(potential))
	var nonViolating, violating []candidate
	var errs []error
	for i := range potential {
		if err := ctx.Err(); err != nil {
			return nil, statuses, err
		}
		ni := potential[(offset+i)%len(potential)]
		victims, numViolating, st := selectVictimsOnNode(snap, cs.clone(), ni.clone(), opts)
		if st.IsSuccess() && len(victims) == 0 {
			st = asStatus(errors.New("expected at least one victim pod on node " + ni.node.Name))
		}
		if !st.IsSuccess() {
			if st.Code() == Error {
				errs = append(errs, st.AsError())
			}
			statuses.Set(ni.node.Name, st)
			continue
		}
		c := candidate{node: ni.node.Name, victims: victims, numPDBViolations: numViolating}
		if numViolating == 0 {
			nonViolating = append(nonViolating, c)
		} else {
			violating = append(violating, c)
		}
		if len(nonViolating) > 0 && len(nonViolating)+len(violating) >= want {
			break
		}
	}
	return append(nonViolating, violating...), statuses, utilerrors.NewAggregate(errs)
}

// calculateNumCandidates is how many candidates are enough: 10% of the
// potential nodes, at least 100, at most all.
func calculateNumCandidates(numNodes int) int {
	n := numNodes * minCandidateNodesPercentage / 100
	n = max(n, minCandidateNodesAbsolute)
	return min(n, numNodes)
}
