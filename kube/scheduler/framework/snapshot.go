package framework

import (
	"fmt"
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
)

// Snapshot is the cluster as the scheduler sees it: nodes, the pods bound
// or assumed on them, and pods nominated to nodes by preemption. The
// scheduling queue keeps one Snapshot up to date from the store and assumes
// each scheduled pod into it before binding completes.
//
// A Snapshot is safe for concurrent use: mutations take a write lock,
// Schedule and Preempt hold a read lock for the whole attempt.
type Snapshot struct {
	mu sync.RWMutex
	// infos holds every NodeInfo by node name, including pod-only entries
	// for pods whose node is not (or no longer) known.
	infos map[string]*NodeInfo
	tree  nodeTree
	// list is the known nodes in zone-interleaved order.
	list []*NodeInfo
	// podNode maps each pod's UID to the node it is on.
	podNode map[types.UID]string

	nominated       map[types.UID]nominatedPod
	nominatedByNode map[string][]*PodInfo

	// cacheMu guards the lazily rebuilt affinity node lists and the spread
	// count cache, which Schedule updates under the read lock.
	cacheMu                  sync.Mutex
	affinityListsDirty       bool
	withAffinity             []*NodeInfo
	withRequiredAntiAffinity []*NodeInfo
	counts                   countCache
	domainIdx                map[string]*domainIndex
}

type nominatedPod struct {
	pi   *PodInfo
	node string
}

// NewSnapshot builds a snapshot. Pods without spec.nodeName, and pods that
// have Succeeded or Failed, are left out: they use no node resources
// (upstream's scheduler informer filters them the same way).
func NewSnapshot(nodes []*corev1.Node, pods []*corev1.Pod) *Snapshot {
	s := &Snapshot{
		infos:           make(map[string]*NodeInfo, len(nodes)),
		tree:            newNodeTree(),
		podNode:         make(map[types.UID]string, len(pods)),
		nominated:       map[types.UID]nominatedPod{},
		nominatedByNode: map[string][]*PodInfo{},
	}
	for _, n := range nodes {
		if n == nil {
			continue
		}
		s.setNodeLocked(n)
	}
	for _, p := range pods {
		if p == nil || p.Spec.NodeName == "" || isTerminal(p) {
			continue
		}
		_ = s.addPodLocked(p, p.Spec.NodeName)
	}
	s.rebuildList()
	return s
}

func isTerminal(p *corev1.Pod) bool {
	return p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed
}

// NumNodes is the number of known nodes.
func (s *Snapshot) NumNodes() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.list)
}

// NodeInfo returns the node's NodeInfo, or nil.
func (s *Snapshot) NodeInfo(name string) *NodeInfo {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if ni := s.infos[name]; ni != nil && ni.node != nil {
		return ni
	}
	return nil
}

// NodeInfos returns the known nodes in the order scheduling walks them
// (zones interleaved). The slice must not be modified, and the NodeInfos
// change with the snapshot: read them only while nothing mutates it.
func (s *Snapshot) NodeInfos() []*NodeInfo {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.list
}

// SetNode adds a node or replaces it, keeping the pods on it.
func (s *Snapshot) SetNode(node *corev1.Node) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setNodeLocked(node)
	s.rebuildList()
}

func (s *Snapshot) setNodeLocked(node *corev1.Node) {
	ni := s.infos[node.Name]
	if ni == nil {
		ni = newNodeInfo(nil)
		s.infos[node.Name] = ni
	}
	ni.setNode(node)
	s.tree.set(node)
	// Labels may have changed.
	s.forgetDomains()
}

// RemoveNode forgets a node. Pods still bound to it are kept aside and
// come back if a node of that name is added again (as upstream's cache).
func (s *Snapshot) RemoveNode(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ni := s.infos[name]
	if ni == nil {
		return
	}
	s.tree.remove(name)
	if len(ni.pods) == 0 {
		delete(s.infos, name)
	} else {
		ni.node = nil
		ni.generation = nextGeneration()
	}
	s.rebuildList()
	s.markAffinityDirty()
}

func (s *Snapshot) rebuildList() {
	for _, ni := range s.list {
		ni.listIndex = -1
	}
	names := s.tree.list()
	s.list = make([]*NodeInfo, 0, len(names))
	for i, n := range names {
		ni := s.infos[n]
		ni.listIndex = i
		s.list = append(s.list, ni)
	}
	s.markAffinityDirty()
	s.forgetDomains()
}

// AddPod adds a pod bound to pod.Spec.NodeName, or replaces the pod with
// the same UID. A pod that has Succeeded or Failed is removed instead.
func (s *Snapshot) AddPod(pod *corev1.Pod) error {
	if pod.Spec.NodeName == "" {
		return fmt.Errorf("pod %s/%s has no spec.nodeName", pod.Namespace, pod.Name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if isTerminal(pod) {
		return s.removePodLocked(pod.UID, true)
	}
	return s.addPodLocked(pod, pod.Spec.NodeName)
}

// UpdatePod is AddPod: the pod replaces the one with its UID.
func (s *Snapshot) UpdatePod(pod *corev1.Pod) error { return s.AddPod(pod) }

// AssumePod puts pod on nodeName before the binding is stored, as the
// scheduler does right after choosing a host, so that the next pods see
// its resources taken. The snapshot keeps a shallow copy with
// spec.nodeName set; pod itself is not changed.
func (s *Snapshot) AssumePod(pod *corev1.Pod, nodeName string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ni := s.infos[nodeName]; ni == nil || ni.node == nil {
		return fmt.Errorf("assuming pod %s/%s: node %q not found", pod.Namespace, pod.Name, nodeName)
	}
	cp := *pod
	cp.Spec.NodeName = nodeName
	return s.addPodLocked(&cp, nodeName)
}

// RemovePod removes the pod with the given UID (a deleted pod, or an
// assumed pod whose binding failed).
func (s *Snapshot) RemovePod(uid types.UID) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.removePodLocked(uid, false)
}

func (s *Snapshot) addPodLocked(pod *corev1.Pod, nodeName string) error {
	if pod.UID == "" {
		return fmt.Errorf("pod %s/%s has no uid", pod.Namespace, pod.Name)
	}
	if err := s.removePodLocked(pod.UID, true); err != nil {
		return err
	}
	ni := s.infos[nodeName]
	if ni == nil {
		ni = newNodeInfo(nil)
		s.infos[nodeName] = ni
	}
	pi := NewPodInfo(pod)
	ni.addPodInfo(pi)
	s.podNode[pod.UID] = nodeName
	if pi.hasAffinity() {
		s.markAffinityDirty()
	}
	return nil
}

func (s *Snapshot) removePodLocked(uid types.UID, missingOK bool) error {
	nodeName, ok := s.podNode[uid]
	if !ok {
		if missingOK {
			return nil
		}
		return fmt.Errorf("pod with uid %q is not in the snapshot", uid)
	}
	ni := s.infos[nodeName]
	pi, err := ni.removePod(uid)
	if err != nil {
		return err
	}
	delete(s.podNode, uid)
	if ni.node == nil && len(ni.pods) == 0 {
		delete(s.infos, nodeName)
	}
	if pi.hasAffinity() {
		s.markAffinityDirty()
	}
	return nil
}

// AddNominatedPod records that preemption nominated pod to nodeName: while
// the victims terminate, pods of lower priority must not take the room
// (upstream's PodNominator). It replaces an earlier nomination of the pod.
func (s *Snapshot) AddNominatedPod(pod *corev1.Pod, nodeName string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.removeNominatedLocked(pod.UID)
	pi := NewPodInfo(pod)
	s.nominated[pod.UID] = nominatedPod{pi: pi, node: nodeName}
	s.nominatedByNode[nodeName] = append(s.nominatedByNode[nodeName], pi)
}

// RemoveNominatedPod forgets the pod's nomination, if any.
func (s *Snapshot) RemoveNominatedPod(uid types.UID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.removeNominatedLocked(uid)
}

func (s *Snapshot) removeNominatedLocked(uid types.UID) {
	np, ok := s.nominated[uid]
	if !ok {
		return
	}
	delete(s.nominated, uid)
	list := s.nominatedByNode[np.node]
	for i, pi := range list {
		if pi.Pod.UID == uid {
			list = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(s.nominatedByNode, np.node)
	} else {
		s.nominatedByNode[np.node] = list
	}
}

// NominatedPods returns the pods nominated to a node.
func (s *Snapshot) NominatedPods(nodeName string) []*corev1.Pod {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []*corev1.Pod
	for _, pi := range s.nominatedByNode[nodeName] {
		out = append(out, pi.Pod)
	}
	return out
}

func (s *Snapshot) markAffinityDirty() {
	s.cacheMu.Lock()
	s.affinityListsDirty = true
	s.cacheMu.Unlock()
}

// affinityLists returns the nodes that hold pods with inter-pod affinity,
// and those holding pods with required anti-affinity. Callers hold s.mu.
func (s *Snapshot) affinityLists() (withAffinity, withRequiredAntiAffinity []*NodeInfo) {
	s.cacheMu.Lock()
	defer s.cacheMu.Unlock()
	if s.affinityListsDirty || (s.withAffinity == nil && len(s.list) > 0) {
		s.withAffinity = make([]*NodeInfo, 0)
		s.withRequiredAntiAffinity = make([]*NodeInfo, 0)
		for _, ni := range s.list {
			if len(ni.podsWithAffinity) > 0 {
				s.withAffinity = append(s.withAffinity, ni)
			}
			if len(ni.podsWithRequiredAntiAffinity) > 0 {
				s.withRequiredAntiAffinity = append(s.withRequiredAntiAffinity, ni)
			}
		}
		s.affinityListsDirty = false
	}
	return s.withAffinity, s.withRequiredAntiAffinity
}
