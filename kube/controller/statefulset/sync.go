package statefulset

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"

	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/kube/controller/history"
)

// Reconcile syncs one StatefulSet with its revisions, pods and claims (upstream's
// sync and syncStatefulSet).
func (c *Controller) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	view := c.store.View()
	stored, ok := view.Get(resource, req.Namespace, req.Name).(*appsv1.StatefulSet)
	if !ok {
		return controller.Result{}, nil // deleted; the garbage collector takes its pods
	}
	set := withDefaults(stored)
	selector, err := metav1.LabelSelectorAsSelector(set.Spec.Selector)
	if err == nil && *set.Spec.Replicas < 0 {
		err = fmt.Errorf("replicas %d is negative", *set.Spec.Replicas)
	}
	if err != nil {
		// Validation forbids this; without it, the set is left alone
		// rather than retried.
		utilruntime.HandleError(fmt.Errorf("StatefulSet %s/%s: %w", set.Namespace, set.Name, err))
		return controller.Result{}, nil
	}
	if err := c.adoptOrphanRevisions(ctx, set, selector); err != nil {
		return controller.Result{}, err
	}
	pods, err := c.claimPods(ctx, view, set, selector)
	if err != nil {
		return controller.Result{}, err
	}
	status, err := c.syncStatefulSet(ctx, stored, set, pods)
	if err != nil {
		return controller.Result{}, err
	}
	if status != nil && status.AvailableReplicas != *set.Spec.Replicas {
		return controller.Result{RequeueAfter: nextAvailabilityCheck(set, pods, c.now())}, nil
	}
	return controller.Result{}, nil
}

// syncStatefulSet finds the revisions, brings the pods in line, writes the
// status and trims the history (upstream's UpdateStatefulSet and
// performUpdate).
func (c *Controller) syncStatefulSet(ctx context.Context, stored, set *appsv1.StatefulSet, pods []*corev1.Pod) (*appsv1.StatefulSetStatus, error) {
	selector, err := metav1.LabelSelectorAsSelector(set.Spec.Selector)
	if err != nil {
		return nil, err
	}
	revisions := c.history.ListControllerRevisions(set, selector)
	history.SortControllerRevisions(revisions)

	current, update, status, err := c.performUpdate(ctx, stored, set, pods, revisions)
	truncErr := c.truncateHistory(ctx, set, pods, revisions, current, update)
	if err != nil {
		return nil, utilerrors.NewAggregate([]error{err, truncErr})
	}
	return status, truncErr
}

func (c *Controller) performUpdate(ctx context.Context, stored, set *appsv1.StatefulSet, pods []*corev1.Pod, revisions []*appsv1.ControllerRevision) (
	current, update *appsv1.ControllerRevision, status *appsv1.StatefulSetStatus, err error) {
	current, update, collisionCount, err := c.getStatefulSetRevisions(ctx, set, revisions)
	if err != nil {
		return current, update, nil, err
	}
	status, err = c.updateStatefulSet(ctx, set, current, update, collisionCount, pods)
	if err != nil && status == nil {
		return current, update, nil, err
	}
	// The status is written even when the pods' update failed half way.
	statusErr := c.updateStatefulSetStatus(ctx, stored, set, status)
	if err == nil {
		err = statusErr
	}
	return current, update, status, err
}
