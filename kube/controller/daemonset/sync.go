package daemonset

import (
	"context"
	"fmt"
	"reflect"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kubesim/kubesim/kube/controller"
)

// SelectingAllReason is the warning about a DaemonSet whose selector is
// empty.
const SelectingAllReason = "SelectingAll"

// Reconcile syncs one DaemonSet with the nodes, its pods and revisions
// (upstream's syncDaemonSet).
func (c *Controller) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	view := c.store.View()
	stored, ok := view.Get(resource, req.Namespace, req.Name).(*appsv1.DaemonSet)
	if !ok {
		c.failedPods.gc(c.now())
		return controller.Result{}, nil // deleted; the garbage collector takes its pods
	}
	ds := withDefaults(stored)
	var nodes []*corev1.Node
	view.List(nodesResource, "", func(obj runtime.Object) bool {
		nodes = append(nodes, obj.(*corev1.Node))
		return true
	})
	if reflect.DeepEqual(ds.Spec.Selector, &metav1.LabelSelector{}) {
		c.recorder.Eventf(stored, corev1.EventTypeWarning, SelectingAllReason, "This daemon set is selecting all pods. A non-empty selector is required.")
		return controller.Result{}, nil
	}
	// A DaemonSet being deleted may have lost its revisions already: its
	// status cannot be computed reliably, so nothing is done.
	if ds.DeletionTimestamp != nil {
		return controller.Result{}, nil
	}
	cur, old, err := c.constructHistory(ctx, ds)
	if err != nil {
		return controller.Result{}, fmt.Errorf("failed to construct revisions of DaemonSet: %w", err)
	}
	hash := cur.Labels[appsv1.DefaultDaemonSetUniqueLabelKey]

	err = c.updateDaemonSet(ctx, ds, nodes, hash, old)
	requeue, statusErr := c.updateDaemonSetStatus(ctx, stored, ds, nodes, hash)
	if err == nil {
		err = statusErr
	}
	return controller.Result{RequeueAfter: requeue}, err
}

// updateDaemonSet creates and deletes pods to match the nodes, then, if
// that wrote nothing, rolls pods onto the current revision, and trims the
// history.
func (c *Controller) updateDaemonSet(ctx context.Context, ds *appsv1.DaemonSet, nodes []*corev1.Node, hash string, old []*appsv1.ControllerRevision) error {
	wrote, err := c.manage(ctx, ds, nodes, hash)
	if err != nil {
		return err
	}
	// Upstream waits for the watch to show the pods manage created or
	// deleted (its expectations) before updating; their events sync again.
	if !wrote && ds.Spec.UpdateStrategy.Type == appsv1.RollingUpdateDaemonSetStrategyType {
		if err := c.rollingUpdate(ctx, ds, nodes, hash); err != nil {
			return err
		}
	}
	if err := c.cleanupHistory(ctx, ds, old); err != nil {
		return fmt.Errorf("failed to clean up revisions of DaemonSet: %w", err)
	}
	return nil
}
