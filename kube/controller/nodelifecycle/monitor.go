package nodelifecycle

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/klog/v2"

	"github.com/kubesim/kubesim/kube/controller"
)

// reconcileHealth is one node's share of upstream's monitorNodeHealth: find
// a silent node out, act on its Ready condition, and say when to look
// again.
func (c *Controller) reconcileHealth(ctx context.Context, req controller.Request) (controller.Result, error) {
	view := c.store.View()
	node, _ := view.Get(nodesResource, "", req.Name).(*corev1.Node)
	now := c.clock.Now()
	if node == nil {
		c.forget(req.Name)
		c.updateZones(ctx, view, nil, nil)
		return controller.Result{}, nil
	}
	c.mu.Lock()
	h := c.healthLocked(node.Name, now)
	register := !h.registered
	h.registered = true
	deadline := c.deadline(h, readyCondition(node) != nil)
	retryPods := h.retryPods
	c.mu.Unlock()
	if register {
		c.nodeEvent(node, corev1.EventTypeNormal, "RegisteredNode", fmt.Sprintf("Registered Node %s in Controller", node.Name))
		if err := c.markReachable(ctx, node); err != nil {
			return controller.Result{}, err
		}
	}

	observed := observedReady(node)
	current := observed
	if !now.Before(deadline) {
		updated, err := c.markUnknown(ctx, node, now)
		if err != nil {
			return controller.Result{}, err
		}
		node = updated
		current = observedReady(node)
	}

	requeue, err := c.processTaintBasedEviction(ctx, node, observed.Status, now)
	if err != nil {
		klog.V(2).InfoS("Could not update the node's NoExecute taints; retrying", "node", node.Name, "err", err)
		requeue = monitorPeriod
	}
	becameNotReady := current.Status != corev1.ConditionTrue && observed.Status == corev1.ConditionTrue
	if becameNotReady {
		c.recordStatusChange(node, "NodeNotReady")
	}
	if becameNotReady || (retryPods && observed.Status != corev1.ConditionTrue) {
		retryPods = c.markPodsNotReady(ctx, view, node.Name) != nil
	} else {
		retryPods = false
	}
	c.mu.Lock()
	h.ready = current.Status
	h.retryPods = retryPods
	c.mu.Unlock()
	c.updateZones(ctx, view, node, &current)

	return controller.Result{RequeueAfter: nextLook(now, deadline, requeue, becameNotReady || retryPods)}, nil
}

// nextLook is when the node needs the monitor again: at the next tick
// after a change the taint pass must see, or when a rate limit lifts, or
// at its deadline, whichever comes first.
func nextLook(now, deadline time.Time, requeue time.Duration, changed bool) time.Duration {
	next := time.Duration(0)
	consider := func(d time.Duration) {
		if d > 0 && (next == 0 || d < next) {
			next = d
		}
	}
	if changed {
		consider(monitorPeriod)
	}
	consider(requeue)
	consider(deadline.Sub(now))
	return next
}

// observedReady is the node's Ready condition, or the Unknown one upstream
// assumes for a node that never posted status.
func observedReady(node *corev1.Node) corev1.NodeCondition {
	if ready := readyCondition(node); ready != nil {
		return *ready
	}
	return corev1.NodeCondition{
		Type: corev1.NodeReady, Status: corev1.ConditionUnknown,
		LastHeartbeatTime: node.CreationTimestamp, LastTransitionTime: node.CreationTimestamp,
	}
}

// kubeletConditions are the conditions the monitor turns Unknown for a
// silent node; NetworkUnavailable belongs to the network plugin.
var kubeletConditions = []corev1.NodeConditionType{
	corev1.NodeReady, corev1.NodeMemoryPressure, corev1.NodeDiskPressure, corev1.NodePIDPressure,
}

// markUnknown sets the kubelet's conditions of a silent node to Unknown
// and writes them when Ready changed (upstream's tryUpdateNodeHealth).
func (c *Controller) markUnknown(ctx context.Context, node *corev1.Node, now time.Time) (*corev1.Node, error) {
	next := node.DeepCopy()
	stamp := metav1.NewTime(now.Truncate(time.Second))
	for _, t := range kubeletConditions {
		cond := condition(next, t)
		switch {
		case cond == nil:
			next.Status.Conditions = append(next.Status.Conditions, corev1.NodeCondition{
				Type: t, Status: corev1.ConditionUnknown,
				Reason: "NodeStatusNeverUpdated", Message: "Kubelet never posted node status.",
				LastHeartbeatTime: node.CreationTimestamp, LastTransitionTime: stamp,
			})
		case cond.Status != corev1.ConditionUnknown:
			cond.Status = corev1.ConditionUnknown
			cond.Reason = "NodeStatusUnknown"
			cond.Message = "Kubelet stopped posting node status."
			cond.LastTransitionTime = stamp
		}
	}
	before, after := observedReady(node), readyCondition(next)
	if before.Status == after.Status && before.Reason == after.Reason && before.Message == after.Message {
		return node, nil
	}
	klog.V(2).InfoS("Node stopped posting status", "node", node.Name)
	updated, err := c.client.CoreV1().Nodes().UpdateStatus(ctx, next, metav1.UpdateOptions{})
	if err != nil {
		return nil, fmt.Errorf("mark node %s unknown: %w", node.Name, err)
	}
	return updated, nil
}

// forget drops a deleted node, saying so as upstream does.
func (c *Controller) forget(name string) {
	c.mu.Lock()
	h := c.health[name]
	delete(c.health, name)
	c.mu.Unlock()
	if h != nil && h.registered {
		ref := &corev1.ObjectReference{APIVersion: "v1", Kind: "Node", Name: name}
		c.recorder.EventRef(ref, corev1.EventTypeNormal, "RemovingNode", fmt.Sprintf("Node %s event: Removing Node %s from Controller", name, name))
	}
}

// nodeEvent records an event about a node (RecordNodeEvent).
func (c *Controller) nodeEvent(node *corev1.Node, eventtype, reason, message string) {
	ref := &corev1.ObjectReference{APIVersion: "v1", Kind: "Node", Name: node.Name, UID: node.UID}
	c.recorder.EventRef(ref, eventtype, reason, fmt.Sprintf("Node %s event: %s", node.Name, message))
}

// recordStatusChange records a node's new status (RecordNodeStatusChange).
func (c *Controller) recordStatusChange(node *corev1.Node, status string) {
	ref := &corev1.ObjectReference{APIVersion: "v1", Kind: "Node", Name: node.Name, UID: node.UID}
	c.recorder.EventRef(ref, corev1.EventTypeNormal, status, fmt.Sprintf("Node %s status is now: %s", node.Name, status))
}
