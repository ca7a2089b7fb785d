package framework

import "k8s.io/apimachinery/pkg/util/sets"

// NodePorts rejects nodes where a requested host port is taken (upstream
// plugins/nodeports). Preemption can free ports, hence Unschedulable.

var statusNodePorts = newPluginStatus(PluginNodePorts, Unschedulable, "node(s) didn't have free ports for the requested pod ports")

func preFilterNodePorts(_ *Scheduler, _ *Snapshot, cs *cycleState) (sets.Set[string], *Status) {
	if len(cs.pod.hostPorts) == 0 {
		return nil, NewStatus(Skip)
	}
	return nil, nil
}

func filterNodePorts(cs *cycleState, ni *NodeInfo) *Status {
	for _, p := range cs.pod.hostPorts {
		if ni.usedPorts.conflicts(p.HostIP, string(p.Protocol), p.HostPort) {
			return statusNodePorts
		}
	}
	return nil
}
