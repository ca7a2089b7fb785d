package framework

import corev1 "k8s.io/api/core/v1"

// nodeTree keeps node names per zone so that the node list interleaves
// zones: the first node of each zone, then the second of each, and so on.
// Scheduling examines a rotating window of that list, and interleaving
// keeps the window spread over zones (upstream backend/cache/node_tree.go).
type nodeTree struct {
	zones  []string
	tree   map[string][]string
	zoneOf map[string]string
	num    int
}

func newNodeTree() nodeTree {
	return nodeTree{tree: map[string][]string{}, zoneOf: map[string]string{}}
}

// zoneKey is upstream utilnode.GetZoneKey: region and zone from the GA
// labels, falling back to the beta ones.
func zoneKey(node *corev1.Node) string {
	l := node.Labels
	if l == nil {
		return ""
	}
	zone, ok := l[corev1.LabelTopologyZone]
	if !ok {
		zone = l[corev1.LabelFailureDomainBetaZone]
	}
	region, ok := l[corev1.LabelTopologyRegion]
	if !ok {
		region = l[corev1.LabelFailureDomainBetaRegion]
	}
	if region == "" && zone == "" {
		return ""
	}
	return region + ":\x00:" + zone
}

// set adds the node, or moves it when its zone changed. It reports whether
// the list order changed.
func (t *nodeTree) set(node *corev1.Node) bool {
	zone := zoneKey(node)
	if old, ok := t.zoneOf[node.Name]; ok {
		if old == zone {
			return false
		}
		t.remove(node.Name)
	}
	if _, ok := t.tree[zone]; !ok {
		t.zones = append(t.zones, zone)
	}
	t.tree[zone] = append(t.tree[zone], node.Name)
	t.zoneOf[node.Name] = zone
	t.num++
	return true
}

func (t *nodeTree) remove(name string) bool {
	zone, ok := t.zoneOf[name]
	if !ok {
		return false
	}
	names := t.tree[zone]
	for i, n := range names {
		if n == name {
			names = append(names[:i:i], names[i+1:]...)
			break
		}
	}
	if len(names) == 0 {
		delete(t.tree, zone)
		for i, z := range t.zones {
			if z == zone {
				t.zones = append(t.zones[:i:i], t.zones[i+1:]...)
				break
			}
		}
	} else {
		t.tree[zone] = names
	}
	delete(t.zoneOf, name)
	t.num--
	return true
}

// list returns the node names interleaved by zone.
func (t *nodeTree) list() []string {
	out := make([]string, 0, t.num)
	for i := 0; len(out) < t.num; i++ {
		for _, z := range t.zones {
			if names := t.tree[z]; i < len(names) {
				out = append(out, names[i])
			}
		}
	}
	return out
}
