package serviceaccount

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/store"
)

// Name is the controller's name in kube-controller-manager's --controllers.
const Name = "serviceaccount"

// DefaultName is the service account every namespace gets.
const DefaultName = "default"

// Accounts is the serviceaccount controller.
type Accounts struct {
	m *controller.Manager
}

// Add registers the controller and returns it, for the admission plugin
// to call EnsureDefault.
func Add(m *controller.Manager) *Accounts {
	a := &Accounts{m: m}
	q := m.NewQueue()
	m.Feed.Handle("namespaces", func(ev store.Event) {
		if ev.Type != watch.Deleted {
			q.Add(controller.Request{Name: ev.Name})
		}
	})
	// A deleted default account is made again (upstream's
	// serviceAccountDeleted).
	m.Feed.Handle("serviceaccounts", func(ev store.Event) {
		if ev.Type == watch.Deleted && ev.Name == DefaultName {
			q.Add(controller.Request{Name: ev.Namespace})
		}
	})
	m.Add(&controller.Controller{Name: Name, Queue: q, Reconciler: controller.ReconcilerFunc(a.reconcile), Workers: 1})
	return a
}

func (a *Accounts) reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	_, err := a.EnsureDefault(ctx, req.Name)
	return controller.Result{}, err
}

// EnsureDefault returns the default service account of namespace,
// creating it if the namespace is active and lacks it. It returns nil and
// no error when the namespace is missing or terminating, where upstream's
// controller makes nothing.
func (a *Accounts) EnsureDefault(ctx context.Context, namespace string) (*corev1.ServiceAccount, error) {
	view := a.m.Store.View()
	ns, ok := view.Get("namespaces", "", namespace).(*corev1.Namespace)
	if !ok || ns.Status.Phase == corev1.NamespaceTerminating || ns.DeletionTimestamp != nil {
		return nil, nil
	}
	if sa, ok := view.Get("serviceaccounts", namespace, DefaultName).(*corev1.ServiceAccount); ok {
		return sa, nil
	}
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: DefaultName, Namespace: namespace}}
	created, err := a.m.Client.CoreV1().ServiceAccounts(namespace).Create(ctx, sa, metav1.CreateOptions{})
	switch {
	case err == nil:
		return created, nil
	case apierrors.IsAlreadyExists(err):
		// Made by a concurrent call between the look and the create.
		if sa, ok := a.m.Store.View().Get("serviceaccounts", namespace, DefaultName).(*corev1.ServiceAccount); ok {
			return sa, nil
		}
		return nil, nil
	case apierrors.IsNotFound(err) || apierrors.HasStatusCause(err, corev1.NamespaceTerminatingCause):
		return nil, nil
	}
	return nil, fmt.Errorf("create default service account in %s: %w", namespace, err)
}
