package nodelifecycle

import (
	"context"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/klog/v2"
)

// processTaintBasedEviction keeps the node's NoExecute taint in step with
// the Ready status the monitor observed (upstream's
// processTaintBaseEviction and doNoExecuteTaintingPass): not-ready for
// False, unreachable for Unknown, none for True. Switching from one to the
// other is immediate; a first taint waits for its zone's rate limiter,
// and the returned duration says when to try again.
func (c *Controller) processTaintBasedEviction(ctx context.Context, node *corev1.Node, observed corev1.ConditionStatus, now time.Time) (time.Duration, error) {
	var want, opposite corev1.Taint
	switch observed {
	case corev1.ConditionFalse:
		want, opposite = notReadyTaint, unreachableTaint
	case corev1.ConditionUnknown:
		want, opposite = unreachableTaint, notReadyTaint
	default:
		return 0, c.markReachable(ctx, node)
	}
	taints := node.Spec.Taints
	if hasTaint(taints, want) && !hasTaint(taints, opposite) {
		return 0, nil
	}
	if hasTaint(taints, opposite) {
		return 0, c.swapTaints(ctx, node, []corev1.Taint{want}, []corev1.Taint{opposite})
	}
	wait, ok := c.takeToken(zoneKey(node), now)
	if !ok {
		return wait, nil
	}
	klog.V(2).InfoS("Tainting node NoExecute", "node", node.Name, "taint", want.Key)
	return 0, c.swapTaints(ctx, node, []corev1.Taint{want}, []corev1.Taint{opposite})
}

// markReachable removes the NoExecute taints of a node that is Ready again
// (upstream's markNodeAsReachable).
func (c *Controller) markReachable(ctx context.Context, node *corev1.Node) error {
	if !hasTaint(node.Spec.Taints, unreachableTaint) && !hasTaint(node.Spec.Taints, notReadyTaint) {
		return nil
	}
	return c.swapTaints(ctx, node, nil, []corev1.Taint{unreachableTaint, notReadyTaint})
}
