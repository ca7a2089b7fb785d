package framework

import (
	"fmt"
	"maps"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/sets"
)

// InterPodAffinity filter: required pod affinity and anti-affinity of the
// incoming pod, and required anti-affinity of the pods already placed
// (upstream interpodaffinity/filtering.go). PreFilter counts matching pods
// per topology domain once, so Filter is a few map lookups per node.

var (
	statusAffinityRules        = newPluginStatus(PluginInterPodAffinity, UnschedulableAndUnresolvable, "node(s) didn't match pod affinity rules")
	statusAntiAffinityRules    = newPluginStatus(PluginInterPodAffinity, Unschedulable, "node(s) didn't match pod anti-affinity rules")
	statusExistingAntiAffinity = newPluginStatus(PluginInterPodAffinity, Unschedulable, "node(s) didn't satisfy existing pods anti-affinity rules")
)

type topologyPair struct{ key, value string }

// topologyCounts counts matching pods per topology domain.
type topologyCounts map[topologyPair]int64

func (m topologyCounts) update(node *corev1.Node, key string, delta int64) {
	if v, ok := node.Labels[key]; ok {
		p := topologyPair{key, v}
		m[p] += delta
		if m[p] == 0 {
			delete(m, p)
		}
	}
}

// updateWithAffinityTerms counts pod in every term's domain when it matches
// all the terms.
func (m topologyCounts) updateWithAffinityTerms(terms []affinityTerm, pod *corev1.Pod, node *corev1.Node, delta int64) {
	if podMatchesAllAffinityTerms(terms, pod) {
		for i := range terms {
			m.update(node, terms[i].topologyKey, delta)
		}
	}
}

// updateWithAntiAffinityTerms counts pod in the domain of every term it matches.
func (m topologyCounts) updateWithAntiAffinityTerms(terms []affinityTerm, pod *corev1.Pod, nsLabels labels.Set, node *corev1.Node, delta int64) {
	for i := range terms {
		if terms[i].matches(pod, nsLabels) {
			m.update(node, terms[i].topologyKey, delta)
		}
	}
}

func podMatchesAllAffinityTerms(terms []affinityTerm, pod *corev1.Pod) bool {
	if len(terms) == 0 {
		return false
	}
	for i := range terms {
		if !terms[i].matches(pod, nil) {
			return false
		}
	}
	return true
}

type ipaFilterState struct {
	// existingAnti counts placed pods whose required anti-affinity terms
	// select the incoming pod.
	existingAnti topologyCounts
	// affinity and anti count placed pods selected by the incoming pod's
	// required affinity and anti-affinity terms.
	affinity topologyCounts
	anti     topologyCounts
	// The incoming pod's required terms, namespace selectors resolved.
	affinityTerms, antiTerms []affinityTerm
}

func (s *ipaFilterState) clone() *ipaFilterState {
	if s == nil {
		return nil
	}
	c := *s
	c.existingAnti = maps.Clone(s.existingAnti)
	c.affinity = maps.Clone(s.affinity)
	c.anti = maps.Clone(s.anti)
	return &c
}

// resolveNamespaceSelectors copies the terms with every non-empty
// namespaceSelector turned into the names of the namespaces it selects
// (upstream mergeAffinityTermNamespacesIfNotEmpty).
func resolveNamespaceSelectors(l *Listers, terms []affinityTerm) []affinityTerm {
	if len(terms) == 0 {
		return nil
	}
	out := make([]affinityTerm, len(terms))
	for i, t := range terms {
		if !t.namespaceSelector.Empty() {
			ns := t.namespaces.Clone()
			if l.Namespaces != nil {
				for _, n := range l.Namespaces() {
					if t.namespaceSelector.Matches(labels.Set(n.Labels)) {
						ns.Insert(n.Name)
					}
				}
			}
			t.namespaces = ns
			t.namespaceSelector = labels.Nothing()
		}
		out[i] = t
	}
	return out
}

func preFilterInterPodAffinity(s *Scheduler, snap *Snapshot, cs *cycleState) (sets.Set[string], *Status) {
	pi := cs.pod
	if pi.parseErr != nil {
		return nil, NewStatus(UnschedulableAndUnresolvable, fmt.Sprintf("parsing pod: %+v", pi.parseErr))
	}
	st := &ipaFilterState{
		existingAnti:  topologyCounts{},
		affinity:      topologyCounts{},
		anti:          topologyCounts{},
		affinityTerms: resolveNamespaceSelectors(&s.opts.Listers, pi.requiredAffinityTerms),
		antiTerms:     resolveNamespaceSelectors(&s.opts.Listers, pi.requiredAntiAffinityTerms),
	}
	_, withAnti := snap.affinityLists()
	for _, ni := range withAnti {
		for _, existing := range ni.podsWithRequiredAntiAffinity {
			st.existingAnti.updateWithAntiAffinityTerms(existing.requiredAntiAffinityTerms, pi.Pod, cs.nsLabels, ni.node, 1)
		}
	}
	if len(st.existingAnti) == 0 && len(st.affinityTerms) == 0 && len(st.antiTerms) == 0 {
		return nil, NewStatus(Skip)
	}
	if len(st.affinityTerms) > 0 || len(st.antiTerms) > 0 {
		for _, ni := range snap.list {
			for _, existing := range ni.pods {
				st.affinity.updateWithAffinityTerms(st.affinityTerms, existing.Pod, ni.node, 1)
				st.anti.updateWithAntiAffinityTerms(st.antiTerms, existing.Pod, nil, ni.node, 1)
			}
		}
	}
	cs.ipa = st
	return nil, nil
}

func filterInterPodAffinity(cs *cycleState, ni *NodeInfo) *Status {
	st := cs.ipa
	if !satisfyPodAffinity(cs, st, ni.node) {
		return statusAffinityRules
	}
	for i := range st.antiTerms {
		t := &st.antiTerms[i]
		if v, ok := ni.node.Labels[t.topologyKey]; ok && st.anti[topologyPair{t.topologyKey, v}] > 0 {
			return statusAntiAffinityRules
		}
	}
	if len(st.existingAnti) > 0 {
		for k, v := range ni.node.Labels {
			if st.existingAnti[topologyPair{k, v}] > 0 {
				return statusExistingAntiAffinity
			}
		}
	}
	return nil
}

// satisfyPodAffinity requires every term's domain on the node to hold a
// matching pod. The first pod of a group with affinity to itself passes
// when no pod matches anywhere yet and it matches its own terms.
func satisfyPodAffinity(cs *cycleState, st *ipaFilterState, node *corev1.Node) bool {
	podsExist := true
	for i := range st.affinityTerms {
		t := &st.affinityTerms[i]
		v, ok := node.Labels[t.topologyKey]
		if !ok {
			return false
		}
		if st.affinity[topologyPair{t.topologyKey, v}] <= 0 {
			podsExist = false
		}
	}
	if podsExist {
		return true
	}
	return len(st.affinity) == 0 && podMatchesAllAffinityTerms(st.affinityTerms, cs.pod.Pod)
}

func ipaAddPod(cs *cycleState, pi *PodInfo, ni *NodeInfo)    { ipaUpdate(cs, pi, ni, 1) }
func ipaRemovePod(cs *cycleState, pi *PodInfo, ni *NodeInfo) { ipaUpdate(cs, pi, ni, -1) }

// ipaUpdate is upstream preFilterState.updateWithPod.
func ipaUpdate(cs *cycleState, pi *PodInfo, ni *NodeInfo, delta int64) {
	st := cs.ipa
	if st == nil || ni.node == nil {
		return
	}
	st.existingAnti.updateWithAntiAffinityTerms(pi.requiredAntiAffinityTerms, cs.pod.Pod, cs.nsLabels, ni.node, delta)
	st.affinity.updateWithAffinityTerms(st.affinityTerms, pi.Pod, ni.node, delta)
	st.anti.updateWithAntiAffinityTerms(st.antiTerms, pi.Pod, nil, ni.node, delta)
}
