// Package namespace empties namespaces that are being deleted, as
// kube-controller-manager's namespace controller does: it deletes every
// namespaced object of every resource in the namespace, reports progress
// in the NamespaceDeletion* and NamespaceContent/FinalizersRemaining
// conditions, and once nothing is left removes the "kubernetes" finalizer
// and deletes the namespace for good.
package namespace

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/store"
)

// Name is the controller's name in kube-controller-manager's --controllers.
const Name = "namespace"

// resyncWhileTerminating is how long the controller waits before looking
// at a namespace whose content is still going (upstream requeues with the
// estimate of the remaining graceful deletions; kubesim also looks again
// at every deletion in the namespace).
const resyncWhileTerminating = 15 * time.Second

// Resource is a namespaced resource the controller empties.
type Resource struct {
	StoreKey string
	GVR      schema.GroupVersionResource
}

// Controller empties terminating namespaces.
type Controller struct {
	store     *store.Store
	clock     interface{ Now() time.Time }
	client    kubernetes.Interface
	dynamic   dynamic.Interface
	resources func() []Resource
}

// Add registers the controller. resources lists the namespaced resources
// currently served, built-in and custom.
func Add(m *controller.Manager, dyn dynamic.Interface, resources func() []Resource) {
	c := &Controller{store: m.Store, clock: m.Clock, client: m.Client, dynamic: dyn, resources: resources}
	q := m.NewQueue()
	m.Feed.Handle("namespaces", func(ev store.Event) {
		if ns, ok := ev.Object.(*corev1.Namespace); ok && ev.Type != watch.Deleted && ns.DeletionTimestamp != nil {
			q.Add(controller.Request{Name: ns.Name})
		}
	})
	m.Feed.Handle("", func(ev store.Event) {
		if ev.Type == watch.Deleted && ev.Namespace != "" {
			if obj := m.Store.View().Get("namespaces", "", ev.Namespace); obj != nil && obj.(*corev1.Namespace).DeletionTimestamp != nil {
				q.Add(controller.Request{Name: ev.Namespace})
			}
		}
	})
	m.Add(&controller.Controller{Name: Name, Queue: q, Reconciler: c, Workers: 1})
}

// Reconcile deletes one namespace's content.
func (c *Controller) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	obj := c.store.View().Get("namespaces", "", req.Name)
	if obj == nil {
		return controller.Result{}, nil
	}
	ns := obj.(*corev1.Namespace)
	if ns.DeletionTimestamp == nil {
		return controller.Result{}, nil
	}
	if len(ns.Spec.Finalizers) == 0 || !hasFinalizer(ns.Spec.Finalizers, corev1.FinalizerKubernetes) {
		if len(ns.Spec.Finalizers) == 0 {
			return controller.Result{}, c.deleteNamespace(ctx, ns)
		}
		return controller.Result{}, nil // other finalizers' owners finish it
	}
	deleteErrs := c.deleteContent(ctx, ns.Name)
	remaining, finalizers := c.remaining(ns.Name)
	if err := c.setConditions(ctx, ns, deleteErrs, remaining, finalizers); err != nil {
		return controller.Result{}, err
	}
	if len(remaining) > 0 {
		return controller.Result{RequeueAfter: resyncWhileTerminating}, nil
	}
	return controller.Result{}, c.finalize(ctx, ns)
}

// deleteContent asks every namespaced resource to delete everything in the
// namespace.
func (c *Controller) deleteContent(ctx context.Context, ns string) []string {
	var errs []string
	bg := metav1.DeletePropagationBackground
	for _, r := range c.resources() {
		if !c.hasAny(r.StoreKey, ns) {
			continue
		}
		err := c.dynamic.Resource(r.GVR).Namespace(ns).DeleteCollection(ctx,
			metav1.DeleteOptions{PropagationPolicy: &bg}, metav1.ListOptions{})
		if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsMethodNotSupported(err) {
			errs = append(errs, fmt.Sprintf("%s: %v", r.GVR.GroupResource(), err))
		}
	}
	return errs
}

func (c *Controller) hasAny(storeKey, ns string) bool {
	found := false
	c.store.View().List(storeKey, ns, func(runtime.Object) bool { found = true; return false })
	return found
}

// remaining counts what is left per resource, and the finalizers holding
// objects back.
func (c *Controller) remaining(ns string) (map[string]int, map[string]int) {
	left, finalizers := map[string]int{}, map[string]int{}
	view := c.store.View()
	for _, r := range c.resources() {
		view.List(r.StoreKey, ns, func(obj runtime.Object) bool {
			left[r.GVR.GroupResource().String()]++
			if m, err := meta.Accessor(obj); err == nil {
				for _, f := range m.GetFinalizers() {
					finalizers[f]++
				}
			}
			return true
		})
	}
	return left, finalizers
}

// setConditions writes the namespace deletion conditions, with upstream's
// reasons and messages (pkg/controller/namespace/deletion).
func (c *Controller) setConditions(ctx context.Context, ns *corev1.Namespace, deleteErrs []string, left, finalizers map[string]int) error {
	want := []corev1.NamespaceCondition{
		{Type: corev1.NamespaceDeletionDiscoveryFailure, Status: corev1.ConditionFalse, Reason: "ResourcesDiscovered", Message: "All resources successfully discovered"},
		{Type: corev1.NamespaceDeletionGVParsingFailure, Status: corev1.ConditionFalse, Reason: "ParsedGroupVersions", Message: "All legacy kube types successfully parsed"},
		{Type: corev1.NamespaceDeletionContentFailure, Status: corev1.ConditionFalse, Reason: "ContentDeleted", Message: "All content successfully deleted, may be waiting on finalization"},
		{Type: corev1.NamespaceContentRemaining, Status: corev1.ConditionFalse, Reason: "ContentRemoved", Message: "All content successfully removed"},
		{Type: corev1.NamespaceFinalizersRemaining, Status: corev1.ConditionFalse, Reason: "ContentHasNoFinalizers", Message: "All content-preserving finalizers finished"},
	}
	if len(deleteErrs) > 0 {
		want[2] = corev1.NamespaceCondition{Type: corev1.NamespaceDeletionContentFailure, Status: corev1.ConditionTrue,
			Reason: "ContentDeletionFailed", Message: "Failed to delete all resource types, " + fmt.Sprint(len(deleteErrs)) + " remaining: " + strings.Join(deleteErrs, ", ")}
	}
	if len(left) > 0 {
		want[3] = corev1.NamespaceCondition{Type: corev1.NamespaceContentRemaining, Status: corev1.ConditionTrue,
			Reason: "SomeResourcesRemain", Message: "Some resources are remaining: " + counts(left, "resource instances")}
	}
	if len(finalizers) > 0 {
		want[4] = corev1.NamespaceCondition{Type: corev1.NamespaceFinalizersRemaining, Status: corev1.ConditionTrue,
			Reason: "SomeFinalizersRemain", Message: "Some content in the namespace has finalizers remaining: " + counts(finalizers, "resource instances")}
	}
	next := ns.DeepCopy()
	now := metav1.NewTime(c.clock.Now().Truncate(time.Second))
	changed := false
	for _, w := range want {
		if setCondition(&next.Status, w, now) {
			changed = true
		}
	}
	if !changed {
		return nil
	}
	_, err := c.client.CoreV1().Namespaces().UpdateStatus(ctx, next, metav1.UpdateOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

// counts formats "pods. has 2 resource instances, secrets. has 1 ..." as
// upstream's message does.
func counts(m map[string]int, what string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s has %d %s", k, m[k], what))
	}
	return strings.Join(parts, ", ")
}

func setCondition(st *corev1.NamespaceStatus, c corev1.NamespaceCondition, now metav1.Time) bool {
	for i := range st.Conditions {
		old := &st.Conditions[i]
		if old.Type != c.Type {
			continue
		}
		if old.Status == c.Status && old.Reason == c.Reason && old.Message == c.Message {
			return false
		}
		c.LastTransitionTime = old.LastTransitionTime
		if old.Status != c.Status {
			c.LastTransitionTime = now
		}
		*old = c
		return true
	}
	c.LastTransitionTime = now
	st.Conditions = append(st.Conditions, c)
	return true
}

// finalize removes the "kubernetes" finalizer and, when no other is left,
// deletes the namespace for good.
func (c *Controller) finalize(ctx context.Context, ns *corev1.Namespace) error {
	next := ns.DeepCopy()
	next.Spec.Finalizers = nil
	for _, f := range ns.Spec.Finalizers {
		if f != corev1.FinalizerKubernetes {
			next.Spec.Finalizers = append(next.Spec.Finalizers, f)
		}
	}
	updated, err := c.client.CoreV1().Namespaces().Finalize(ctx, next, metav1.UpdateOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(updated.Spec.Finalizers) == 0 {
		return c.deleteNamespace(ctx, updated)
	}
	return nil
}

func (c *Controller) deleteNamespace(ctx context.Context, ns *corev1.Namespace) error {
	uid := ns.UID
	err := c.client.CoreV1().Namespaces().Delete(ctx, ns.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}})
	if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
		return nil
	}
	return err
}

func hasFinalizer(list []corev1.FinalizerName, f corev1.FinalizerName) bool {
	for _, x := range list {
		if x == f {
			return true
		}
	}
	return false
}
