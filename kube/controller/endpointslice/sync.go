package endpointslice

import (
	"context"
	"errors"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/kube/controller/endpointslice/endpointutil"
	"github.com/kubesim/kubesim/store"
)

// Reconcile syncs one Service's slices with its pods, as upstream's
// syncService does.
func (c *Controller) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	view := c.store.View()
	svc, _ := view.Get("services", req.Namespace, req.Name).(*corev1.Service)
	if svc == nil {
		// Deleted: the garbage collector removes the slices it owned.
		c.triggers.Forget(req.Namespace, req.Name)
		return controller.Result{}, nil
	}
	// ExternalName Services get no endpoints (issues.k8s.io/105986); those
	// without a selector get the slices users write themselves.
	if svc.Spec.Type == corev1.ServiceTypeExternalName || svc.Spec.Selector == nil || svc.DeletionTimestamp != nil {
		return controller.Result{}, nil
	}
	pods := endpointutil.SelectedPods(view, svc)
	trigger := c.triggers.Compute(svc, pods)

	var p plan
	supported := addressTypes(svc)
	byType := map[discoveryv1.AddressType][]*discoveryv1.EndpointSlice{}
	for _, s := range managedSlices(view, svc) {
		if !supported[s.AddressType] || !ownedBy(s, svc) {
			// Another address type, or left by an older Service of the
			// same name.
			p.delete = append(p.delete, s)
			continue
		}
		byType[s.AddressType] = append(byType[s.AddressType], s)
	}
	var errs []error
	for _, at := range []discoveryv1.AddressType{discoveryv1.AddressTypeIPv4, discoveryv1.AddressTypeIPv6} {
		if !supported[at] {
			continue
		}
		groups, err := desiredEndpoints(view, svc, pods, at)
		if err != nil {
			errs = append(errs, err)
		}
		p.merge(planAddressType(svc, at, groups, byType[at]))
	}
	if err := c.apply(ctx, svc, p, trigger); err != nil {
		c.recorder.Eventf(svc, corev1.EventTypeWarning, "FailedToUpdateEndpointSlices",
			"Error updating Endpoint Slices for Service %s/%s: %v", svc.Namespace, svc.Name, err)
		errs = append(errs, err)
	}
	return controller.Result{}, errors.Join(errs...)
}

// addressTypes are the slice address types of the Service's IP families;
// IPv4 when it has none (kubesim's service range is IPv4).
func addressTypes(svc *corev1.Service) map[discoveryv1.AddressType]bool {
	out := map[discoveryv1.AddressType]bool{}
	for _, f := range svc.Spec.IPFamilies {
		switch f {
		case corev1.IPv4Protocol:
			out[discoveryv1.AddressTypeIPv4] = true
		case corev1.IPv6Protocol:
			out[discoveryv1.AddressTypeIPv6] = true
		}
	}
	if len(out) == 0 {
		out[discoveryv1.AddressTypeIPv4] = true
	}
	return out
}

// managedSlices lists the slices of the Service's namespace labelled as
// this controller's for the Service, oldest first.
func managedSlices(view *store.View, svc *corev1.Service) []*discoveryv1.EndpointSlice {
	var out []*discoveryv1.EndpointSlice
	view.List(slicesResource, svc.Namespace, func(obj runtime.Object) bool {
		s, ok := obj.(*discoveryv1.EndpointSlice)
		if ok && s.Labels[discoveryv1.LabelServiceName] == svc.Name && s.Labels[discoveryv1.LabelManagedBy] == ManagedBy {
			out = append(out, s)
		}
		return true
	})
	return out
}

func ownedBy(s *discoveryv1.EndpointSlice, svc *corev1.Service) bool {
	ref := metav1.GetControllerOfNoCopy(s)
	return ref != nil && ref.UID == svc.UID && ref.Kind == "Service"
}

// setTriggerTime stamps a slice being written with the sync's trigger
// time, or removes a stale one.
func setTriggerTime(s *discoveryv1.EndpointSlice, trigger time.Time) {
	if trigger.IsZero() {
		delete(s.Annotations, corev1.EndpointsLastChangeTriggerTime)
		return
	}
	if s.Annotations == nil {
		s.Annotations = map[string]string{}
	}
	s.Annotations[corev1.EndpointsLastChangeTriggerTime] = endpointutil.FormatTriggerTime(trigger)
}
