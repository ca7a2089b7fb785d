// Package nodelifecycle watches the nodes' heartbeats, as
// kube-controller-manager's "node-lifecycle" controller does
// (k8s.io/kubernetes/pkg/controller/nodelifecycle).
//
// Start with Add (controller.go). It runs three loops:
//   - the health monitor (monitor.go): a node whose Lease in
//     kube-node-lease and Ready condition have not moved for
//     --node-monitor-grace-period (50 s; 60 s for a node that never
//     posted status) gets its kubelet conditions set to Unknown
//     (NodeStatusUnknown, "Kubelet stopped posting node status."), an
//     event NodeNotReady, and its pods Ready=False (upstream's
//     MarkPodsNotReady); a node that is Unknown or NotReady gets the
//     node.kubernetes.io/unreachable or not-ready NoExecute taint,
//     rate-limited per zone and stopped altogether when every zone has
//     lost all its nodes (zones.go); a node Ready again loses it;
//   - the NoSchedule pass (noschedule.go): each node's conditions and
//     spec.unschedulable map to NoSchedule taints (not-ready, unreachable,
//     memory-pressure, ...), kept in step with every node change, and
//     the beta OS and architecture labels follow the stable ones
//     (noschedule.go, labels.go);
//   - pods bound to a node that is not Ready are marked Ready=False
//     (pods.go).
//
// Upstream checks every node every --node-monitor-period (5 s). Here a
// node is reconciled only when something can have changed: at the first
// monitor tick after its grace period ends, and at the next tick after
// its Ready condition changed. Ticks keep upstream's 5 s grid, so a node
// turns Unknown at the same virtual moment it would upstream, without a
// timer firing every 5 s. The pods on a tainted node are the
// taint-eviction controller's business (package tainteviction).
//
// Pod phases are left alone: upstream's node lifecycle controller no
// longer sets anything but the Ready condition on the pods of a node it
// cannot reach; their deletion, when they do not tolerate the taint,
// leaves them Terminating until the node comes back or is deleted.
package nodelifecycle
