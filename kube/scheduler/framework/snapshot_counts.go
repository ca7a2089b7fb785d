package framework

import (
	"k8s.io/apimachinery/pkg/labels"
)

// Two caches make topology spreading cheap for the common case of many
// replicas of one workload scheduled one after another:
//
//   - matching pod counts per node and selector, kept in a few slots on
//     each NodeInfo and valid while the node's generation is unchanged, so
//     that between two replicas only the node that got the last one is
//     recounted instead of every pod in the cluster;
//   - a numbering of the values each topology key takes on the listed
//     nodes, so that per-domain sums are array arithmetic instead of label
//     and map lookups.

// countSlots is the number of selectors whose counts a NodeInfo remembers.
const countSlots = 4

type countSlot struct {
	selector   uint64
	generation int64
	n          int
}

// countCache numbers (namespace, selector) pairs.
type countCache struct {
	ids    map[string]uint64
	nextID uint64
}

// maxSelectorIDs bounds the numbering; when full it restarts with fresh
// numbers, so stale slots can never match.
const maxSelectorIDs = 4096

func (c *countCache) id(key string) uint64 {
	if id, ok := c.ids[key]; ok {
		return id
	}
	if c.ids == nil || len(c.ids) >= maxSelectorIDs {
		c.ids = map[string]uint64{}
	}
	c.nextID++
	c.ids[key] = c.nextID
	return c.nextID
}

// matchingPodCounts returns, for each node, the number of its pods in
// namespace ns whose labels match sel, leaving out terminating pods
// (upstream countPodsMatchSelector). An empty selector matches nothing.
// The counts go to buf when it is large enough. Callers hold s.mu for
// reading.
func (s *Snapshot) matchingPodCounts(ns string, sel labels.Selector, nodes []*NodeInfo, buf []int) []int {
	out := grow(buf, len(nodes))
	if sel.Empty() {
		clear(out)
		return out
	}
	s.cacheMu.Lock()
	defer s.cacheMu.Unlock()
	id := s.counts.id(ns + "\x00" + sel.String())
	for i, ni := range nodes {
		slot := &ni.countSlots[id%countSlots]
		if slot.selector == id && slot.generation == ni.generation {
			out[i] = slot.n
			continue
		}
		n := countPodsMatching(ni.pods, sel, ns)
		*slot = countSlot{selector: id, generation: ni.generation, n: n}
		out[i] = n
	}
	return out
}

func countPodsMatching(pods []*PodInfo, sel labels.Selector, ns string) int {
	if sel.Empty() {
		return 0
	}
	n := 0
	for _, pi := range pods {
		p := pi.Pod
		if p.DeletionTimestamp != nil || p.Namespace != ns {
			continue
		}
		if sel.Matches(labels.Set(p.Labels)) {
			n++
		}
	}
	return n
}

// domainIndex numbers the values one label key takes on the listed nodes.
// A node without the key has the value "", as a missing label reads.
type domainIndex struct {
	// ids and present are by position in the snapshot's node list.
	ids     []int32
	present []bool
	values  []string
}

// domains returns the index for key, building it on first use after the
// node list or a node's labels changed. Callers hold s.mu for reading.
func (s *Snapshot) domains(key string) *domainIndex {
	s.cacheMu.Lock()
	defer s.cacheMu.Unlock()
	if d := s.domainIdx[key]; d != nil {
		return d
	}
	d := &domainIndex{ids: make([]int32, len(s.list)), present: make([]bool, len(s.list))}
	byValue := map[string]int32{}
	for i, ni := range s.list {
		v, ok := ni.node.Labels[key]
		id, seen := byValue[v]
		if !seen {
			id = int32(len(d.values))
			byValue[v] = id
			d.values = append(d.values, v)
		}
		d.ids[i], d.present[i] = id, ok
	}
	if s.domainIdx == nil {
		s.domainIdx = map[string]*domainIndex{}
	}
	s.domainIdx[key] = d
	return d
}

// forgetDomains drops the indexes after the node list or labels changed.
func (s *Snapshot) forgetDomains() {
	s.cacheMu.Lock()
	s.domainIdx = nil
	s.cacheMu.Unlock()
}
