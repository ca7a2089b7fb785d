package daemonset

import (
	"context"
	"fmt"
	"sort"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// rollingUpdate replaces pods that are not at the current revision
// (upstream's rollingUpdate). Without surge, it deletes old pods while no
// more than maxUnavailable pods are unavailable, and the next sync creates
// their replacements; unavailable old pods are always replaced. With
// surge, it creates a new pod beside an old one on up to maxSurge nodes
// (on every node whose old pod is unavailable), and deletes the old pod
// once the new one is available.
func (c *Controller) rollingUpdate(ctx context.Context, ds *appsv1.DaemonSet, nodes []*corev1.Node, hash string) error {
	byNode, err := c.nodesToDaemonPods(ctx, ds, false)
	if err != nil {
		return fmt.Errorf("couldn't get node to daemon pod mapping for daemon set %q: %w", ds.Name, err)
	}
	maxSurge, maxUnavailable, desired, err := c.updatedDesiredNodeCounts(ds, nodes, byNode)
	if err != nil {
		return fmt.Errorf("couldn't get unavailable numbers: %w", err)
	}
	generation := templateGeneration(ds)
	if maxSurge == 0 {
		del := c.replaceWithinUnavailability(ds, byNode, hash, generation, maxUnavailable)
		return c.syncNodes(ctx, ds, del, nil, hash)
	}
	del, create := c.surge(ds, nodes, byNode, hash, generation, maxSurge, desired)
	return c.syncNodes(ctx, ds, del, create, hash)
}

// sortedNodeNames lists the nodes of byNode in name order, so that the
// choice among equal candidates does not depend on map order.
func sortedNodeNames(byNode map[string][]*corev1.Pod) []string {
	names := make([]string, 0, len(byNode))
	for n := range byNode {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// replaceWithinUnavailability picks the old pods to delete when not
// surging.
func (c *Controller) replaceWithinUnavailability(ds *appsv1.DaemonSet, byNode map[string][]*corev1.Pod, hash string, generation *int64, maxUnavailable int) []string {
	now := c.now()
	unavailable := 0
	var replace, candidates []string
	for _, node := range sortedNodeNames(byNode) {
		newPod, oldPod, ok := findUpdatedPodsOnNode(byNode[node], hash, generation)
		switch {
		case !ok:
			unavailable++ // surplus pods: manage cleans the node up first
		case (oldPod == nil) == (newPod == nil):
			unavailable++ // nothing yet, or both: manage creates or deletes
		case newPod != nil:
			if !isPodAvailable(newPod, ds.Spec.MinReadySeconds, now) {
				unavailable++
			}
		case !isPodAvailable(oldPod, ds.Spec.MinReadySeconds, now):
			replace = append(replace, oldPod.Name)
			unavailable++
		case unavailable < maxUnavailable:
			candidates = append(candidates, oldPod.Name)
		}
	}
	room := min(max(maxUnavailable-unavailable, 0), len(candidates))
	return append(replace, candidates[:room]...)
}

// surge picks the nodes to create a new pod on beside an old one, and the
// old pods to delete, when surging.
func (c *Controller) surge(ds *appsv1.DaemonSet, nodes []*corev1.Node, byNode map[string][]*corev1.Pod, hash string,
	generation *int64, maxSurge, desired int) (del, create []string) {
	now := c.now()
	nodeByName := make(map[string]*corev1.Node, len(nodes))
	for _, n := range nodes {
		nodeByName[n.Name] = n
	}
	p := newPlacement(ds)
	// A node that no longer exists should not run anything; upstream fails
	// the sync there and waits for the pod GC, which kubesim lacks.
	shouldRun := func(name string) bool {
		n, ok := nodeByName[name]
		if !ok {
			return false
		}
		run, _ := p.shouldRun(n)
		return run
	}
	var shouldNotRun, allowed, candidates []string
	surged, available := 0, 0
	for _, node := range sortedNodeNames(byNode) {
		newPod, oldPod, ok := findUpdatedPodsOnNode(byNode[node], hash, generation)
		if !ok {
			surged++ // surplus pods: manage cleans the node up first
			continue
		}
		if oldPod != nil && isPodAvailable(oldPod, ds.Spec.MinReadySeconds, now) ||
			oldPod == nil && newPod != nil && isPodAvailable(newPod, ds.Spec.MinReadySeconds, now) {
			available++
		}
		switch {
		case oldPod == nil:
			// manage handles this node
		case newPod == nil && !isPodAvailable(oldPod, ds.Spec.MinReadySeconds, now):
			if !shouldRun(node) {
				del = append(del, oldPod.Name)
				continue
			}
			allowed = append(allowed, node)
		case newPod == nil:
			if !shouldRun(node) {
				shouldNotRun = append(shouldNotRun, oldPod.Name)
				continue
			}
			if surged < maxSurge {
				candidates = append(candidates, node)
			}
		case !isPodAvailable(newPod, ds.Spec.MinReadySeconds, now):
			surged++ // waiting for the new pod
		default:
			del = append(del, oldPod.Name) // the new pod took over
		}
	}
	// Pods on nodes that should no longer run them go only as pods
	// elsewhere become available: surging promises full availability.
	if deletable := available - desired; deletable > 0 {
		del = append(del, shouldNotRun[:min(deletable, len(shouldNotRun))]...)
	}
	room := min(max(maxSurge-surged, 0), len(candidates))
	return del, append(allowed, candidates[:room]...)
}

// findUpdatedPodsOnNode returns the node's live new and old pod; ok is
// false when there are several of either, for manage to prune first.
func findUpdatedPodsOnNode(pods []*corev1.Pod, hash string, generation *int64) (newPod, oldPod *corev1.Pod, ok bool) {
	for _, pod := range pods {
		if pod.DeletionTimestamp != nil {
			continue
		}
		if isPodUpdated(pod, hash, generation) {
			if newPod != nil {
				return nil, nil, false
			}
			newPod = pod
		} else {
			if oldPod != nil {
				return nil, nil, false
			}
			oldPod = pod
		}
	}
	return newPod, oldPod, true
}

// updatedDesiredNodeCounts returns maxSurge, maxUnavailable and the number
// of nodes that should run a pod, and adds an empty entry to byNode for
// each of those nodes that has none. With neither surge nor unavailability
// allowed, one unavailable pod is.
func (c *Controller) updatedDesiredNodeCounts(ds *appsv1.DaemonSet, nodes []*corev1.Node, byNode map[string][]*corev1.Pod) (int, int, int, error) {
	p := newPlacement(ds)
	desired := 0
	for _, node := range nodes {
		if run, _ := p.shouldRun(node); !run {
			continue
		}
		desired++
		if _, ok := byNode[node.Name]; !ok {
			byNode[node.Name] = nil
		}
	}
	maxUnavailable, err := unavailableCount(ds, desired)
	if err != nil {
		return -1, -1, -1, fmt.Errorf("invalid value for MaxUnavailable: %w", err)
	}
	maxSurge, err := surgeCount(ds, desired)
	if err != nil {
		return -1, -1, -1, fmt.Errorf("invalid value for MaxSurge: %w", err)
	}
	if desired > 0 && maxUnavailable == 0 && maxSurge == 0 {
		maxUnavailable = 1
	}
	return maxSurge, maxUnavailable, desired, nil
}
