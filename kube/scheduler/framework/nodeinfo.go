package framework

import (
	"fmt"
	"sync/atomic"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
)

// NodeInfo is a node with the pods on it and what they add up to
// (upstream framework.NodeInfo). The framework reads NodeInfos; only the
// Snapshot that owns one changes it.
type NodeInfo struct {
	node *corev1.Node
	pods []*PodInfo
	// podsWithAffinity and podsWithRequiredAntiAffinity are the subsets that
	// inter-pod affinity must look at, so it can skip the other pods.
	podsWithAffinity             []*PodInfo
	podsWithRequiredAntiAffinity []*PodInfo
	usedPorts                    hostPortInfo
	requested                    Resource
	nonZeroRequested             Resource
	allocatable                  Resource
	// generation changes whenever the NodeInfo does.
	generation int64
	// listIndex is the node's position in its snapshot's node list, -1
	// when not listed.
	listIndex int
	// countSlots cache matching pod counts (see Snapshot.matchingPodCounts).
	countSlots [countSlots]countSlot
}

func newNodeInfo(node *corev1.Node) *NodeInfo {
	ni := &NodeInfo{usedPorts: hostPortInfo{}, listIndex: -1}
	if node != nil {
		ni.setNode(node)
	}
	return ni
}

func (n *NodeInfo) setNode(node *corev1.Node) {
	n.node = node
	n.allocatable = NewResource(node.Status.Allocatable)
	n.generation = nextGeneration()
}

// generationCounter makes NodeInfo generations unique across NodeInfos,
// so a cache keyed by generation never confuses a node removed and added
// again (upstream nextGeneration).
var generationCounter atomic.Int64

func nextGeneration() int64 { return generationCounter.Add(1) }

// Node returns the node; nil for a NodeInfo that only holds pods of a node
// the snapshot does not know (yet).
func (n *NodeInfo) Node() *corev1.Node { return n.node }

// Pods returns the pods on the node, including assumed ones.
func (n *NodeInfo) Pods() []*PodInfo { return n.pods }

// Requested is the sum of the pods' requests.
func (n *NodeInfo) Requested() Resource { return n.requested }

// NonZeroRequested is the sum of the pods' requests with the scoring
// defaults for containers that request no cpu or memory.
func (n *NodeInfo) NonZeroRequested() Resource { return n.nonZeroRequested }

// Allocatable is the node's status.allocatable.
func (n *NodeInfo) Allocatable() Resource { return n.allocatable }

// Generation changes every time the NodeInfo changes.
func (n *NodeInfo) Generation() int64 { return n.generation }

// addPodInfo adds a pod; the snapshot uses it to assume pods and preemption
// uses it on clones.
func (n *NodeInfo) addPodInfo(pi *PodInfo) {
	n.pods = append(n.pods, pi)
	if pi.hasAffinity() {
		n.podsWithAffinity = append(n.podsWithAffinity, pi)
	}
	if pi.hasRequiredAntiAffinity() {
		n.podsWithRequiredAntiAffinity = append(n.podsWithRequiredAntiAffinity, pi)
	}
	n.update(pi, 1)
}

// removePod removes the pod with the given UID and returns its PodInfo.
func (n *NodeInfo) removePod(uid types.UID) (*PodInfo, error) {
	var removed *PodInfo
	n.pods, removed = removeFromSlice(n.pods, uid)
	if removed == nil {
		name := "<nil>"
		if n.node != nil {
			name = n.node.Name
		}
		return nil, fmt.Errorf("no pod with uid %q on node %s", uid, name)
	}
	n.podsWithAffinity, _ = removeFromSlice(n.podsWithAffinity, uid)
	n.podsWithRequiredAntiAffinity, _ = removeFromSlice(n.podsWithRequiredAntiAffinity, uid)
	n.update(removed, -1)
	return removed, nil
}

// removeFromSlice swaps the matching pod out, as upstream does; order of
// pods on a node carries no meaning.
func removeFromSlice(s []*PodInfo, uid types.UID) ([]*PodInfo, *PodInfo) {
	for i, pi := range s {
		if pi.Pod.UID == uid {
			last := len(s) - 1
			s[i] = s[last]
			s[last] = nil
			s = s[:last]
			if len(s) == 0 {
				s = nil
			}
			return s, pi
		}
	}
	return s, nil
}

func (n *NodeInfo) update(pi *PodInfo, sign int64) {
	n.requested.add(&pi.Requests, sign)
	n.nonZeroRequested.MilliCPU += sign * pi.NonZeroCPU
	n.nonZeroRequested.Memory += sign * pi.NonZeroMemory
	for _, p := range pi.hostPorts {
		if sign > 0 {
			n.usedPorts.add(p.HostIP, string(p.Protocol), p.HostPort)
		} else {
			n.usedPorts.remove(p.HostIP, string(p.Protocol), p.HostPort)
		}
	}
	n.generation = nextGeneration()
}

// clone returns a copy that can gain and lose pods without touching n;
// pods themselves are shared (they are immutable).
func (n *NodeInfo) clone() *NodeInfo {
	c := &NodeInfo{
		node:             n.node,
		usedPorts:        n.usedPorts.clone(),
		requested:        n.requested.Clone(),
		nonZeroRequested: n.nonZeroRequested.Clone(),
		allocatable:      n.allocatable.Clone(),
		generation:       n.generation,
		listIndex:        n.listIndex,
	}
	c.pods = append([]*PodInfo(nil), n.pods...)
	c.podsWithAffinity = append([]*PodInfo(nil), n.podsWithAffinity...)
	c.podsWithRequiredAntiAffinity = append([]*PodInfo(nil), n.podsWithRequiredAntiAffinity...)
	return c
}
