package nodelifecycle

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// betaLabels pairs the stable OS and architecture labels with the beta
// ones older clients still select on (upstream's labelReconcileInfo).
var betaLabels = []struct{ stable, beta string }{
	{corev1.LabelOSStable, "beta.kubernetes.io/os"},
	{corev1.LabelArchStable, "beta.kubernetes.io/arch"},
}

// reconcileLabels copies the stable OS and architecture labels onto the
// beta ones when those are missing or differ (reconcileNodeLabels).
func (c *Controller) reconcileLabels(ctx context.Context, node *corev1.Node) error {
	update := map[string]string{}
	for _, l := range betaLabels {
		v, ok := node.Labels[l.stable]
		if ok && node.Labels[l.beta] != v {
			update[l.beta] = v
		}
	}
	if len(update) == 0 {
		return nil
	}
	next := node.DeepCopy()
	for k, v := range update {
		next.Labels[k] = v
	}
	_, err := c.client.CoreV1().Nodes().Update(ctx, next, metav1.UpdateOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("label node %s: %w", node.Name, err)
	}
	return nil
}
