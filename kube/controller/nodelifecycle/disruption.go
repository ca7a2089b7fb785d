package nodelifecycle

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/klog/v2"

	"github.com/kubesim/kubesim/store"
)

// updateZones recomputes the zones' states and adjusts their tainting
// rates as upstream's handleDisruption does: when every zone has lost all
// its nodes, the control plane is more likely cut off than the nodes dead,
// so the NoExecute taints come off and tainting stops; when some node is
// back, every node gets a fresh grace period. node and current, when
// given, stand for the node the monitor just looked at.
func (c *Controller) updateZones(ctx context.Context, view *store.View, node *corev1.Node, current *corev1.NodeCondition) {
	byZone, all := zoneStatuses(view, node, current)
	now := c.clock.Now()
	var reachable []*corev1.Node // nodes to untaint on entering full disruption
	var wake []string            // nodes to look at again
	c.mu.Lock()
	states := map[string]zoneState{}
	allAreFull := true
	for key, statuses := range byZone {
		states[key] = computeZoneState(statuses)
		allAreFull = allAreFull && states[key] == stateFullDisruption
		c.zoneLocked(key)
	}
	allWereFull := true
	for key, z := range c.zones {
		if _, ok := byZone[key]; !ok {
			delete(c.zones, key)
			continue
		}
		allWereFull = allWereFull && z.state == stateFullDisruption
	}
	switch {
	case allAreFull && allWereFull:
	case allAreFull:
		klog.InfoS("Controller detected that all Nodes are not-Ready. Entering master disruption mode")
		reachable = all
		for _, z := range c.zones {
			z.setRate(0)
			z.state = stateFullDisruption
		}
	case allWereFull:
		klog.InfoS("Controller detected that some Nodes are Ready. Exiting master disruption mode")
		tick := c.tickAtOrAfter(now)
		for _, h := range c.health {
			h.probe = tick
		}
		for key, z := range c.zones {
			z.setRate(rateFor(states[key], len(byZone[key])))
			z.state = states[key]
		}
		for _, n := range all {
			wake = append(wake, n.Name)
		}
	default:
		for key, z := range c.zones {
			if z.state == states[key] {
				continue
			}
			klog.V(2).InfoS("Controller detected that zone is now in new state", "zone", key, "newState", states[key])
			raised := z.setRate(rateFor(states[key], len(byZone[key])))
			z.state = states[key]
			if raised {
				wake = append(wake, namesInZone(all, key)...)
			}
		}
	}
	c.mu.Unlock()
	for _, n := range reachable {
		if err := c.markReachable(ctx, n); err != nil {
			klog.V(2).InfoS("Failed to remove taints from Node", "node", n.Name, "err", err)
		}
	}
	for _, name := range wake {
		c.monitor.AddAfter(nodeRequest(name), c.tickAfter(now).Sub(now))
	}
}

// zoneStatuses gathers each zone's Ready statuses, with current in place
// of the view's condition for node, and lists every node.
func zoneStatuses(view *store.View, node *corev1.Node, current *corev1.NodeCondition) (map[string][]corev1.ConditionStatus, []*corev1.Node) {
	byZone := map[string][]corev1.ConditionStatus{}
	var all []*corev1.Node
	view.List(nodesResource, "", func(obj runtime.Object) bool {
		n := obj.(*corev1.Node)
		if node != nil && n.Name == node.Name {
			n = node
		}
		all = append(all, n)
		if _, excluded := n.Labels[excludeDisruptionLabel]; excluded {
			return true
		}
		status := observedReady(n).Status
		if node != nil && n.Name == node.Name && current != nil {
			status = current.Status
		}
		byZone[zoneKey(n)] = append(byZone[zoneKey(n)], status)
		return true
	})
	return byZone, all
}

// namesInZone lists the names of the nodes of a zone.
func namesInZone(nodes []*corev1.Node, key string) []string {
	var out []string
	for _, n := range nodes {
		if zoneKey(n) == key {
			out = append(out, n.Name)
		}
	}
	return out
}
