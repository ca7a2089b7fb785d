package framework

import (
	"slices"
	"time"

	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// selectVictimsOnNode is upstream DefaultPreemption.SelectVictimsOnNode on
// clones of the state and node: remove every lower-priority pod; if the
// pod then fits, add them back most important first, budget-protected pods
// before the others, keeping each that still lets the pod fit. The pods
// that could not be kept are the victims.
func selectVictimsOnNode(snap *Snapshot, cs *cycleState, ni *NodeInfo, opts *PreemptOptions) ([]*PodInfo, int, *Status) {
	var potential []*PodInfo
	for _, p := range ni.pods {
		if p.Priority < cs.pod.Priority {
			potential = append(potential, p)
		}
	}
	if len(potential) == 0 {
		return nil, 0, newPluginStatus(PluginDefaultPreemption, UnschedulableAndUnresolvable, reasonNoVictims)
	}
	for _, p := range potential {
		if _, err := ni.removePod(p.Pod.UID); err != nil {
			return nil, 0, asStatus(err)
		}
		runRemovePodExtensions(cs, p, ni)
	}
	if st := runFiltersWithNominatedPods(snap, cs, ni); !st.IsSuccess() {
		return nil, 0, st
	}
	slices.SortStableFunc(potential, func(a, b *PodInfo) int {
		if moreImportantPod(a, b, opts.Now) {
			return -1
		}
		if moreImportantPod(b, a, opts.Now) {
			return 1
		}
		return 0
	})
	violatingPods, nonViolatingPods := filterPodsWithPDBViolation(potential, opts.PodDisruptionBudgets)
	var victims []*PodInfo
	reprieve := func(p *PodInfo) bool {
		ni.addPodInfo(p)
		runAddPodExtensions(cs, p, ni)
		if runFiltersWithNominatedPods(snap, cs, ni).IsSuccess() {
			return true
		}
		_, _ = ni.removePod(p.Pod.UID)
		runRemovePodExtensions(cs, p, ni)
		victims = append(victims, p)
		return false
	}
	numViolating := 0
	for _, p := range violatingPods {
		if !reprieve(p) {
			numViolating++
		}
	}
	for _, p := range nonViolatingPods {
		reprieve(p)
	}
	if len(violatingPods) > 0 && len(nonViolatingPods) > 0 {
		slices.SortStableFunc(victims, func(a, b *PodInfo) int {
			if moreImportantPod(a, b, opts.Now) {
				return -1
			}
			if moreImportantPod(b, a, opts.Now) {
				return 1
			}
			return 0
		})
	}
	return victims, numViolating, nil
}

// podStartTime is the pod's start time, or now for pods not started yet
// (upstream GetPodStartTime).
func podStartTime(pi *PodInfo, now time.Time) time.Time {
	if st := pi.Pod.Status.StartTime; st != nil {
		return st.Time
	}
	return now
}

// moreImportantPod orders by priority, then by start time, older first
// (upstream util.MoreImportantPod).
func moreImportantPod(a, b *PodInfo, now time.Time) bool {
	if a.Priority != b.Priority {
		return a.Priority > b.Priority
	}
	return podStartTime(a, now).Before(podStartTime(b, now))
}

// filterPodsWithPDBViolation splits pods, keeping their order, into those
// whose eviction would exceed a budget's disruptionsAllowed (counting the
// earlier pods of the list against it) and the others.
func filterPodsWithPDBViolation(pods []*PodInfo, pdbs []*policyv1.PodDisruptionBudget) (violating, nonViolating []*PodInfo) {
	allowed := make([]int32, len(pdbs))
	selectors := make([]labels.Selector, len(pdbs))
	for i, pdb := range pdbs {
		allowed[i] = pdb.Status.DisruptionsAllowed
		if sel, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector); err == nil {
			selectors[i] = sel
		}
	}
	for _, pi := range pods {
		pod := pi.Pod
		violated := false
		// A pod without labels matches no budget.
		if len(pod.Labels) != 0 {
			for i, pdb := range pdbs {
				sel := selectors[i]
				// A budget with an invalid, nil or empty selector matches nothing.
				if pdb.Namespace != pod.Namespace || sel == nil || sel.Empty() || !sel.Matches(labels.Set(pod.Labels)) {
					continue
				}
				// Pods the API server already counted as disrupted do not count again.
				if _, ok := pdb.Status.DisruptedPods[pod.Name]; ok {
					continue
				}
				allowed[i]--
				if allowed[i] < 0 {
					violated = true
				}
			}
		}
		if violated {
			violating = append(violating, pi)
		} else {
			nonViolating = append(nonViolating, pi)
		}
	}
	return violating, nonViolating
}
