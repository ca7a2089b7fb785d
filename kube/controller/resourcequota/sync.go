package resourcequota

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	quotav1 "k8s.io/apiserver/pkg/quota/v1"

	"github.com/kubesim/kubesim/kube/controller"
)

// Reconcile recalculates one quota's status (upstream's
// syncResourceQuota): status.hard becomes spec.hard, and status.used the
// measured usage of each resource in it. A usage that cannot be measured
// keeps its old value. The quota is written only when something changed,
// at the resourceVersion it was read at, so that a charge admission made
// meanwhile is not lost: the write then conflicts and is retried.
func (c *Controller) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	obj := c.store.View().Get("resourcequotas", req.Namespace, req.Name)
	if obj == nil {
		return controller.Result{}, nil
	}
	rq := obj.(*corev1.ResourceQuota)
	hard := quotav1.Add(corev1.ResourceList{}, rq.Spec.Hard)
	used := quotav1.Add(corev1.ResourceList{}, rq.Status.Used)
	dirty := !apiequality.Semantic.DeepEqual(rq.Spec.Hard, rq.Status.Hard)

	c.registry.CountedResources(hard)
	measured, measureErr := quotav1.CalculateUsage(rq.Namespace, rq.Spec.Scopes, hard, c.registry, rq.Spec.ScopeSelector)
	for name, q := range measured {
		used[name] = q
	}
	used = quotav1.Mask(used, quotav1.ResourceNames(hard))
	dirty = dirty || !quotav1.Equals(used, rq.Status.Used)
	if dirty {
		out := rq.DeepCopy()
		out.Status = corev1.ResourceQuotaStatus{Hard: hard, Used: used}
		if _, err := c.client.CoreV1().ResourceQuotas(out.Namespace).UpdateStatus(ctx, out, metav1.UpdateOptions{}); err != nil {
			return controller.Result{}, fmt.Errorf("updating status of quota %s: %w", req, err)
		}
	}
	if measureErr != nil {
		return controller.Result{}, fmt.Errorf("measuring usage of quota %s: %w", req, measureErr)
	}
	return controller.Result{RequeueAfter: resyncPeriod}, nil
}
