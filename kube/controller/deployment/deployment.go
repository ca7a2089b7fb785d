package deployment

import (
	"context"
	"fmt"
	"reflect"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	utilclock "k8s.io/utils/clock"

	"github.com/kubesim/kubesim/events"
	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/store"
)

// Name is the controller's name in kube-controller-manager's --controllers.
const Name = "deployment"

// workers is kube-controller-manager's default --concurrent-deployment-syncs.
const workers = 5

var controllerKind = appsv1.SchemeGroupVersion.WithKind("Deployment")

// Controller rolls out Deployments.
type Controller struct {
	store    *store.Store
	client   kubernetes.Interface
	clock    utilclock.PassiveClock
	recorder *events.Recorder
	queue    *controller.Queue
}

// Add registers the Deployment controller with a manager.
func Add(m *controller.Manager) *Controller {
	rec := m.NewRecorder("deployment-controller")
	c := &Controller{store: m.Store, client: m.Client, clock: m.Clock, recorder: rec, queue: m.NewQueue()}
	m.Feed.Handle("deployments.apps", func(ev store.Event) {
		c.queue.Add(controller.Request{Namespace: ev.Namespace, Name: ev.Name})
	})
	m.Feed.Handle("replicasets.apps", c.onReplicaSet)
	m.Feed.Handle("pods", c.onPod)
	m.Add(&controller.Controller{Name: Name, Queue: c.queue, Reconciler: c, Workers: workers})
	return c
}

// onReplicaSet wakes the Deployment that controls a ReplicaSet that
// changed (and the one that controlled it before), or, for an orphan,
// every Deployment that could adopt it (upstream's addReplicaSet,
// updateReplicaSet and deleteReplicaSet).
func (c *Controller) onReplicaSet(ev store.Event) {
	rs, ok := ev.Object.(*appsv1.ReplicaSet)
	if !ok {
		return
	}
	ref := metav1.GetControllerOfNoCopy(rs)
	prev, _ := ev.Prev.(*appsv1.ReplicaSet)
	var prevRef *metav1.OwnerReference
	if prev != nil {
		prevRef = metav1.GetControllerOfNoCopy(prev)
		if prevRef != nil && !reflect.DeepEqual(prevRef, ref) {
			c.enqueueOwner(rs.Namespace, prevRef)
		}
	}
	if ref != nil {
		c.enqueueOwner(rs.Namespace, ref)
		return
	}
	if ev.Type == watch.Deleted {
		return
	}
	if prev != nil && prevRef == nil && reflect.DeepEqual(prev.Labels, rs.Labels) {
		return // an orphan whose labels did not change
	}
	for _, d := range c.deploymentsSelecting(rs.Namespace, rs.Labels) {
		c.queue.Add(controller.Request{Namespace: rs.Namespace, Name: d.Name})
	}
}

func (c *Controller) enqueueOwner(namespace string, ref *metav1.OwnerReference) {
	if ref.Kind == controllerKind.Kind { // the sync checks the UID

		c.queue.Add(controller.Request{Namespace: namespace, Name: ref.Name})
	}
}

// deploymentsSelecting lists the Deployments of a namespace whose
// non-empty selector matches the labels.
func (c *Controller) deploymentsSelecting(namespace string, set map[string]string) []*appsv1.Deployment {
	var out []*appsv1.Deployment
	c.store.View().List("deployments.apps", namespace, func(obj runtime.Object) bool {
		d := obj.(*appsv1.Deployment)
		sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
		if err == nil && !sel.Empty() && sel.Matches(labels.Set(set)) {
			out = append(out, d)
		}
		return true
	})
	return out
}

// onPod wakes a Recreate Deployment once the last of its pods is gone,
// which is what it waits for before starting new ones (upstream's
// deletePod).
func (c *Controller) onPod(ev store.Event) {
	if ev.Type != watch.Deleted {
		return
	}
	pod, ok := ev.Object.(*corev1.Pod)
	if !ok {
		return
	}
	ref := metav1.GetControllerOfNoCopy(pod)
	if ref == nil || ref.Kind != "ReplicaSet" {
		return
	}
	view := c.store.View()
	rsObj := view.Get("replicasets.apps", pod.Namespace, ref.Name)
	if rsObj == nil {
		return
	}
	dref := metav1.GetControllerOfNoCopy(rsObj.(*appsv1.ReplicaSet))
	if dref == nil || dref.Kind != controllerKind.Kind {
		return
	}
	dObj := view.Get("deployments.apps", pod.Namespace, dref.Name)
	if dObj == nil {
		return
	}
	d := dObj.(*appsv1.Deployment)
	if d.UID != dref.UID || d.Spec.Strategy.Type != appsv1.RecreateDeploymentStrategyType {
		return
	}
	if podsLeft(view, d) == 0 {
		c.queue.Add(controller.Request{Namespace: d.Namespace, Name: d.Name})
	}
}

// Reconcile syncs one Deployment (upstream's syncDeployment).
func (c *Controller) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	view := c.store.View()
	obj := view.Get("deployments.apps", req.Namespace, req.Name)
	if obj == nil {
		return controller.Result{}, nil
	}
	d := withDefaults(obj.(*appsv1.Deployment).DeepCopy())
	if d.Spec.Selector == nil {
		// Validation requires one; without it the Deployment selects nothing.
		utilruntime.HandleError(fmt.Errorf("deployment %s/%s has no selector", d.Namespace, d.Name))
		return controller.Result{}, nil
	}
	if reflect.DeepEqual(d.Spec.Selector, &metav1.LabelSelector{}) {
		return controller.Result{}, c.selectingAll(ctx, d)
	}
	rsList, err := c.claimReplicaSets(ctx, view, d)
	if err != nil {
		return controller.Result{}, err
	}
	return controller.Result{}, c.syncDeployment(ctx, view, d, rsList)
}

func (c *Controller) syncDeployment(ctx context.Context, view *store.View, d *appsv1.Deployment, rsList []*appsv1.ReplicaSet) error {
	if d.DeletionTimestamp != nil {
		return c.syncStatusOnly(ctx, d, rsList)
	}
	// Pausing and resuming show in the Progressing condition, so that a
	// Deployment paused for longer than its deadline does not time out.
	if err := c.checkPausedConditions(ctx, d); err != nil {
		return err
	}
	if d.Spec.Paused {
		return c.sync(ctx, d, rsList)
	}
	// Rollback is not re-entrant: finish it before touching ReplicaSets.
	if rollbackTo(d) != nil {
		return c.rollback(ctx, d, rsList)
	}
	scaling, err := c.isScalingEvent(ctx, d, rsList)
	if err != nil {
		return err
	}
	if scaling {
		return c.sync(ctx, d, rsList)
	}
	switch d.Spec.Strategy.Type {
	case appsv1.RecreateDeploymentStrategyType:
		return c.rolloutRecreate(ctx, d, rsList, podMap(view, d, rsList))
	case appsv1.RollingUpdateDeploymentStrategyType:
		return c.rolloutRolling(ctx, d, rsList)
	}
	return fmt.Errorf("unexpected deployment strategy type: %s", d.Spec.Strategy.Type)
}

// selectingAll refuses a Deployment whose selector is empty: it would
// select every pod of its namespace.
func (c *Controller) selectingAll(ctx context.Context, d *appsv1.Deployment) error {
	c.recorder.Eventf(d, corev1.EventTypeWarning, "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.")
	if d.Status.ObservedGeneration >= d.Generation {
		return nil
	}
	d.Status.ObservedGeneration = d.Generation
	return c.updateStatus(ctx, d)
}

// now is the present moment on the virtual clock.
func (c *Controller) now() time.Time { return c.clock.Now() }
