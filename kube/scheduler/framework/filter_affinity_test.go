package framework

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
)

func zoneNodes() []*corev1.Node {
	return []*corev1.Node{
		mkNode("a1", "4", "8Gi", nodeLabels(corev1.LabelTopologyZone, "a")),
		mkNode("a2", "4", "8Gi", nodeLabels(corev1.LabelTopologyZone, "a")),
		mkNode("b1", "4", "8Gi", nodeLabels(corev1.LabelTopologyZone, "b")),
		mkNode("c1", "4", "8Gi", nodeLabels(corev1.LabelTopologyZone, "c")),
	}
}

func podAffinity(key string, sel ...string) *corev1.Affinity {
	return &corev1.Affinity{PodAffinity: &corev1.PodAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{
		{LabelSelector: selector(sel...), TopologyKey: key}}}}
}

func podAntiAffinity(key string, sel ...string) *corev1.Affinity {
	return &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{
		{LabelSelector: selector(sel...), TopologyKey: key}}}}
}

func TestInterPodAffinityFilter(t *testing.T) {
	const (
		affinityMsg = "UnschedulableAndUnresolvable: node(s) didn't match pod affinity rules"
		antiMsg     = "Unschedulable: node(s) didn't match pod anti-affinity rules"
		existingMsg = "Unschedulable: node(s) didn't satisfy existing pods anti-affinity rules"
	)
	tests := []struct {
		name     string
		existing []*corev1.Pod
		pod      *corev1.Pod
		want     map[string]string
	}{
		{
			name:     "affinity to a zone with a matching pod",
			existing: []*corev1.Pod{mkPod("db", withLabels("app", "db"), onNode("a2"))},
			pod:      mkPod("p", withAffinity(podAffinity(corev1.LabelTopologyZone, "app", "db"))),
			want:     map[string]string{"b1": affinityMsg, "c1": affinityMsg},
		},
		{
			name: "first pod of a self-affine group may go anywhere",
			pod:  mkPod("p", withLabels("app", "web"), withAffinity(podAffinity(corev1.LabelTopologyZone, "app", "web"))),
			want: map[string]string{},
		},
		{
			name: "affinity nobody satisfies",
			pod:  mkPod("p", withAffinity(podAffinity(corev1.LabelTopologyZone, "app", "db"))),
			want: map[string]string{"a1": affinityMsg, "a2": affinityMsg, "b1": affinityMsg, "c1": affinityMsg},
		},
		{
			name:     "anti-affinity by hostname",
			existing: []*corev1.Pod{mkPod("w1", withLabels("app", "web"), onNode("a1"))},
			pod:      mkPod("p", withLabels("app", "web"), withAffinity(podAntiAffinity(corev1.LabelHostname, "app", "web"))),
			want:     map[string]string{"a1": antiMsg},
		},
		{
			name:     "anti-affinity by zone",
			existing: []*corev1.Pod{mkPod("w1", withLabels("app", "web"), onNode("a1"))},
			pod:      mkPod("p", withAffinity(podAntiAffinity(corev1.LabelTopologyZone, "app", "web"))),
			want:     map[string]string{"a1": antiMsg, "a2": antiMsg},
		},
		{
			name:     "existing pod's anti-affinity",
			existing: []*corev1.Pod{mkPod("lonely", onNode("b1"), withAffinity(podAntiAffinity(corev1.LabelTopologyZone, "app", "web")))},
			pod:      mkPod("p", withLabels("app", "web")),
			want:     map[string]string{"b1": existingMsg},
		},
		{
			name:     "anti-affinity ignores other namespaces",
			existing: []*corev1.Pod{mkPod("w1", withLabels("app", "web"), onNode("a1"), func(p *corev1.Pod) { p.Namespace = "other" })},
			pod:      mkPod("p", withAffinity(podAntiAffinity(corev1.LabelHostname, "app", "web"))),
			want:     map[string]string{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			snap := NewSnapshot(zoneNodes(), tc.existing)
			got := statusesOf(t, newTestScheduler(t, Options{}), snap, tc.pod)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestInterPodAffinityNamespaceSelector(t *testing.T) {
	nss := []*corev1.Namespace{
		{ObjectMeta: metav1ObjectMeta("team-a", "team", "a")},
		{ObjectMeta: metav1ObjectMeta("team-b", "team", "b")},
	}
	existing := []*corev1.Pod{mkPod("w1", withLabels("app", "web"), onNode("a1"), func(p *corev1.Pod) { p.Namespace = "team-a" })}
	a := podAntiAffinity(corev1.LabelHostname, "app", "web")
	a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution[0].NamespaceSelector = selector("team", "a")
	s := newTestScheduler(t, Options{Listers: Listers{Namespaces: func() []*corev1.Namespace { return nss }}})
	got := statusesOf(t, s, NewSnapshot(zoneNodes(), existing), mkPod("p", withAffinity(a)))
	want := map[string]string{"a1": "Unschedulable: node(s) didn't match pod anti-affinity rules"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestPodTopologySpreadFilter(t *testing.T) {
	const (
		notMatch = "Unschedulable: node(s) didn't match pod topology spread constraints"
		missing  = "UnschedulableAndUnresolvable: node(s) didn't match pod topology spread constraints (missing required label)"
	)
	web := func(name, node string) *corev1.Pod { return mkPod(name, withLabels("app", "web"), onNode(node)) }
	zoneSpread := corev1.TopologySpreadConstraint{MaxSkew: 1, TopologyKey: corev1.LabelTopologyZone,
		WhenUnsatisfiable: corev1.DoNotSchedule, LabelSelector: selector("app", "web")}
	tests := []struct {
		name     string
		nodes    []*corev1.Node
		existing []*corev1.Pod
		spread   corev1.TopologySpreadConstraint
		podOpts  []podOpt
		want     map[string]string
	}{
		{
			name:     "zone a is ahead by one",
			existing: []*corev1.Pod{web("w1", "a1")},
			spread:   zoneSpread,
			want:     map[string]string{"a1": notMatch, "a2": notMatch},
		},
		{
			name:     "balanced zones admit all",
			existing: []*corev1.Pod{web("w1", "a1"), web("w2", "b1"), web("w3", "c1")},
			spread:   zoneSpread,
			want:     map[string]string{},
		},
		{
			name:     "node without the topology key",
			nodes:    append(zoneNodes(), mkNode("nozone", "4", "8Gi")),
			existing: []*corev1.Pod{web("w1", "a1"), web("w2", "b1"), web("w3", "c1")},
			spread:   zoneSpread,
			want:     map[string]string{"nozone": missing},
		},
		{
			name:     "minDomains above the number of zones makes the global minimum 0",
			existing: []*corev1.Pod{web("w1", "a1"), web("w2", "b1"), web("w3", "c1")},
			spread: func() corev1.TopologySpreadConstraint {
				c := zoneSpread
				c.MinDomains = ptr.To[int32](4)
				return c
			}(),
			want: map[string]string{"a1": notMatch, "a2": notMatch, "b1": notMatch, "c1": notMatch},
		},
		{
			name: "nodeAffinityPolicy Honor leaves zones the pod cannot reach out of the minimum",
			nodes: append(zoneNodes(),
				mkNode("d1", "4", "8Gi", nodeLabels(corev1.LabelTopologyZone, "d", "pool", "other"))),
			existing: []*corev1.Pod{web("w1", "a1"), web("w2", "b1"), web("w3", "c1")},
			spread:   zoneSpread,
			podOpts: []podOpt{withAffinity(&corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
				RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
					MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "pool", Operator: corev1.NodeSelectorOpDoesNotExist}},
				}}}}})},
			want: map[string]string{"d1": "UnschedulableAndUnresolvable: node(s) didn't match Pod's node affinity/selector"},
		},
		{
			name: "nodeAffinityPolicy Ignore counts the unreachable empty zone",
			nodes: append(zoneNodes(),
				mkNode("d1", "4", "8Gi", nodeLabels(corev1.LabelTopologyZone, "d", "pool", "other"))),
			existing: []*corev1.Pod{web("w1", "a1"), web("w2", "b1"), web("w3", "c1")},
			spread: func() corev1.TopologySpreadConstraint {
				c := zoneSpread
				c.NodeAffinityPolicy = ptr.To(corev1.NodeInclusionPolicyIgnore)
				return c
			}(),
			podOpts: []podOpt{withAffinity(&corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
				RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
					MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "pool", Operator: corev1.NodeSelectorOpDoesNotExist}},
				}}}}})},
			want: map[string]string{
				"a1": notMatch, "a2": notMatch, "b1": notMatch, "c1": notMatch,
				"d1": "UnschedulableAndUnresolvable: node(s) didn't match Pod's node affinity/selector",
			},
		},
		{
			name: "nodeTaintsPolicy Honor leaves tainted zones out",
			nodes: append(zoneNodes(),
				mkNode("d1", "4", "8Gi", nodeLabels(corev1.LabelTopologyZone, "d"), taint("k", "v", corev1.TaintEffectNoSchedule))),
			existing: []*corev1.Pod{web("w1", "a1"), web("w2", "b1"), web("w3", "c1")},
			spread: func() corev1.TopologySpreadConstraint {
				c := zoneSpread
				c.NodeTaintsPolicy = ptr.To(corev1.NodeInclusionPolicyHonor)
				return c
			}(),
			want: map[string]string{"d1": "UnschedulableAndUnresolvable: node(s) had untolerated taint(s)"},
		},
		{
			name:     "matchLabelKeys only counts the same revision",
			existing: []*corev1.Pod{mkPod("old", withLabels("app", "web", "rev", "1"), onNode("a1"))},
			spread: func() corev1.TopologySpreadConstraint {
				c := zoneSpread
				c.MatchLabelKeys = []string{"rev"}
				return c
			}(),
			podOpts: []podOpt{withLabels("rev", "2")},
			want:    map[string]string{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			nodes := tc.nodes
			if nodes == nil {
				nodes = zoneNodes()
			}
			opts := append([]podOpt{withLabels("app", "web"), withSpread(tc.spread)}, tc.podOpts...)
			got := statusesOf(t, newTestScheduler(t, Options{}), NewSnapshot(nodes, tc.existing), mkPod("p", opts...))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
