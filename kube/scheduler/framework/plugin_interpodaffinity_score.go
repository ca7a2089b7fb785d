package framework

import (
	"math"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// InterPodAffinity score: preferred terms of the incoming pod, and the
// required (with weight 1, hardPodAffinityWeight) and preferred terms of the
// placed pods, summed per topology domain (upstream
// interpodaffinity/scoring.go).

const hardPodAffinityWeight int32 = 1

// ipaScoreState maps topology key, then value, to a score.
type ipaScoreState map[string]map[string]int64

func (m ipaScoreState) processTerm(t *affinityTerm, weight int32, pod *corev1.Pod, nsLabels labels.Set, node *corev1.Node, mult int32) {
	if !t.matches(pod, nsLabels) {
		return
	}
	v, ok := node.Labels[t.topologyKey]
	if !ok {
		return
	}
	if m[t.topologyKey] == nil {
		m[t.topologyKey] = map[string]int64{}
	}
	m[t.topologyKey][v] += int64(weight * mult)
}

func (m ipaScoreState) processWeighted(terms []weightedAffinityTerm, pod *corev1.Pod, nsLabels labels.Set, node *corev1.Node, mult int32) {
	for i := range terms {
		m.processTerm(&terms[i].affinityTerm, terms[i].weight, pod, nsLabels, node, mult)
	}
}

// preScoreInterPodAffinity returns nil when no term matched anything
// (upstream PreScore returns Skip).
func preScoreInterPodAffinity(s *Scheduler, snap *Snapshot, cs *cycleState) ipaScoreState {
	pi := cs.pod
	hasPreferred := len(pi.preferredAffinityTerms) > 0 || len(pi.preferredAntiAffinityTerms) > 0
	affinityTerms := resolveWeighted(&s.opts.Listers, pi.preferredAffinityTerms)
	antiTerms := resolveWeighted(&s.opts.Listers, pi.preferredAntiAffinityTerms)
	nodes := snap.list
	if !hasPreferred {
		// Only placed pods with affinity can contribute.
		nodes, _ = snap.affinityLists()
	}
	m := ipaScoreState{}
	for _, ni := range nodes {
		node := ni.node
		if len(node.Labels) == 0 {
			continue
		}
		pods := ni.podsWithAffinity
		if hasPreferred {
			pods = ni.pods
		}
		for _, existing := range pods {
			// The incoming pod's terms have their namespace selectors
			// resolved, so the placed pod's namespace labels are not needed.
			m.processWeighted(affinityTerms, existing.Pod, nil, node, 1)
			m.processWeighted(antiTerms, existing.Pod, nil, node, -1)
			for i := range existing.requiredAffinityTerms {
				m.processTerm(&existing.requiredAffinityTerms[i], hardPodAffinityWeight, pi.Pod, cs.nsLabels, node, 1)
			}
			m.processWeighted(existing.preferredAffinityTerms, pi.Pod, cs.nsLabels, node, 1)
			m.processWeighted(existing.preferredAntiAffinityTerms, pi.Pod, cs.nsLabels, node, -1)
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

func resolveWeighted(l *Listers, terms []weightedAffinityTerm) []weightedAffinityTerm {
	if len(terms) == 0 {
		return nil
	}
	plain := make([]affinityTerm, len(terms))
	for i := range terms {
		plain[i] = terms[i].affinityTerm
	}
	plain = resolveNamespaceSelectors(l, plain)
	out := make([]weightedAffinityTerm, len(terms))
	for i := range terms {
		out[i] = weightedAffinityTerm{affinityTerm: plain[i], weight: terms[i].weight}
	}
	return out
}

func (m ipaScoreState) score(ni *NodeInfo) int64 {
	var score int64
	for key, values := range m {
		if v, ok := ni.node.Labels[key]; ok {
			score += values[v]
		}
	}
	return score
}

// normalizeInterPodAffinity scales scores linearly from the lowest (0) to
// the highest (100).
func normalizeInterPodAffinity(scores []int64) {
	var minScore int64 = math.MaxInt64
	var maxScore int64 = math.MinInt64
	for _, s := range scores {
		minScore = min(minScore, s)
		maxScore = max(maxScore, s)
	}
	diff := maxScore - minScore
	for i := range scores {
		f := 0.0
		if diff > 0 {
			f = float64(MaxNodeScore) * (float64(scores[i]-minScore) / float64(diff))
		}
		scores[i] = int64(f)
	}
}
