package framework

import (
	"math"

	corev1 "k8s.io/api/core/v1"
)

// PodTopologySpread score: ScheduleAnyway constraints, including the
// system defaults (upstream podtopologyspread/scoring.go). Domains are
// numbered per topology key (Snapshot.domains), so summing pods per domain
// is array arithmetic.

type spreadScoreState struct {
	constraints []spreadConstraint
	domains     []*domainIndex
	// ignored marks feasible nodes (by index) lacking a topology key.
	ignored []bool
	// counts[i][domain] is the number of matching pods in the domain;
	// registered[i][domain] marks the domains of feasible nodes, the only
	// ones counted. Hostname constraints use hostCounts per feasible node.
	counts     [][]int64
	registered [][]bool
	hostCounts [][]int
	weights    []float64
}

// preScorePodTopologySpread returns nil when the pod has no soft
// constraints (upstream PreScore returns Skip).
func preScorePodTopologySpread(s *Scheduler, snap *Snapshot, cs *cycleState, feasible []*NodeInfo) (*spreadScoreState, error) {
	pod := cs.pod.Pod
	if len(snap.list) == 0 {
		return nil, nil
	}
	constraints, err := spreadConstraintsOf(&s.opts.Listers, pod, corev1.ScheduleAnyway)
	if err != nil {
		return nil, err
	}
	if len(constraints) == 0 {
		return nil, nil
	}
	// Only the pod's own constraints require every key on a node; the
	// system defaults let nodes without a zone still spread by hostname.
	requireAll := len(pod.Spec.TopologySpreadConstraints) > 0
	st := &spreadScoreState{
		constraints: constraints,
		domains:     make([]*domainIndex, len(constraints)),
		ignored:     make([]bool, len(feasible)),
		counts:      make([][]int64, len(constraints)),
		registered:  make([][]bool, len(constraints)),
		hostCounts:  make([][]int, len(constraints)),
		weights:     make([]float64, len(constraints)),
	}
	for i := range constraints {
		st.domains[i] = snap.domains(constraints[i].topologyKey)
		if constraints[i].topologyKey != corev1.LabelHostname {
			st.counts[i] = make([]int64, len(st.domains[i].values))
			st.registered[i] = make([]bool, len(st.domains[i].values))
		}
	}
	topoSize := make([]int, len(constraints))
	numIgnored := 0
	for n, ni := range feasible {
		if requireAll && !st.hasAllKeys(ni.listIndex) {
			st.ignored[n] = true
			numIgnored++
			continue
		}
		for i := range constraints {
			if constraints[i].topologyKey == corev1.LabelHostname {
				continue
			}
			if id := st.domains[i].ids[ni.listIndex]; !st.registered[i][id] {
				st.registered[i][id] = true
				topoSize[i]++
			}
		}
	}
	for i := range constraints {
		c := &constraints[i]
		size := topoSize[i]
		if c.topologyKey == corev1.LabelHostname {
			size = len(feasible) - numIgnored
			st.hostCounts[i] = snap.matchingPodCounts(pod.Namespace, c.selector, feasible, nil)
		} else {
			s.countBuf = st.countDomains(snap, cs, i, requireAll, s.countBuf)
		}
		st.weights[i] = math.Log(float64(size + 2))
	}
	return st, nil
}

func (st *spreadScoreState) hasAllKeys(listIndex int) bool {
	for _, d := range st.domains {
		if !d.present[listIndex] {
			return false
		}
	}
	return true
}

// countDomains adds up, over all nodes, the matching pods of the domains
// that feasible nodes belong to. It returns buf, which it used as scratch.
func (st *spreadScoreState) countDomains(snap *Snapshot, cs *cycleState, i int, requireAll bool, buf []int) []int {
	c := &st.constraints[i]
	pod := cs.pod.Pod
	ids, registered, counts := st.domains[i].ids, st.registered[i], st.counts[i]
	matching := snap.matchingPodCounts(pod.Namespace, c.selector, snap.list, buf)
	for n, ni := range snap.list {
		if !registered[ids[n]] || (requireAll && !st.hasAllKeys(n)) {
			continue
		}
		if !c.includesNode(pod, ni.node, cs.nodeAffinity) {
			continue
		}
		counts[ids[n]] += int64(matching[n])
	}
	return matching
}

// score is the raw score of feasible node n: more matching pods around
// means a higher (worse) number, reversed by normalize.
func (st *spreadScoreState) score(n int, ni *NodeInfo) int64 {
	if st.ignored[n] {
		return 0
	}
	var score float64
	for i := range st.constraints {
		c := &st.constraints[i]
		d := st.domains[i]
		if !d.present[ni.listIndex] {
			continue
		}
		var cnt int64
		if c.topologyKey == corev1.LabelHostname {
			cnt = int64(st.hostCounts[i][n])
		} else {
			cnt = st.counts[i][d.ids[ni.listIndex]]
		}
		// maxSkew-1 is added so that small differences are watered down.
		score += float64(cnt)*st.weights[i] + float64(c.maxSkew-1)
	}
	return int64(math.Round(score))
}

// normalize maps raw scores to [0, 100], fewest matching pods best;
// ignored nodes get 0.
func (st *spreadScoreState) normalize(scores []int64) {
	var minScore int64 = math.MaxInt64
	var maxScore int64
	for n, s := range scores {
		if st.ignored[n] {
			continue
		}
		minScore = min(minScore, s)
		maxScore = max(maxScore, s)
	}
	for n := range scores {
		switch {
		case st.ignored[n]:
			scores[n] = 0
		case maxScore == 0:
			scores[n] = MaxNodeScore
		default:
			scores[n] = MaxNodeScore * (maxScore + minScore - scores[n]) / maxScore
		}
	}
}
