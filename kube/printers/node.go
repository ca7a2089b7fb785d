package printers

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	nodev1 "k8s.io/api/node/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/sets"
)

// Node role labels (upstream printers.go keeps its own copy too).
const (
	nodeRolePrefix = "node-role.kubernetes.io/"
	nodeRoleLabel  = "kubernetes.io/role"
)

func addNodePrinters(r registry) {
	info, status := corev1.NodeSystemInfo{}.SwaggerDoc(), corev1.NodeStatus{}.SwaggerDoc()
	add(r, []metav1.TableColumnDefinition{
		nameColumn(),
		column("Status", "string", "The status of the node"),
		column("Roles", "string", "The roles of the node"),
		ageColumn(),
		column("Version", "string", info["kubeletVersion"]),
		wide("Internal-IP", "string", status["addresses"]),
		wide("External-IP", "string", status["addresses"]),
		wide("OS-Image", "string", info["osImage"]),
		wide("Kernel-Version", "string", info["kernelVersion"]),
		wide("Container-Runtime", "string", info["containerRuntimeVersion"]),
	}, nodeCells)

	add(r, []metav1.TableColumnDefinition{
		nameColumn(),
		// Upstream describes the handler with an ObjectMeta doc key that
		// does not exist, i.e. with an empty description.
		column("Handler", "string", objectMetaDoc["handler"]),
		ageColumn(),
	}, func(rc *nodev1.RuntimeClass, e env) []any {
		return []any{rc.Name, rc.Handler, e.age(rc.CreationTimestamp)}
	})
}

func nodeCells(n *corev1.Node, e env) []any {
	roles := strings.Join(nodeRoles(n), ",")
	info := n.Status.NodeInfo
	unknown := func(s string) string { return firstNonEmpty(s, "<unknown>") }
	return []any{n.Name, nodeStatus(n), orNone(roles), e.age(n.CreationTimestamp), info.KubeletVersion,
		nodeAddress(n, corev1.NodeInternalIP), nodeAddress(n, corev1.NodeExternalIP),
		unknown(info.OSImage), unknown(info.KernelVersion), unknown(info.ContainerRuntimeVersion)}
}

// nodeStatus reads "Ready", "NotReady" or "Unknown" from the Ready
// condition, with ",SchedulingDisabled" for a cordoned node.
func nodeStatus(n *corev1.Node) string {
	var status []string
	// Upstream keeps the last Ready condition when there are several.
	var ready *corev1.NodeCondition
	for i := range n.Status.Conditions {
		if n.Status.Conditions[i].Type == corev1.NodeReady {
			ready = &n.Status.Conditions[i]
		}
	}
	switch {
	case ready == nil:
		status = append(status, "Unknown")
	case ready.Status == corev1.ConditionTrue:
		status = append(status, string(corev1.NodeReady))
	default:
		status = append(status, "Not"+string(corev1.NodeReady))
	}
	if n.Spec.Unschedulable {
		status = append(status, "SchedulingDisabled")
	}
	return strings.Join(status, ",")
}

// nodeRoles collects roles from node-role.kubernetes.io/<role> labels and
// the kubernetes.io/role label, sorted.
func nodeRoles(n *corev1.Node) []string {
	roles := sets.New[string]()
	for k, v := range n.Labels {
		switch {
		case strings.HasPrefix(k, nodeRolePrefix):
			if role := strings.TrimPrefix(k, nodeRolePrefix); role != "" {
				roles.Insert(role)
			}
		case k == nodeRoleLabel && v != "":
			roles.Insert(v)
		}
	}
	return sets.List(roles)
}

// nodeAddress is the first address of type t, or "<none>".
func nodeAddress(n *corev1.Node, t corev1.NodeAddressType) string {
	for _, a := range n.Status.Addresses {
		if a.Type == t {
			return a.Address
		}
	}
	return "<none>"
}
