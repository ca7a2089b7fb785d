package servicelb

import (
	"context"
	"fmt"
	"net/netip"
	"slices"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/events"
	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/store"
)

// Name is the controller's name, as cloud-controller-manager's
// --controllers flag has it.
const Name = "service-lb-controller"

// Finalizer keeps a Service until its load balancer is gone.
const Finalizer = "service.kubernetes.io/load-balancer-cleanup"

// IngressCIDR is the simulated cloud's address pool (TEST-NET-2, so an
// address can never be mistaken for a real one).
var IngressCIDR = netip.MustParsePrefix("198.51.100.0/24")

// Controller provisions simulated load balancers.
type Controller struct {
	store    *store.Store
	client   kubernetes.Interface
	recorder *events.Recorder
	queue    *controller.Queue
}

// Add registers the controller with a manager. One worker: allocation
// reads the addresses in use and must not race itself.
func Add(m *controller.Manager) *Controller {
	c := &Controller{store: m.Store, client: m.Client, recorder: m.NewRecorder("service-controller"), queue: m.NewQueue()}
	m.Feed.Handle("services", func(ev store.Event) {
		c.queue.Add(controller.Request{Namespace: ev.Namespace, Name: ev.Name})
	})
	m.Add(&controller.Controller{Name: Name, Queue: c.queue, Reconciler: c, Workers: 1})
	return c
}

// Reconcile ensures or deletes the Service's load balancer.
func (c *Controller) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	svc, ok := c.store.View().Get("services", req.Namespace, req.Name).(*corev1.Service)
	if !ok {
		return controller.Result{}, nil
	}
	if svc.DeletionTimestamp == nil && wantsLoadBalancer(svc) {
		return controller.Result{}, c.ensure(ctx, svc.DeepCopy())
	}
	if slices.Contains(svc.Finalizers, Finalizer) {
		return controller.Result{}, c.release(ctx, svc.DeepCopy())
	}
	return controller.Result{}, nil
}

// wantsLoadBalancer is a LoadBalancer Service this controller serves.
func wantsLoadBalancer(svc *corev1.Service) bool {
	return svc.Spec.Type == corev1.ServiceTypeLoadBalancer && svc.Spec.LoadBalancerClass == nil
}

// ensure adds the finalizer, then gives the Service an ingress address.
func (c *Controller) ensure(ctx context.Context, svc *corev1.Service) error {
	if !slices.Contains(svc.Finalizers, Finalizer) {
		svc.Finalizers = append(svc.Finalizers, Finalizer)
		updated, err := c.client.CoreV1().Services(svc.Namespace).Update(ctx, svc, metav1.UpdateOptions{})
		if err != nil {
			return ignoreGone(fmt.Errorf("add finalizer to service %s/%s: %w", svc.Namespace, svc.Name, err))
		}
		svc = updated
	}
	if len(svc.Status.LoadBalancer.Ingress) > 0 {
		return nil
	}
	c.recorder.Event(svc, corev1.EventTypeNormal, "EnsuringLoadBalancer", "Ensuring load balancer")
	ip, err := c.allocate(svc)
	if err != nil {
		c.recorder.Eventf(svc, corev1.EventTypeWarning, "SyncLoadBalancerFailed", "Error syncing load balancer: failed to ensure load balancer: %v", err)
		return err
	}
	svc.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: ip, IPMode: ptr.To(corev1.LoadBalancerIPModeVIP)}}
	if _, err := c.client.CoreV1().Services(svc.Namespace).UpdateStatus(ctx, svc, metav1.UpdateOptions{}); err != nil {
		return ignoreGone(fmt.Errorf("update load balancer status of service %s/%s: %w", svc.Namespace, svc.Name, err))
	}
	c.recorder.Event(svc, corev1.EventTypeNormal, "EnsuredLoadBalancer", "Ensured load balancer")
	return nil
}

// release clears the status and drops the finalizer.
func (c *Controller) release(ctx context.Context, svc *corev1.Service) error {
	c.recorder.Event(svc, corev1.EventTypeNormal, "DeletingLoadBalancer", "Deleting load balancer")
	if len(svc.Status.LoadBalancer.Ingress) > 0 {
		svc.Status.LoadBalancer = corev1.LoadBalancerStatus{}
		updated, err := c.client.CoreV1().Services(svc.Namespace).UpdateStatus(ctx, svc, metav1.UpdateOptions{})
		if err != nil {
			return ignoreGone(fmt.Errorf("clear load balancer status of service %s/%s: %w", svc.Namespace, svc.Name, err))
		}
		svc = updated
	}
	svc.Finalizers = slices.DeleteFunc(svc.Finalizers, func(f string) bool { return f == Finalizer })
	if _, err := c.client.CoreV1().Services(svc.Namespace).Update(ctx, svc, metav1.UpdateOptions{}); err != nil {
		return ignoreGone(fmt.Errorf("remove finalizer from service %s/%s: %w", svc.Namespace, svc.Name, err))
	}
	c.recorder.Event(svc, corev1.EventTypeNormal, "DeletedLoadBalancer", "Deleted load balancer")
	return nil
}

// allocate picks the requested spec.loadBalancerIP when it is free, else
// the lowest free address of the pool.
func (c *Controller) allocate(svc *corev1.Service) (string, error) {
	used := map[string]bool{}
	c.store.View().List("services", "", func(obj runtime.Object) bool {
		other := obj.(*corev1.Service)
		if other.UID != svc.UID {
			for _, in := range other.Status.LoadBalancer.Ingress {
				used[in.IP] = true
			}
		}
		return true
	})
	if want := svc.Spec.LoadBalancerIP; want != "" {
		if used[want] {
			return "", fmt.Errorf("requested load balancer IP %s is in use", want)
		}
		return want, nil
	}
	for a := IngressCIDR.Addr().Next(); IngressCIDR.Contains(a); a = a.Next() {
		if !used[a.String()] && a.Next().IsValid() && IngressCIDR.Contains(a.Next()) {
			return a.String(), nil
		}
	}
	return "", fmt.Errorf("no free address in %s", IngressCIDR)
}

// ignoreGone drops errors about a Service that is gone or changed: the
// feed brings the next version.
func ignoreGone(err error) error {
	if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
		return nil
	}
	return err
}
