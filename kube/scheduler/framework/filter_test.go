package framework

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestFilters(t *testing.T) {
	const (
		unsched    = "Unschedulable: "
		unresolved = "UnschedulableAndUnresolvable: "
	)
	gpu := corev1.ResourceName("nvidia.com/gpu")
	tests := []struct {
		name     string
		nodes    []*corev1.Node
		existing []*corev1.Pod
		pod      *corev1.Pod
		want     map[string]string
	}{
		{
			name:  "unschedulable node",
			nodes: []*corev1.Node{mkNode("a", "4", "8Gi", unschedulable()), mkNode("b", "4", "8Gi")},
			pod:   mkPod("p"),
			want:  map[string]string{"a": unresolved + "node(s) were unschedulable"},
		},
		{
			name:  "unschedulable node tolerated",
			nodes: []*corev1.Node{mkNode("a", "4", "8Gi", unschedulable())},
			pod: mkPod("p", withToleration(corev1.Toleration{Key: corev1.TaintNodeUnschedulable,
				Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule})),
			want: map[string]string{},
		},
		{
			name:  "node name",
			nodes: []*corev1.Node{mkNode("a", "4", "8Gi"), mkNode("b", "4", "8Gi")},
			pod:   mkPod("p", func(p *corev1.Pod) { p.Spec.NodeName = "b" }),
			want:  map[string]string{"a": unresolved + "node(s) didn't match the requested node name"},
		},
		{
			name: "node selector",
			nodes: []*corev1.Node{mkNode("a", "4", "8Gi", nodeLabels("disk", "ssd")),
				mkNode("b", "4", "8Gi", nodeLabels("disk", "hdd"))},
			pod:  mkPod("p", withNodeSelector("disk", "ssd")),
			want: map[string]string{"b": unresolved + "node(s) didn't match Pod's node affinity/selector"},
		},
		{
			name:  "required node affinity",
			nodes: []*corev1.Node{mkNode("a", "4", "8Gi", nodeLabels("zone", "x")), mkNode("b", "4", "8Gi", nodeLabels("zone", "y"))},
			pod: mkPod("p", withAffinity(&corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
				RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
					MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "zone", Operator: corev1.NodeSelectorOpNotIn, Values: []string{"x"}}},
				}}}}})),
			want: map[string]string{"a": unresolved + "node(s) didn't match Pod's node affinity/selector"},
		},
		{
			name:  "node affinity on metadata.name narrows the search",
			nodes: []*corev1.Node{mkNode("a", "4", "8Gi"), mkNode("b", "4", "8Gi"), mkNode("c", "4", "8Gi")},
			pod: mkPod("p", withAffinity(&corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
				RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
					MatchFields: []corev1.NodeSelectorRequirement{{Key: metav1.ObjectNameField, Operator: corev1.NodeSelectorOpIn, Values: []string{"b"}}},
				}}}}})),
			want: map[string]string{
				"a": unresolved + "node(s) didn't satisfy plugin(s) [NodeAffinity]",
				"c": unresolved + "node(s) didn't satisfy plugin(s) [NodeAffinity]",
			},
		},
		{
			name: "taints: NoSchedule and NoExecute reject, PreferNoSchedule does not",
			nodes: []*corev1.Node{
				mkNode("a", "4", "8Gi", taint("dedicated", "gpu", corev1.TaintEffectNoSchedule)),
				mkNode("b", "4", "8Gi", taint("dedicated", "gpu", corev1.TaintEffectNoExecute)),
				mkNode("c", "4", "8Gi", taint("dedicated", "gpu", corev1.TaintEffectPreferNoSchedule)),
				mkNode("d", "4", "8Gi", taint("other", "", corev1.TaintEffectNoSchedule)),
			},
			pod: mkPod("p", withToleration(corev1.Toleration{Key: "other", Operator: corev1.TolerationOpExists})),
			want: map[string]string{
				"a": unresolved + "node(s) had untolerated taint(s)",
				"b": unresolved + "node(s) had untolerated taint(s)",
			},
		},
		{
			name:     "insufficient cpu and memory; too many pods",
			nodes:    []*corev1.Node{mkNode("a", "2", "4Gi"), mkNode("b", "1", "1Gi"), mkNode("c", "4", "8Gi", allocatable(corev1.ResourcePods, "1"))},
			existing: []*corev1.Pod{mkPod("e1", requests("1500m", "1Gi"), onNode("a")), mkPod("e2", onNode("c"))},
			pod:      mkPod("p", requests("1", "2Gi")),
			want: map[string]string{
				"a": unsched + "Insufficient cpu",
				// More than the node has at all: preemption cannot help.
				"b": unresolved + "Insufficient memory",
				"c": unsched + "Too many pods",
			},
		},
		{
			name:  "extended resource and ephemeral storage",
			nodes: []*corev1.Node{mkNode("a", "4", "8Gi", allocatable(gpu, "1"), allocatable(corev1.ResourceEphemeralStorage, "10Gi")), mkNode("b", "4", "8Gi")},
			pod:   mkPod("p", requestRes(gpu, "1"), requestRes(corev1.ResourceEphemeralStorage, "20Gi")),
			want: map[string]string{
				"a": unresolved + "Insufficient ephemeral-storage",
				"b": unresolved + "Insufficient ephemeral-storage, Insufficient nvidia.com/gpu",
			},
		},
		{
			name:     "host ports",
			nodes:    []*corev1.Node{mkNode("a", "4", "8Gi"), mkNode("b", "4", "8Gi")},
			existing: []*corev1.Pod{mkPod("e", withHostPort(8080), onNode("a"))},
			pod:      mkPod("p", withHostPort(8080)),
			want:     map[string]string{"a": unsched + "node(s) didn't have free ports for the requested pod ports"},
		},
		{
			name:     "sidecar and init container requests",
			nodes:    []*corev1.Node{mkNode("a", "3", "8Gi")},
			existing: nil,
			pod: func() *corev1.Pod {
				always := corev1.ContainerRestartPolicyAlways
				p := mkPod("p", requests("1", ""))
				p.Spec.InitContainers = []corev1.Container{
					{Name: "sidecar", RestartPolicy: &always, Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: mustQ("1500m")}}},
					{Name: "init", Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: mustQ("2")}}},
				}
				// Init phase: 1.5 (sidecar) + 2 = 3.5 > 1 + 1.5; 3.5 > 3.
				return p
			}(),
			want: map[string]string{"a": unresolved + "Insufficient cpu"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			snap := NewSnapshot(tc.nodes, tc.existing)
			got := statusesOf(t, newTestScheduler(t, Options{}), snap, tc.pod)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFilterFirstRejectingPluginWins(t *testing.T) {
	// A node that is both tainted and too small reports only the taint:
	// TaintToleration runs before NodeResourcesFit.
	snap := NewSnapshot([]*corev1.Node{mkNode("a", "1", "1Gi", taint("k", "v", corev1.TaintEffectNoSchedule))}, nil)
	got := statusesOf(t, newTestScheduler(t, Options{}), snap, mkPod("p", requests("2", "")))
	want := map[string]string{"a": "UnschedulableAndUnresolvable: node(s) had untolerated taint(s)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
