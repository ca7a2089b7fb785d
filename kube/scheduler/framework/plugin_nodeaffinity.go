package framework

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/component-helpers/scheduling/corev1/nodeaffinity"
)

// NodeAffinity: spec.nodeSelector plus required node affinity as a filter,
// preferred node affinity as a score (upstream plugins/nodeaffinity).

var (
	statusNodeAffinity     = newPluginStatus(PluginNodeAffinity, UnschedulableAndUnresolvable, "node(s) didn't match Pod's node affinity/selector")
	statusAffinityConflict = newPluginStatus(PluginNodeAffinity, UnschedulableAndUnresolvable, "pod affinity terms conflict")
)

// preFilterNodeAffinity parses the pod's required node selection and, when
// every term pins metadata.name, narrows the search to those nodes.
func preFilterNodeAffinity(_ *Scheduler, _ *Snapshot, cs *cycleState) (sets.Set[string], *Status) {
	pod := cs.pod.Pod
	a := pod.Spec.Affinity
	// PodTopologySpread reads the parsed selection too, even when this
	// plugin's Filter is skipped.
	cs.nodeAffinity = nodeaffinity.GetRequiredNodeAffinity(pod)
	noNodeAffinity := a == nil || a.NodeAffinity == nil || a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution == nil
	if noNodeAffinity && pod.Spec.NodeSelector == nil {
		return nil, NewStatus(Skip)
	}
	if noNodeAffinity {
		return nil, nil
	}
	terms := a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms
	if len(terms) == 0 {
		return nil, nil
	}
	var nodeNames sets.Set[string]
	for _, t := range terms {
		var termNames sets.Set[string]
		for _, r := range t.MatchFields {
			if r.Key == metav1.ObjectNameField && r.Operator == corev1.NodeSelectorOpIn {
				s := sets.New(r.Values...)
				if termNames == nil {
					termNames = s
				} else {
					termNames = termNames.Intersection(s)
				}
			}
		}
		if termNames == nil {
			// A term without a name requirement admits any node: terms are ORed.
			return nil, nil
		}
		nodeNames = nodeNames.Union(termNames)
	}
	if nodeNames != nil && len(nodeNames) == 0 {
		return nil, statusAffinityConflict
	}
	return nodeNames, nil
}

func filterNodeAffinity(cs *cycleState, ni *NodeInfo) *Status {
	// Parse errors count as no match, as upstream ignores them.
	if ok, _ := cs.nodeAffinity.Match(ni.node); !ok {
		return statusNodeAffinity
	}
	return nil
}

// preferredNodeAffinity parses the pod's preferred terms; nil when there
// are none (upstream PreScore returns Skip then).
func preferredNodeAffinity(pod *corev1.Pod) (*nodeaffinity.PreferredSchedulingTerms, error) {
	a := pod.Spec.Affinity
	if a == nil || a.NodeAffinity == nil || a.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution == nil {
		return nil, nil
	}
	return nodeaffinity.NewPreferredSchedulingTerms(a.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution)
}
