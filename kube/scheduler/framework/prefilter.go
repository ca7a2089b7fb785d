package framework

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	corev1helpers "k8s.io/component-helpers/scheduling/corev1"
)

// preFilterStep is one PreFilter plugin. It may narrow the nodes to
// consider by returning their names.
type preFilterStep struct {
	idx int
	fn  func(s *Scheduler, snap *Snapshot, cs *cycleState) (sets.Set[string], *Status)
}

// preFilterSteps run in the default profile's order.
var preFilterSteps = [...]preFilterStep{
	{idxNodeAffinity, preFilterNodeAffinity},
	{idxNodePorts, preFilterNodePorts},
	{idxNodeResourcesFit, preFilterNodeResourcesFit},
	{idxVolumeBinding, preFilterVolumeBinding},
	{idxVolumeZone, preFilterVolumeZone},
	{idxPodTopologySpread, preFilterPodTopologySpread},
	{idxInterPodAffinity, preFilterInterPodAffinity},
}

// preFilterResult narrows the nodes when a PreFilter named them.
type preFilterResult struct {
	nodeNames sets.Set[string]
	plugins   []string
}

// runPreFilter computes the cycle state, following upstream
// RunPreFilterPlugins: UnschedulableAndUnresolvable stops at once,
// Unschedulable is returned after the other plugins ran, Skip turns the
// plugin's Filter off for this pod. It takes the snapshot's read lock as
// held.
func (s *Scheduler) runPreFilter(snap *Snapshot, pi *PodInfo) (*cycleState, *preFilterResult, *Status) {
	cs := &cycleState{pod: pi, listers: &s.opts.Listers}
	cs.toleratesUnschedulable = corev1helpers.TolerationsTolerateTaint(discardLogger, pi.Pod.Spec.Tolerations,
		&corev1.Taint{Key: corev1.TaintNodeUnschedulable, Effect: corev1.TaintEffectNoSchedule}, true)
	// The namespace's labels only matter to placed or nominated pods'
	// affinity terms with a namespaceSelector; skip the lookup otherwise.
	if withAffinity, _ := snap.affinityLists(); len(withAffinity) > 0 || len(snap.nominated) > 0 {
		cs.nsLabels = s.opts.Listers.namespaceLabels(pi.Pod.Namespace)
	}

	var result *preFilterResult
	var unschedulable *Status
	for _, step := range preFilterSteps {
		name := filterPlugins[step.idx].name
		names, st := step.fn(s, snap, cs)
		switch st.Code() {
		case Success:
		case Skip:
			cs.skip |= 1 << step.idx
			continue
		case UnschedulableAndUnresolvable:
			return cs, nil, st.withPlugin(name)
		case Unschedulable:
			unschedulable = st.withPlugin(name)
			continue
		default:
			return cs, nil, asStatus(fmt.Errorf("running PreFilter plugin %q: %w", name, st.AsError())).withPlugin(name)
		}
		if names == nil {
			continue
		}
		if result == nil {
			result = &preFilterResult{nodeNames: names}
		} else {
			result.nodeNames = result.nodeNames.Intersection(names)
		}
		result.plugins = append(result.plugins, name)
		if len(result.nodeNames) == 0 {
			msg := fmt.Sprintf("node(s) didn't satisfy plugin(s) %v simultaneously", result.plugins)
			if len(result.plugins) == 1 {
				msg = fmt.Sprintf("node(s) didn't satisfy plugin %v", result.plugins[0])
			}
			return cs, nil, NewStatus(UnschedulableAndUnresolvable, msg)
		}
	}
	if unschedulable != nil {
		return cs, nil, unschedulable
	}
	return cs, result, nil
}
