package printers

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	nodev1 "k8s.io/api/node/v1"
)

func TestNodeColumns(t *testing.T) {
	want := []string{"Name", "Status", "Roles", "Age", "Version", "Internal-IP (wide)", "External-IP (wide)", "OS-Image (wide)", "Kernel-Version (wide)", "Container-Runtime (wide)"}
	if diff := cmp.Diff(want, columnNames(&corev1.Node{})); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
}

func TestNodeCells(t *testing.T) {
	node := func(mutate func(*corev1.Node)) *corev1.Node {
		n := &corev1.Node{ObjectMeta: objectMeta("node-1")}
		n.Namespace = ""
		n.Status.Conditions = []corev1.NodeCondition{
			{Type: corev1.NodeMemoryPressure, Status: corev1.ConditionFalse},
			{Type: corev1.NodeReady, Status: corev1.ConditionTrue},
		}
		n.Status.NodeInfo = corev1.NodeSystemInfo{KubeletVersion: "v1.37.2", OSImage: "kubesim", KernelVersion: "6.1.0", ContainerRuntimeVersion: "kubesim://1.0"}
		n.Status.Addresses = []corev1.NodeAddress{{Type: corev1.NodeHostName, Address: "node-1"}, {Type: corev1.NodeInternalIP, Address: "172.18.0.2"}}
		mutate(n)
		return n
	}
	tests := []struct {
		name string
		node *corev1.Node
		want []any
	}{
		{"ready", node(func(*corev1.Node) {}),
			[]any{"node-1", "Ready", "<none>", "60m", "v1.37.2", "172.18.0.2", "<none>", "kubesim", "6.1.0", "kubesim://1.0"}},
		{"cordoned", node(func(n *corev1.Node) { n.Spec.Unschedulable = true }),
			[]any{"node-1", "Ready,SchedulingDisabled", "<none>", "60m", "v1.37.2", "172.18.0.2", "<none>", "kubesim", "6.1.0", "kubesim://1.0"}},
		{"not ready control plane", node(func(n *corev1.Node) {
			n.Status.Conditions[1].Status = corev1.ConditionUnknown
			n.Labels = map[string]string{"node-role.kubernetes.io/control-plane": "", "node-role.kubernetes.io/": "x", "kubernetes.io/role": "master"}
			n.Status.Addresses = append(n.Status.Addresses, corev1.NodeAddress{Type: corev1.NodeExternalIP, Address: "203.0.113.5"})
		}), []any{"node-1", "NotReady", "control-plane,master", "60m", "v1.37.2", "172.18.0.2", "203.0.113.5", "kubesim", "6.1.0", "kubesim://1.0"}},
		{"registering", node(func(n *corev1.Node) {
			n.Status = corev1.NodeStatus{}
			n.Spec.Unschedulable = true
		}), []any{"node-1", "Unknown,SchedulingDisabled", "<none>", "60m", "", "<none>", "<none>", "<unknown>", "<unknown>", "<unknown>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, cells(t, tt.node)); diff != "" {
				t.Errorf("cells (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRuntimeClassCells(t *testing.T) {
	rc := &nodev1.RuntimeClass{ObjectMeta: objectMeta("gvisor"), Handler: "runsc"}
	if diff := cmp.Diff([]any{"gvisor", "runsc", "60m"}, cells(t, rc)); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
}
