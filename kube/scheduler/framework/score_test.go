package framework

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The expected numbers below are worked out by hand from upstream's
// formulas; the comments show the arithmetic.

func TestScoreNodeResources(t *testing.T) {
	nodes := []*corev1.Node{mkNode("a", "4", "8Gi"), mkNode("b", "2", "8Gi"), mkNode("c", "1", "1Gi")}
	existing := []*corev1.Pod{mkPod("e", requests("1", "2Gi"), onNode("a"))}
	s := newTestScheduler(t, Options{})
	snap := NewSnapshot(nodes, existing)
	pod := mkPod("p", requests("1", "1Gi"))

	// LeastAllocated, (free cpu% + free memory%) / 2 with the pod counted:
	//   a: cpu (4000-2000)*100/4000 = 50, mem (8-3)*100/8 = 62 -> 56
	//   b: cpu (2000-1000)*100/2000 = 50, mem (8-1)*100/8 = 87 -> 68
	//   c: cpu (1000-1000)*100/1000 = 0,  mem (1-1)*100/1 = 0  -> 0
	if diff := cmp.Diff(map[string]int64{"a": 56, "b": 68, "c": 0}, pluginScores(t, s, snap, pod, PluginNodeResourcesFit)); diff != "" {
		t.Errorf("LeastAllocated (-want +got):\n%s", diff)
	}
	// BalancedAllocation, (1 - |cpu% - mem%|/2) * 100:
	//   a: |0.5 - 0.375|/2 = 0.0625 -> 93;  b: |0.5 - 0.125|/2 = 0.1875 -> 81;  c: |1 - 1|/2 = 0 -> 100
	if diff := cmp.Diff(map[string]int64{"a": 93, "b": 81, "c": 100}, pluginScores(t, s, snap, pod, PluginBalancedAllocation)); diff != "" {
		t.Errorf("BalancedAllocation (-want +got):\n%s", diff)
	}

	// A best-effort pod counts as 100m / 200Mi for LeastAllocated, and
	// BalancedAllocation does not score it at all.
	//   c: cpu (1000-100)*100/1000 = 90, mem (1024-200)*100/1024 = 80 -> 85
	be := mkPod("be")
	if got := pluginScores(t, s, snap, be, PluginNodeResourcesFit)["c"]; got != 85 {
		t.Errorf("LeastAllocated of best-effort pod on c = %d, want 85", got)
	}
	if got := pluginScores(t, s, snap, be, PluginBalancedAllocation); len(got) != 0 {
		t.Errorf("BalancedAllocation scored a best-effort pod: %v", got)
	}
	// Existing best-effort pods count with the defaults too: on c after one,
	// cpu (1000-200)*100/1000 = 80, mem (1024-400)*100/1024 = 60 -> 70.
	snap2 := NewSnapshot(nodes, []*corev1.Pod{mkPod("e2", onNode("c"))})
	if got := pluginScores(t, s, snap2, be, PluginNodeResourcesFit)["c"]; got != 70 {
		t.Errorf("LeastAllocated on c with a best-effort pod = %d, want 70", got)
	}
}

func TestScoreNodeAffinity(t *testing.T) {
	nodes := []*corev1.Node{
		mkNode("a1", "4", "8Gi", nodeLabels("zone", "a", "disk", "ssd")),
		mkNode("a2", "4", "8Gi", nodeLabels("zone", "a")),
		mkNode("b1", "4", "8Gi", nodeLabels("zone", "b")),
	}
	term := func(w int32, k, v string) corev1.PreferredSchedulingTerm {
		return corev1.PreferredSchedulingTerm{Weight: w, Preference: corev1.NodeSelectorTerm{
			MatchExpressions: []corev1.NodeSelectorRequirement{{Key: k, Operator: corev1.NodeSelectorOpIn, Values: []string{v}}}}}
	}
	pod := mkPod("p", withAffinity(&corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
		PreferredDuringSchedulingIgnoredDuringExecution: []corev1.PreferredSchedulingTerm{term(2, "zone", "a"), term(5, "disk", "ssd")}}}))
	// Raw 7, 2, 0; scaled by the maximum: 100, 2*100/7 = 28, 0.
	got := pluginScores(t, newTestScheduler(t, Options{}), NewSnapshot(nodes, nil), pod, PluginNodeAffinity)
	if diff := cmp.Diff(map[string]int64{"a1": 100, "a2": 28, "b1": 0}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestScoreTaintToleration(t *testing.T) {
	nodes := []*corev1.Node{
		mkNode("clean", "4", "8Gi"),
		mkNode("one", "4", "8Gi", taint("x", "1", corev1.TaintEffectPreferNoSchedule)),
		mkNode("two", "4", "8Gi", taint("x", "1", corev1.TaintEffectPreferNoSchedule), taint("y", "1", corev1.TaintEffectPreferNoSchedule)),
		mkNode("tolerated", "4", "8Gi", taint("ok", "1", corev1.TaintEffectPreferNoSchedule)),
	}
	pod := mkPod("p", withToleration(corev1.Toleration{Key: "ok", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectPreferNoSchedule}))
	// Untolerated PreferNoSchedule taints 0, 1, 2, 0; reversed over max 2.
	got := pluginScores(t, newTestScheduler(t, Options{}), NewSnapshot(nodes, nil), pod, PluginTaintToleration)
	if diff := cmp.Diff(map[string]int64{"clean": 100, "one": 50, "two": 0, "tolerated": 100}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestScoreInterPodAffinity(t *testing.T) {
	weighted := func(w int32, key string, sel ...string) corev1.WeightedPodAffinityTerm {
		return corev1.WeightedPodAffinityTerm{Weight: w, PodAffinityTerm: corev1.PodAffinityTerm{LabelSelector: selector(sel...), TopologyKey: key}}
	}
	pod := mkPod("p", withLabels("app", "p"), withAffinity(&corev1.Affinity{
		PodAffinity:     &corev1.PodAffinity{PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{weighted(10, corev1.LabelTopologyZone, "app", "db")}},
		PodAntiAffinity: &corev1.PodAntiAffinity{PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{weighted(4, corev1.LabelHostname, "app", "web")}},
	}))
	existing := []*corev1.Pod{
		mkPod("db", withLabels("app", "db"), onNode("a2")),
		mkPod("web", withLabels("app", "web"), onNode("a1")),
	}
	s := newTestScheduler(t, Options{})
	// zone a +10, host a1 -4: raw a1 6, a2 10, b1 0, c1 0; min 0 max 10.
	got := pluginScores(t, s, NewSnapshot(zoneNodes(), existing), pod, PluginInterPodAffinity)
	if diff := cmp.Diff(map[string]int64{"a1": 60, "a2": 100, "b1": 0, "c1": 0}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}

	// A placed pod's preferred anti-affinity against the incoming pod counts
	// too: host b1 -50. Raw 6, 10, -50, 0; min -50, diff 60:
	// a1 100*56/60 = 93, a2 100, b1 0, c1 100*50/60 = 83.
	shy := mkPod("shy", onNode("b1"), withAffinity(&corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
		PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{weighted(50, corev1.LabelHostname, "app", "p")}}}))
	got = pluginScores(t, s, NewSnapshot(zoneNodes(), append(existing, shy)), pod, PluginInterPodAffinity)
	if diff := cmp.Diff(map[string]int64{"a1": 93, "a2": 100, "b1": 0, "c1": 83}, got); diff != "" {
		t.Errorf("with existing anti-affinity (-want +got):\n%s", diff)
	}
}

func TestScorePodTopologySpread(t *testing.T) {
	web := func(name, node string) *corev1.Pod { return mkPod(name, withLabels("app", "web"), onNode(node)) }
	existing := []*corev1.Pod{web("w1", "a1"), web("w2", "a2"), web("w3", "b1")}
	soft := func(key string) corev1.TopologySpreadConstraint {
		return corev1.TopologySpreadConstraint{MaxSkew: 1, TopologyKey: key, WhenUnsatisfiable: corev1.ScheduleAnyway, LabelSelector: selector("app", "web")}
	}
	s := newTestScheduler(t, Options{})
	snap := NewSnapshot(zoneNodes(), existing)

	// Zones a=2, b=1, c=0, weight ln(3+2); raw round(2*1.609)=3, 3, 2, 0.
	// Normalized 100*(max+min-s)/max: 0, 0, 33, 100.
	got := pluginScores(t, s, snap, mkPod("p", withLabels("app", "web"), withSpread(soft(corev1.LabelTopologyZone))), PluginPodTopologySpread)
	if diff := cmp.Diff(map[string]int64{"a1": 0, "a2": 0, "b1": 33, "c1": 100}, got); diff != "" {
		t.Errorf("zone (-want +got):\n%s", diff)
	}
	// Hostnames 1, 1, 1, 0, weight ln(4+2): raw 2, 2, 2, 0 -> 0, 0, 0, 100.
	got = pluginScores(t, s, snap, mkPod("p", withLabels("app", "web"), withSpread(soft(corev1.LabelHostname))), PluginPodTopologySpread)
	if diff := cmp.Diff(map[string]int64{"a1": 0, "a2": 0, "b1": 0, "c1": 100}, got); diff != "" {
		t.Errorf("hostname (-want +got):\n%s", diff)
	}
}

func TestScoreDefaultSpreading(t *testing.T) {
	rs := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "rs", Namespace: "default"},
		Spec: appsv1.ReplicaSetSpec{Selector: selector("app", "web")}}
	owned := func(name string, opts ...podOpt) *corev1.Pod {
		p := mkPod(name, append([]podOpt{withLabels("app", "web")}, opts...)...)
		p.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "rs", Controller: ptrTrue()}}
		return p
	}
	existing := []*corev1.Pod{owned("w1", onNode("a1")), owned("w2", onNode("b1"))}
	listers := Listers{ReplicaSet: func(ns, name string) *appsv1.ReplicaSet {
		if ns == "default" && name == "rs" {
			return rs
		}
		return nil
	}}
	// hostname: maxSkew 3, weight ln(4+2)=1.792; zone: maxSkew 5, weight ln(3+2)=1.609.
	//   a1: 1.792+2 + 1.609+4 = 9.40 -> 9     a2: 0+2 + 1.609+4 = 7.61 -> 8
	//   b1: 9.40 -> 9                          c1: 0+2 + 0+4 = 6
	// min 6, max 9: 100*(15-s)/9 -> 66, 77, 66, 100.
	got := pluginScores(t, newTestScheduler(t, Options{Listers: listers}), NewSnapshot(zoneNodes(), existing), owned("p"), PluginPodTopologySpread)
	if diff := cmp.Diff(map[string]int64{"a1": 66, "a2": 77, "b1": 66, "c1": 100}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// Without the listers there is no default spreading.
	if got := pluginScores(t, newTestScheduler(t, Options{}), NewSnapshot(zoneNodes(), existing), owned("p"), PluginPodTopologySpread); len(got) != 0 {
		t.Errorf("default spreading without listers: %v", got)
	}
}

func ptrTrue() *bool { b := true; return &b }
