package serviceaccount

import (
	"context"
	"fmt"
	"maps"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/store"
)

// PublisherName is the root CA publisher's name in kube-controller-
// manager's --controllers.
const PublisherName = "root-ca-cert-publisher"

// The ConfigMap the publisher keeps, as upstream's
// (pkg/controller/certificates/rootcacertpublisher).
const (
	RootCACertConfigMapName = "kube-root-ca.crt"
	descriptionAnnotation   = "kubernetes.io/description"
	description             = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. " +
		"No other usage is guaranteed across distributions of Kubernetes clusters."
)

// Publisher is the root CA publisher.
type Publisher struct {
	m      *controller.Manager
	rootCA string
}

// AddPublisher registers the root CA publisher, which publishes rootCA
// (PEM) in every namespace, and returns it, for the ServiceAccount
// admission plugin to call EnsurePublished.
func AddPublisher(m *controller.Manager, rootCA []byte) *Publisher {
	p := &Publisher{m: m, rootCA: string(rootCA)}
	q := m.NewQueue()
	m.Feed.Handle("namespaces", func(ev store.Event) {
		if ev.Type != watch.Deleted {
			q.Add(controller.Request{Name: ev.Name})
		}
	})
	// An edited or deleted ConfigMap is put back, one made by someone
	// else checked.
	m.Feed.Handle("configmaps", func(ev store.Event) {
		if ev.Name == RootCACertConfigMapName {
			q.Add(controller.Request{Name: ev.Namespace})
		}
	})
	m.Add(&controller.Controller{Name: PublisherName, Queue: q, Reconciler: controller.ReconcilerFunc(p.reconcile), Workers: 1})
	return p
}

func (p *Publisher) reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	return controller.Result{}, p.EnsurePublished(ctx, req.Name)
}

// EnsurePublished makes or mends the namespace's kube-root-ca.crt, unless
// the namespace is missing or terminating.
func (p *Publisher) EnsurePublished(ctx context.Context, namespace string) error {
	view := p.m.Store.View()
	ns, ok := view.Get("namespaces", "", namespace).(*corev1.Namespace)
	if !ok || ns.Status.Phase == corev1.NamespaceTerminating {
		return nil
	}
	data := map[string]string{"ca.crt": p.rootCA}
	cm, ok := view.Get("configmaps", namespace, RootCACertConfigMapName).(*corev1.ConfigMap)
	if !ok {
		return p.create(ctx, namespace, data)
	}
	if maps.Equal(cm.Data, data) && cm.Annotations[descriptionAnnotation] != "" {
		return nil
	}
	cm = cm.DeepCopy()
	cm.Data = data
	if cm.Annotations == nil {
		cm.Annotations = map[string]string{}
	}
	cm.Annotations[descriptionAnnotation] = description
	if _, err := p.m.Client.CoreV1().ConfigMaps(namespace).Update(ctx, cm, metav1.UpdateOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("update %s/%s: %w", namespace, RootCACertConfigMapName, err)
	}
	return nil
}

func (p *Publisher) create(ctx context.Context, namespace string, data map[string]string) error {
	cm := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: RootCACertConfigMapName, Annotations: map[string]string{descriptionAnnotation: description}},
		Data:       data,
	}
	_, err := p.m.Client.CoreV1().ConfigMaps(namespace).Create(ctx, cm, metav1.CreateOptions{})
	// As upstream: no retry when the namespace is gone or terminating.
	// One made meanwhile (by the controller, for the admission plugin's
	// call, or the other way round) is checked on its Added event.
	if err == nil || apierrors.IsAlreadyExists(err) || apierrors.IsNotFound(err) || apierrors.HasStatusCause(err, corev1.NamespaceTerminatingCause) {
		return nil
	}
	return fmt.Errorf("create %s/%s: %w", namespace, RootCACertConfigMapName, err)
}
