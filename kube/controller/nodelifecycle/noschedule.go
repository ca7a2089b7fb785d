package nodelifecycle

import (
	"context"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubesim/kubesim/kube/controller"
)

// conditionTaints maps a node condition's status to the NoSchedule taint
// it brings (upstream's nodeConditionToTaintKeyStatusMap).
var conditionTaints = map[corev1.NodeConditionType]map[corev1.ConditionStatus]string{
	corev1.NodeReady: {
		corev1.ConditionFalse:   corev1.TaintNodeNotReady,
		corev1.ConditionUnknown: corev1.TaintNodeUnreachable,
	},
	corev1.NodeMemoryPressure:     {corev1.ConditionTrue: corev1.TaintNodeMemoryPressure},
	corev1.NodeDiskPressure:       {corev1.ConditionTrue: corev1.TaintNodeDiskPressure},
	corev1.NodeNetworkUnavailable: {corev1.ConditionTrue: corev1.TaintNodeNetworkUnavailable},
	corev1.NodePIDPressure:        {corev1.ConditionTrue: corev1.TaintNodePIDPressure},
}

// managedNoScheduleKeys are the NoSchedule taint keys the pass owns.
var managedNoScheduleKeys = map[string]bool{
	corev1.TaintNodeNotReady: true, corev1.TaintNodeUnreachable: true,
	corev1.TaintNodeMemoryPressure: true, corev1.TaintNodeDiskPressure: true,
	corev1.TaintNodeNetworkUnavailable: true, corev1.TaintNodePIDPressure: true,
	corev1.TaintNodeUnschedulable: true,
}

// reconcileNoSchedule keeps a node's condition and unschedulable
// NoSchedule taints in step with its status and spec, then its beta
// labels (upstream's doNodeProcessingPassWorker).
func (c *Controller) reconcileNoSchedule(ctx context.Context, req controller.Request) (controller.Result, error) {
	node, _ := c.store.View().Get(nodesResource, "", req.Name).(*corev1.Node)
	if node == nil {
		return controller.Result{}, nil
	}
	if err := c.syncNoScheduleTaints(ctx, node); err != nil {
		return controller.Result{}, err
	}
	return controller.Result{}, c.reconcileLabels(ctx, node)
}

// syncNoScheduleTaints adds and removes the node's managed NoSchedule
// taints (doNoScheduleTaintingPass).
func (c *Controller) syncNoScheduleTaints(ctx context.Context, node *corev1.Node) error {
	want := desiredNoScheduleTaints(node)
	var have []corev1.Taint
	for _, t := range node.Spec.Taints {
		if t.Effect == corev1.TaintEffectNoSchedule && managedNoScheduleKeys[t.Key] {
			have = append(have, t)
		}
	}
	var add, remove []corev1.Taint
	for _, t := range want {
		if !hasTaint(have, t) {
			add = append(add, t)
		}
	}
	for _, t := range have {
		if !hasTaint(want, t) {
			remove = append(remove, t)
		}
	}
	if len(add) == 0 && len(remove) == 0 {
		return nil
	}
	return c.swapTaints(ctx, node, add, remove)
}

// desiredNoScheduleTaints lists the NoSchedule taints the node's
// conditions and spec.unschedulable call for.
func desiredNoScheduleTaints(node *corev1.Node) []corev1.Taint {
	var out []corev1.Taint
	for _, cond := range node.Status.Conditions {
		if key, ok := conditionTaints[cond.Type][cond.Status]; ok {
			out = append(out, corev1.Taint{Key: key, Effect: corev1.TaintEffectNoSchedule})
		}
	}
	if node.Spec.Unschedulable {
		out = append(out, corev1.Taint{Key: corev1.TaintNodeUnschedulable, Effect: corev1.TaintEffectNoSchedule})
	}
	return out
}
