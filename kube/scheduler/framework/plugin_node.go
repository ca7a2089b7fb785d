package framework

import (
	corev1 "k8s.io/api/core/v1"
	corev1helpers "k8s.io/component-helpers/scheduling/corev1"
)

// The simple per-node filters: NodeUnschedulable, NodeName and
// TaintToleration (upstream plugins/nodeunschedulable, nodename,
// tainttoleration).

var (
	statusNodeUnschedulable = newPluginStatus(PluginNodeUnschedulable, UnschedulableAndUnresolvable, "node(s) were unschedulable")
	statusNodeName          = newPluginStatus(PluginNodeName, UnschedulableAndUnresolvable, "node(s) didn't match the requested node name")
	// Since 1.35 (kubernetes#134740) the reason no longer names the taint,
	// whose key and value may be sensitive.
	statusUntoleratedTaint = newPluginStatus(PluginTaintToleration, UnschedulableAndUnresolvable, "node(s) had untolerated taint(s)")
)

// filterNodeUnschedulable rejects cordoned nodes unless the pod tolerates
// the node.kubernetes.io/unschedulable:NoSchedule taint.
func filterNodeUnschedulable(cs *cycleState, ni *NodeInfo) *Status {
	if ni.node.Spec.Unschedulable && !cs.toleratesUnschedulable {
		return statusNodeUnschedulable
	}
	return nil
}

// filterNodeName rejects every node but spec.nodeName when it is set.
func filterNodeName(cs *cycleState, ni *NodeInfo) *Status {
	if n := cs.pod.Pod.Spec.NodeName; n != "" && n != ni.node.Name {
		return statusNodeName
	}
	return nil
}

// filterTaintToleration rejects nodes with a NoSchedule or NoExecute taint
// the pod does not tolerate. Lt/Gt tolerations are honoured: the API
// server only admits them when the feature is on.
func filterTaintToleration(cs *cycleState, ni *NodeInfo) *Status {
	taints := ni.node.Spec.Taints
	tolerations := cs.pod.Pod.Spec.Tolerations
	for i := range taints {
		t := &taints[i]
		if t.Effect != corev1.TaintEffectNoSchedule && t.Effect != corev1.TaintEffectNoExecute {
			continue
		}
		if !corev1helpers.TolerationsTolerateTaint(discardLogger, tolerations, t, true) {
			return statusUntoleratedTaint
		}
	}
	return nil
}

// preferNoScheduleTolerations are the tolerations that can tolerate a
// PreferNoSchedule taint: that effect, or no effect.
func preferNoScheduleTolerations(tolerations []corev1.Toleration) []corev1.Toleration {
	var out []corev1.Toleration
	for _, t := range tolerations {
		if t.Effect == "" || t.Effect == corev1.TaintEffectPreferNoSchedule {
			out = append(out, t)
		}
	}
	return out
}

// scoreTaintToleration counts the PreferNoSchedule taints the pod does not
// tolerate; the normalization reverses it so that fewer is better.
func scoreTaintToleration(tolerations []corev1.Toleration, ni *NodeInfo) int64 {
	var n int64
	taints := ni.node.Spec.Taints
	for i := range taints {
		if taints[i].Effect != corev1.TaintEffectPreferNoSchedule {
			continue
		}
		if !corev1helpers.TolerationsTolerateTaint(discardLogger, tolerations, &taints[i], true) {
			n++
		}
	}
	return n
}
