package nodelifecycle

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The NoExecute taints the monitor puts on a node that is not Ready.
var (
	unreachableTaint = corev1.Taint{Key: corev1.TaintNodeUnreachable, Effect: corev1.TaintEffectNoExecute}
	notReadyTaint    = corev1.Taint{Key: corev1.TaintNodeNotReady, Effect: corev1.TaintEffectNoExecute}
)

// hasTaint reports whether taints hold one with t's key and effect.
func hasTaint(taints []corev1.Taint, t corev1.Taint) bool {
	for _, x := range taints {
		if x.Key == t.Key && x.Effect == t.Effect {
			return true
		}
	}
	return false
}

// swapTaints adds taints (stamped timeAdded now, as upstream's
// SwapNodeControllerTaint does) and removes others, matching by key and
// effect, on the freshest node; it retries on conflicts. node is the
// caller's view of the node, tried first.
func (c *Controller) swapTaints(ctx context.Context, node *corev1.Node, add, remove []corev1.Taint) error {
	nodes := c.client.CoreV1().Nodes()
	cur := node
	for attempt := 0; attempt < 5; attempt++ {
		if cur == nil {
			fresh, err := nodes.Get(ctx, node.Name, metav1.GetOptions{})
			if apierrors.IsNotFound(err) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("taint node %s: %w", node.Name, err)
			}
			cur = fresh
		}
		taints, changed := editTaints(cur.Spec.Taints, add, remove, c.clock.Now())
		if !changed {
			return nil
		}
		next := cur.DeepCopy()
		next.Spec.Taints = taints
		_, err := nodes.Update(ctx, next, metav1.UpdateOptions{})
		switch {
		case err == nil, apierrors.IsNotFound(err):
			return nil
		case apierrors.IsConflict(err):
			cur = nil
		default:
			return fmt.Errorf("taint node %s: %w", node.Name, err)
		}
	}
	return fmt.Errorf("taint node %s: too many conflicts", node.Name)
}

// editTaints returns taints without those matching remove and with those
// of add it lacks.
func editTaints(taints, add, remove []corev1.Taint, now time.Time) ([]corev1.Taint, bool) {
	var out []corev1.Taint
	changed := false
	for _, t := range taints {
		if hasTaint(remove, t) && !hasTaint(add, t) {
			changed = true
			continue
		}
		out = append(out, t)
	}
	stamp := metav1.NewTime(now.Truncate(time.Second))
	for _, t := range add {
		if hasTaint(out, t) {
			continue
		}
		t.TimeAdded = &stamp
		out = append(out, t)
		changed = true
	}
	return out, changed
}
