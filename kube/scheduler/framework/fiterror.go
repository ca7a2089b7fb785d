package framework

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"
)

// ErrNoNodesAvailable is returned by Schedule when the snapshot has no
// nodes; upstream's scheduler returns the same words.
var ErrNoNodesAvailable = errors.New("no nodes available to schedule pods")

// NodeToStatus records why nodes were rejected: an explicit status per
// evaluated node, and one status shared by all nodes that are not in the
// map (rejected in PreFilter, outside a PreFilter node list, or not
// evaluated). Mirrors upstream's framework.NodeToStatus.
type NodeToStatus struct {
	nodeToStatus map[string]*Status
	absent       *Status
}

// NewNodeToStatus returns a map whose absent nodes are
// UnschedulableAndUnresolvable without a reason, as upstream's
// NewDefaultNodeToStatus.
func NewNodeToStatus() *NodeToStatus {
	return &NodeToStatus{nodeToStatus: map[string]*Status{}, absent: NewStatus(UnschedulableAndUnresolvable)}
}

// Get returns the node's status, or the absent status.
func (m *NodeToStatus) Get(nodeName string) *Status {
	if s, ok := m.nodeToStatus[nodeName]; ok {
		return s
	}
	return m.absent
}

// Set records a node's status.
func (m *NodeToStatus) Set(nodeName string, s *Status) { m.nodeToStatus[nodeName] = s }

// Len is the number of explicit statuses.
func (m *NodeToStatus) Len() int { return len(m.nodeToStatus) }

// AbsentNodesStatus is the status of every node without an explicit one.
func (m *NodeToStatus) AbsentNodesStatus() *Status { return m.absent }

// SetAbsentNodesStatus changes the status of nodes without an explicit one.
func (m *NodeToStatus) SetAbsentNodesStatus(s *Status) { m.absent = s }

// ForEachExplicitNode calls fn for every explicit status, in node name
// order so that callers are deterministic.
func (m *NodeToStatus) ForEachExplicitNode(fn func(nodeName string, s *Status)) {
	names := make([]string, 0, len(m.nodeToStatus))
	for n := range m.nodeToStatus {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fn(n, m.nodeToStatus[n])
	}
}

// nodesWithCode returns the nodes of list whose status has the given code,
// counting absent nodes by the absent status (upstream NodesForStatusCode).
func (m *NodeToStatus) nodesWithCode(list []*NodeInfo, code Code) []*NodeInfo {
	var out []*NodeInfo
	if m.absent.Code() == code {
		for _, ni := range list {
			if s, ok := m.nodeToStatus[ni.node.Name]; !ok || s.Code() == code {
				out = append(out, ni)
			}
		}
		return out
	}
	for _, ni := range list {
		if s, ok := m.nodeToStatus[ni.node.Name]; ok && s.Code() == code {
			out = append(out, ni)
		}
	}
	return out
}

// Diagnosis explains a scheduling failure.
type Diagnosis struct {
	// NodeToStatus holds the rejection of every node.
	NodeToStatus *NodeToStatus
	// UnschedulablePlugins names the plugins that rejected some node; the
	// scheduling queue uses it to decide which cluster events may help.
	UnschedulablePlugins sets.Set[string]
	// PreFilterMsg is set when a PreFilter step rejected the pod for all
	// nodes at once.
	PreFilterMsg string
	// PostFilterMsg is the preemption outcome, set by Scheduler.Preempt,
	// starting with "preemption: ".
	PostFilterMsg string
}

func (d *Diagnosis) addPluginStatus(s *Status) {
	if s.Plugin() == "" || !s.IsRejected() {
		return
	}
	if d.UnschedulablePlugins == nil {
		d.UnschedulablePlugins = sets.New[string]()
	}
	d.UnschedulablePlugins.Insert(s.Plugin())
}

// FitError is returned by Schedule when no node fits the pod. Its Error()
// is the FailedScheduling message of kube-scheduler.
type FitError struct {
	Pod         *corev1.Pod
	NumAllNodes int
	Diagnosis   Diagnosis
}

// noNodeAvailableMsg is upstream's NoNodeAvailableMsg.
const noNodeAvailableMsg = "0/%v nodes are available"

// Error formats "0/X nodes are available: <PreFilterMsg>. <FilterMsg>.
// <PostFilterMsg>" exactly as upstream's FitError.Error: filter reasons are
// counted per node, prefixed with the count and sorted as strings.
func (f *FitError) Error() string {
	msg := fmt.Sprintf(noNodeAvailableMsg+":", f.NumAllNodes)
	if pre := f.Diagnosis.PreFilterMsg; pre != "" {
		msg += fmt.Sprintf(" %v.", pre)
	} else {
		if sorted := f.sortedReasons(); len(sorted) != 0 {
			msg += fmt.Sprintf(" %v.", strings.Join(sorted, ", "))
		}
	}
	if post := f.Diagnosis.PostFilterMsg; post != "" {
		msg += fmt.Sprintf(" %v", post)
	}
	return msg
}

func (f *FitError) sortedReasons() []string {
	m := f.Diagnosis.NodeToStatus
	if m == nil {
		return nil
	}
	counts := map[string]int{}
	for _, s := range m.nodeToStatus {
		for _, r := range s.Reasons() {
			counts[r]++
		}
	}
	if m.Len() < f.NumAllNodes {
		for _, r := range m.absent.Reasons() {
			counts[r] += f.NumAllNodes - m.Len()
		}
	}
	out := make([]string, 0, len(counts))
	for r, n := range counts {
		out = append(out, fmt.Sprintf("%v %v", n, r))
	}
	sort.Strings(out)
	return out
}
