package validation

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

func TestNode(t *testing.T) {
	node := func(taints ...corev1.Taint) *corev1.Node {
		n := &corev1.Node{ObjectMeta: om("node-1", ""), Spec: corev1.NodeSpec{Taints: taints, PodCIDRs: []string{"10.244.1.0/24"}}}
		n.Status.Capacity = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("4"), corev1.ResourcePods: resource.MustParse("110")}
		return n
	}
	noSchedule := corev1.Taint{Key: "dedicated", Value: "gpu", Effect: corev1.TaintEffectNoSchedule}
	runCreate(t, []createCase{
		{"valid", node(noSchedule), nil},
		{"taints", node(noSchedule, noSchedule, corev1.Taint{Key: "k"}), []string{
			`metadata.taints[1]: Duplicate value: {"key":"dedicated","value":"gpu","effect":"NoSchedule"}: taints must be unique by key and effect pair`,
			"metadata.taints[2].effect: Required value",
		}},
	})
	old := node()
	moved := old.DeepCopy()
	moved.Spec.PodCIDRs = []string{"10.244.2.0/24"}
	tainted := old.DeepCopy()
	tainted.Spec.Taints = []corev1.Taint{noSchedule}
	runUpdate(t, []updateCase{
		{"taint added", tainted, old, nil},
		{"pod CIDR changed", moved, old, []string{`spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid`}},
	})
}
