package daemonset

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/kube/controller/deployment"
)

func testDS() *appsv1.DaemonSet {
	return &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: "agent", Namespace: "ns"},
		Spec: appsv1.DaemonSetSpec{Template: corev1.PodTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "agent"}},
			Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx"}}},
		}},
	}
}

func testNode(name string, labels map[string]string, taints ...corev1.Taint) *corev1.Node {
	return &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}, Spec: corev1.NodeSpec{Taints: taints}}
}

func TestShouldRun(t *testing.T) {
	noSchedule := corev1.Taint{Key: "k", Value: "v", Effect: corev1.TaintEffectNoSchedule}
	noExecute := corev1.Taint{Key: "k", Value: "v", Effect: corev1.TaintEffectNoExecute}
	tolerateK := []corev1.Toleration{{Key: "k", Operator: corev1.TolerationOpExists}}
	for _, tc := range []struct {
		name      string
		ds        func(*appsv1.DaemonSet)
		node      *corev1.Node
		run, keep bool
	}{
		{"plain node", nil, testNode("n", nil), true, true},
		{"node selector matches", func(ds *appsv1.DaemonSet) { ds.Spec.Template.Spec.NodeSelector = map[string]string{"a": "b"} }, testNode("n", map[string]string{"a": "b"}), true, true},
		{"node selector does not", func(ds *appsv1.DaemonSet) { ds.Spec.Template.Spec.NodeSelector = map[string]string{"a": "b"} }, testNode("n", nil), false, false},
		{"node name elsewhere", func(ds *appsv1.DaemonSet) { ds.Spec.Template.Spec.NodeName = "other" }, testNode("n", nil), false, false},
		{"required affinity does not match", func(ds *appsv1.DaemonSet) {
			ds.Spec.Template.Spec.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
				NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "zone", Operator: corev1.NodeSelectorOpIn, Values: []string{"a"}}}}},
			}}}
		}, testNode("n", map[string]string{"zone": "b"}), false, false},
		{"NoSchedule taint: no new pod, the old one stays", nil, testNode("n", nil, noSchedule), false, true},
		{"NoExecute taint: evicted", nil, testNode("n", nil, noExecute), false, false},
		{"tolerated taints", func(ds *appsv1.DaemonSet) { ds.Spec.Template.Spec.Tolerations = tolerateK }, testNode("n", nil, noSchedule, noExecute), true, true},
		{"not-ready is tolerated", nil, testNode("n", nil, corev1.Taint{Key: corev1.TaintNodeNotReady, Effect: corev1.TaintEffectNoExecute}), true, true},
		{"unschedulable is tolerated", nil, testNode("n", nil, corev1.Taint{Key: corev1.TaintNodeUnschedulable, Effect: corev1.TaintEffectNoSchedule}), true, true},
		{"network-unavailable only with host network", nil, testNode("n", nil, corev1.Taint{Key: corev1.TaintNodeNetworkUnavailable, Effect: corev1.TaintEffectNoSchedule}), false, true},
		{"network-unavailable with host network", func(ds *appsv1.DaemonSet) { ds.Spec.Template.Spec.HostNetwork = true }, testNode("n", nil, corev1.Taint{Key: corev1.TaintNodeNetworkUnavailable, Effect: corev1.TaintEffectNoSchedule}), true, true},
	} {
		ds := testDS()
		if tc.ds != nil {
			tc.ds(ds)
		}
		run, keep := NodeShouldRunDaemonPod(tc.node, ds)
		if run != tc.run || keep != tc.keep {
			t.Errorf("%s: run %v keep %v, want %v %v", tc.name, run, keep, tc.run, tc.keep)
		}
	}
}

func TestAddDaemonPodTolerationsReplacesSameToleration(t *testing.T) {
	spec := &corev1.PodSpec{Tolerations: []corev1.Toleration{
		{Key: corev1.TaintNodeNotReady, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: ptr.To[int64](300)},
		{Key: "mine", Operator: corev1.TolerationOpExists},
	}}
	addDaemonPodTolerations(spec)
	if len(spec.Tolerations) != 7 {
		t.Fatalf("tolerations %v, want the user's plus six", spec.Tolerations)
	}
	if spec.Tolerations[0].TolerationSeconds != nil || spec.Tolerations[1].Key != "mine" {
		t.Errorf("the not-ready toleration was not replaced in place: %v", spec.Tolerations)
	}
	before := append([]corev1.Toleration(nil), spec.Tolerations...)
	addDaemonPodTolerations(spec)
	if diff := cmp.Diff(before, spec.Tolerations); diff != "" {
		t.Errorf("adding twice changed them (-before +after):\n%s", diff)
	}
}

func TestPinToNodeAndTargetNode(t *testing.T) {
	user := &corev1.Affinity{
		NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
			NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "zone", Operator: corev1.NodeSelectorOpExists}}}},
		}},
		PodAntiAffinity: &corev1.PodAntiAffinity{},
	}
	for _, a := range []*corev1.Affinity{nil, {}, {NodeAffinity: &corev1.NodeAffinity{}}, user} {
		got := pinToNode(a.DeepCopy(), "node-7")
		terms := got.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms
		want := []corev1.NodeSelectorTerm{{MatchFields: []corev1.NodeSelectorRequirement{{Key: "metadata.name", Operator: corev1.NodeSelectorOpIn, Values: []string{"node-7"}}}}}
		if diff := cmp.Diff(want, terms); diff != "" {
			t.Errorf("terms (-want +got):\n%s", diff)
		}
		if a == user && got.PodAntiAffinity == nil {
			t.Error("the rest of the affinity was lost")
		}
		pod := &corev1.Pod{Spec: corev1.PodSpec{Affinity: got}}
		if n, err := targetNode(pod); err != nil || n != "node-7" {
			t.Errorf("target node %q, %v", n, err)
		}
		pod.Spec.NodeName = "bound"
		if n, _ := targetNode(pod); n != "bound" {
			t.Errorf("target node of a bound pod %q", n)
		}
	}
	if _, err := targetNode(&corev1.Pod{}); err == nil {
		t.Error("a pod with no node found one")
	}
}

func TestComputeHashIsUpstreams(t *testing.T) {
	tmpl := &testDS().Spec.Template
	for _, cc := range []*int32{nil, ptr.To[int32](0), ptr.To[int32](3)} {
		if got, want := computeHash(tmpl, cc), deployment.ComputeHash(tmpl, cc); got != want {
			t.Errorf("collisionCount %v: %s, want %s as controller.ComputeHash", cc, got, want)
		}
	}
}

func TestBackoff(t *testing.T) {
	b := newBackoff(time.Second, 4*time.Second)
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	if in, _ := b.inBackoff("k", t0); in {
		t.Fatal("unknown key in back-off")
	}
	for i, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second} {
		now := t0.Add(time.Duration(i) * 10 * time.Millisecond)
		b.next("k", now)
		in, d := b.inBackoff("k", now)
		if !in || d != want {
			t.Errorf("step %d: in back-off %v for %v, want %v", i, in, d, want)
		}
		if in, _ := b.inBackoff("k", now.Add(want)); in {
			t.Errorf("step %d: still in back-off after %v", i, want)
		}
	}
	// After twice the maximum without failures it starts over.
	later := t0.Add(time.Minute)
	b.next("k", later)
	if _, d := b.inBackoff("k", later); d != time.Second {
		t.Errorf("delay after a quiet spell %v, want 1s", d)
	}
	b.gc(later.Add(time.Hour))
	if in, _ := b.inBackoff("k", later); in {
		t.Error("gc kept an expired key")
	}
}

func TestSurgeAndUnavailableCounts(t *testing.T) {
	ds := withDefaults(testDS())
	if n, _ := surgeCount(ds, 10); n != 0 || allowsSurge(ds) {
		t.Errorf("default surge %d", n)
	}
	if n, _ := unavailableCount(ds, 10); n != 1 {
		t.Errorf("default maxUnavailable %d, want 1", n)
	}
	ds.Spec.UpdateStrategy.RollingUpdate.MaxSurge = ptr.To(intstrPercent("25%"))
	if n, _ := surgeCount(ds, 10); n != 3 || !allowsSurge(ds) {
		t.Errorf("25%% of 10 surge %d, want 3 (rounded up)", n)
	}
	ds.Spec.UpdateStrategy = appsv1.DaemonSetUpdateStrategy{Type: appsv1.OnDeleteDaemonSetStrategyType}
	if n, _ := unavailableCount(ds, 10); n != 0 {
		t.Errorf("OnDelete maxUnavailable %d", n)
	}
}

func intstrPercent(s string) intstr.IntOrString { return intstr.FromString(s) }
