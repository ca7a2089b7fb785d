package framework

import (
	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/component-helpers/scheduling/corev1/nodeaffinity"
)

// Names of the default profile's plugins, as they appear in
// Status.Plugin and Diagnosis.UnschedulablePlugins.
const (
	PluginNodeUnschedulable  = "NodeUnschedulable"
	PluginNodeName           = "NodeName"
	PluginTaintToleration    = "TaintToleration"
	PluginNodeAffinity       = "NodeAffinity"
	PluginNodePorts          = "NodePorts"
	PluginNodeResourcesFit   = "NodeResourcesFit"
	PluginVolumeBinding      = "VolumeBinding"
	PluginVolumeZone         = "VolumeZone"
	PluginPodTopologySpread  = "PodTopologySpread"
	PluginInterPodAffinity   = "InterPodAffinity"
	PluginBalancedAllocation = "NodeResourcesBalancedAllocation"
	PluginDefaultPreemption  = "DefaultPreemption"
)

// discardLogger is handed to component-helpers calls that want a logger;
// their only logging is about malformed numeric tolerations.
var discardLogger = logr.Discard()

// cycleState is what PreFilter computes once per pod and Filter reads per
// node (upstream CycleState, with a typed field per plugin instead of a
// map). Preemption and nominated pods work on clones.
type cycleState struct {
	pod *PodInfo
	// listers are the scheduler's, for the few filters that look objects up.
	listers *Listers
	// skip has a bit per filterPlugins index whose PreFilter said Skip.
	skip uint32
	// toleratesUnschedulable: the pod tolerates node.kubernetes.io/unschedulable.
	toleratesUnschedulable bool
	nodeAffinity           nodeaffinity.RequiredNodeAffinity
	// fitScalars are the pod's scalar resources, sorted.
	fitScalars []corev1.ResourceName
	// nsLabels are the labels of the pod's namespace.
	nsLabels labels.Set
	volumes  *volumeState
	// volumeZones are the zone/region labels of the pod's bound volumes.
	volumeZones []pvTopology
	spread      *spreadFilterState
	ipa         *ipaFilterState
}

// clone copies the parts that preemption and nominated pods change.
func (cs *cycleState) clone() *cycleState {
	c := *cs
	c.spread = cs.spread.clone()
	c.ipa = cs.ipa.clone()
	return &c
}

func (cs *cycleState) skipped(idx int) bool { return cs.skip&(1<<idx) != 0 }

// filterPlugin is one Filter step with its PreFilter extensions, which keep
// the PreFilter state right when a pod is added to or removed from a node
// (nominated pods, preemption victims).
type filterPlugin struct {
	name      string
	filter    func(cs *cycleState, ni *NodeInfo) *Status
	addPod    func(cs *cycleState, pi *PodInfo, ni *NodeInfo)
	removePod func(cs *cycleState, pi *PodInfo, ni *NodeInfo)
}

// Indexes into filterPlugins, in the default profile's order.
const (
	idxNodeUnschedulable = iota
	idxNodeName
	idxTaintToleration
	idxNodeAffinity
	idxNodePorts
	idxNodeResourcesFit
	idxVolumeBinding
	idxVolumeZone
	idxPodTopologySpread
	idxInterPodAffinity
)

// filterPlugins run in this order; a node is rejected by the first plugin
// that rejects it, so each node carries one plugin's reasons.
var filterPlugins = [...]filterPlugin{
	idxNodeUnschedulable: {name: PluginNodeUnschedulable, filter: filterNodeUnschedulable},
	idxNodeName:          {name: PluginNodeName, filter: filterNodeName},
	idxTaintToleration:   {name: PluginTaintToleration, filter: filterTaintToleration},
	idxNodeAffinity:      {name: PluginNodeAffinity, filter: filterNodeAffinity},
	idxNodePorts:         {name: PluginNodePorts, filter: filterNodePorts},
	idxNodeResourcesFit:  {name: PluginNodeResourcesFit, filter: filterNodeResourcesFit},
	idxVolumeBinding:     {name: PluginVolumeBinding, filter: filterVolumeBinding},
	idxVolumeZone:        {name: PluginVolumeZone, filter: filterVolumeZone},
	idxPodTopologySpread: {name: PluginPodTopologySpread, filter: filterPodTopologySpread, addPod: spreadAddPod, removePod: spreadRemovePod},
	idxInterPodAffinity:  {name: PluginInterPodAffinity, filter: filterInterPodAffinity, addPod: ipaAddPod, removePod: ipaRemovePod},
}

// newPluginStatus builds a status already attributed to its plugin.
func newPluginStatus(plugin string, code Code, reasons ...string) *Status {
	return &Status{code: code, reasons: reasons, plugin: plugin}
}
