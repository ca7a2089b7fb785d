package fakenode

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// Stop makes the node fail like a crashed machine: it stops renewing its
// Lease and posting status, and its pods' processes stop, with nothing
// written about them. The control plane finds out the way it would about a
// real machine, from the missing heartbeats.
func (n *Node) Stop() {
	n.stop()
	n.mu.Lock()
	workers := make([]*podWorker, 0, len(n.pods))
	for _, w := range n.pods {
		workers = append(workers, w)
	}
	n.pods = map[string]*podWorker{}
	n.mu.Unlock()
	for _, w := range workers {
		w.mu.Lock()
		w.stopLocked()
		w.mu.Unlock()
	}
}

// Start brings a stopped node back, as a machine that rebooted: the
// kubelet posts its status and Lease again and restarts the pods bound to
// it.
func (n *Node) Start(ctx context.Context) error {
	n.mu.Lock()
	running := n.running
	n.mu.Unlock()
	if running {
		return nil
	}
	if err := n.updateStatus(ctx, true); err != nil {
		return err
	}
	if err := n.renewLease(ctx); err != nil {
		return err
	}
	n.start()
	return n.adoptBoundPods(ctx)
}

// adoptBoundPods takes up the pods bound to the node while it was not
// running: the fleet's watch drops events for a node that is down, so
// they are listed once the node is up.
func (n *Node) adoptBoundPods(ctx context.Context) error {
	pods, err := n.fleet.client.CoreV1().Pods(metav1.NamespaceAll).List(ctx, metav1.ListOptions{FieldSelector: "spec.nodeName=" + n.Name()})
	if err != nil {
		return fmt.Errorf("start node %s: %w", n.Name(), err)
	}
	for i := range pods.Items {
		n.podChanged(&pods.Items[i], false)
	}
	return nil
}

// Running reports whether the node is up.
func (n *Node) Running() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.running
}

// Cordon marks the node unschedulable, as kubectl cordon does.
func (n *Node) Cordon(ctx context.Context) error { return n.setUnschedulable(ctx, true) }

// Uncordon makes the node schedulable again.
func (n *Node) Uncordon(ctx context.Context) error { return n.setUnschedulable(ctx, false) }

func (n *Node) setUnschedulable(ctx context.Context, v bool) error {
	patch := fmt.Sprintf(`{"spec":{"unschedulable":%t}}`, v)
	_, err := n.fleet.client.CoreV1().Nodes().Patch(ctx, n.Name(), types.StrategicMergePatchType, []byte(patch), metav1.PatchOptions{})
	return err
}

// SetCondition overrides one of the kubelet's node conditions, e.g.
// MemoryPressure=True, and posts the status at once; ConditionFalse with
// an empty reason restores the kubelet's own.
func (n *Node) SetCondition(ctx context.Context, t corev1.NodeConditionType, status corev1.ConditionStatus, reason, message string) error {
	n.mu.Lock()
	if n.overrides == nil {
		n.overrides = map[corev1.NodeConditionType]corev1.NodeCondition{}
	}
	if reason == "" && status != corev1.ConditionTrue && t != corev1.NodeReady {
		delete(n.overrides, t)
	} else {
		n.overrides[t] = corev1.NodeCondition{Type: t, Status: status, Reason: reason, Message: message}
	}
	n.mu.Unlock()
	return n.updateStatus(ctx, true)
}
