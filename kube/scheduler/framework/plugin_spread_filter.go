package framework

import (
	"maps"
	"math"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/sets"
)

// PodTopologySpread filter: DoNotSchedule constraints (upstream
// podtopologyspread/filtering.go).

var (
	statusSpreadNotMatch     = newPluginStatus(PluginPodTopologySpread, Unschedulable, reasonSpreadNotMatch)
	statusSpreadMissingLabel = newPluginStatus(PluginPodTopologySpread, UnschedulableAndUnresolvable, reasonSpreadMissingLabel)
)

// spreadFilterState holds, per constraint, the matching pod count of every
// eligible domain and the two domains with the fewest (the "critical
// paths"): enough to compute the global minimum after preemption removes
// pods from one node.
type spreadFilterState struct {
	constraints []spreadConstraint
	critical    []criticalPaths
	counts      []map[string]int
}

type criticalPath struct {
	value string
	num   int
}

type criticalPaths [2]criticalPath

func newCriticalPaths() criticalPaths {
	return criticalPaths{{num: math.MaxInt32}, {num: math.MaxInt32}}
}

// update is upstream criticalPaths.update: keep [0] the minimum and [1]
// not smaller.
func (p *criticalPaths) update(value string, num int) {
	i := -1
	if value == p[0].value {
		i = 0
	} else if value == p[1].value {
		i = 1
	}
	if i >= 0 {
		p[i].num = num
		if p[0].num > p[1].num {
			p[0], p[1] = p[1], p[0]
		}
		return
	}
	if num < p[0].num {
		p[1] = p[0]
		p[0] = criticalPath{value, num}
	} else if num < p[1].num {
		p[1] = criticalPath{value, num}
	}
}

func (s *spreadFilterState) clone() *spreadFilterState {
	if s == nil {
		return nil
	}
	c := &spreadFilterState{constraints: s.constraints, critical: append([]criticalPaths(nil), s.critical...)}
	c.counts = make([]map[string]int, len(s.counts))
	for i, m := range s.counts {
		c.counts[i] = maps.Clone(m)
	}
	return c
}

// minMatchNum is the global minimum; with fewer eligible domains than
// minDomains it is 0.
func (s *spreadFilterState) minMatchNum(i int, minDomains int32) int {
	if len(s.counts[i]) < int(minDomains) {
		return 0
	}
	return s.critical[i][0].num
}

func preFilterPodTopologySpread(s *Scheduler, snap *Snapshot, cs *cycleState) (sets.Set[string], *Status) {
	pod := cs.pod.Pod
	constraints, err := spreadConstraintsOf(&s.opts.Listers, pod, corev1.DoNotSchedule)
	if err != nil {
		return nil, asStatus(err)
	}
	if len(constraints) == 0 {
		return nil, NewStatus(Skip)
	}
	st := &spreadFilterState{
		constraints: constraints,
		critical:    make([]criticalPaths, len(constraints)),
		counts:      make([]map[string]int, len(constraints)),
	}
	nodes := snap.list
	for i := range constraints {
		c := &constraints[i]
		st.counts[i] = map[string]int{}
		counts := snap.matchingPodCounts(pod.Namespace, c.selector, nodes, nil)
		// Domains in node-list order rather than map order, so that ties
		// between critical paths resolve the same way every run.
		var order []string
		for n, ni := range nodes {
			node := ni.node
			if !nodeHasSpreadKeys(node.Labels, constraints) || !c.includesNode(pod, node, cs.nodeAffinity) {
				continue
			}
			v := node.Labels[c.topologyKey]
			if _, seen := st.counts[i][v]; !seen {
				order = append(order, v)
			}
			st.counts[i][v] += counts[n]
		}
		st.critical[i] = newCriticalPaths()
		for _, v := range order {
			st.critical[i].update(v, st.counts[i][v])
		}
	}
	cs.spread = st
	return nil, nil
}

func filterPodTopologySpread(cs *cycleState, ni *NodeInfo) *Status {
	st := cs.spread
	podLabels := labels.Set(cs.pod.Pod.Labels)
	for i := range st.constraints {
		c := &st.constraints[i]
		value, ok := ni.node.Labels[c.topologyKey]
		if !ok {
			return statusSpreadMissingLabel
		}
		self := 0
		if c.selector.Matches(podLabels) {
			self = 1
		}
		// skew = existing matches + self - global minimum must not exceed maxSkew.
		if st.counts[i][value]+self-st.minMatchNum(i, c.minDomains) > int(c.maxSkew) {
			return statusSpreadNotMatch
		}
	}
	return nil
}

func spreadAddPod(cs *cycleState, pi *PodInfo, ni *NodeInfo)    { spreadUpdate(cs, pi, ni, 1) }
func spreadRemovePod(cs *cycleState, pi *PodInfo, ni *NodeInfo) { spreadUpdate(cs, pi, ni, -1) }

// spreadUpdate is upstream updateWithPod.
func spreadUpdate(cs *cycleState, pi *PodInfo, ni *NodeInfo, delta int) {
	st := cs.spread
	pod, node := cs.pod.Pod, ni.node
	if st == nil || node == nil || pi.Pod.Namespace != pod.Namespace || !nodeHasSpreadKeys(node.Labels, st.constraints) {
		return
	}
	podLabels := labels.Set(pi.Pod.Labels)
	for i := range st.constraints {
		c := &st.constraints[i]
		if !c.selector.Matches(podLabels) || !c.includesNode(pod, node, cs.nodeAffinity) {
			continue
		}
		v := node.Labels[c.topologyKey]
		st.counts[i][v] += delta
		st.critical[i].update(v, st.counts[i][v])
	}
}
