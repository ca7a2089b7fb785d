package endpoint

import (
	"context"
	"fmt"
	"maps"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/kube/controller/endpointslice/endpointutil"
)

// Reconcile syncs one Service's Endpoints with its pods, as upstream's
// syncService does.
func (c *Controller) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	view := c.store.View()
	svc, _ := view.Get("services", req.Namespace, req.Name).(*corev1.Service)
	if svc == nil {
		// The Service is gone: so are its Endpoints.
		err := c.client.CoreV1().Endpoints(req.Namespace).Delete(ctx, req.Name, metav1.DeleteOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			return controller.Result{}, fmt.Errorf("delete Endpoints %s: %w", req, err)
		}
		c.triggers.Forget(req.Namespace, req.Name)
		return controller.Result{}, nil
	}
	if svc.Spec.Type == corev1.ServiceTypeExternalName || svc.Spec.Selector == nil {
		return controller.Result{}, nil
	}
	pods := endpointutil.SelectedPods(view, svc)
	trigger := c.triggers.Compute(svc, pods)
	subsets, truncated := capSubsets(repackSubsets(serviceSubsets(svc, pods)))

	cur, _ := view.Get("endpoints", svc.Namespace, svc.Name).(*corev1.Endpoints)
	create := cur == nil
	if create {
		cur = &corev1.Endpoints{ObjectMeta: metav1.ObjectMeta{Name: svc.Name, Namespace: svc.Namespace, Labels: svc.Labels}}
	}
	curLabels := maps.Clone(cur.Labels)
	delete(curLabels, corev1.IsHeadlessService)
	if !create && subsetsEqual(cur.Subsets, subsets) && apiequality.Semantic.DeepEqual(nilIfEmpty(curLabels), nilIfEmpty(svc.Labels)) &&
		(cur.Annotations[overCapacity] == "truncated") == truncated {
		return controller.Result{}, nil
	}

	ep := cur.DeepCopy()
	ep.Subsets = subsets
	ep.Labels = maps.Clone(svc.Labels)
	if ep.Labels == nil {
		ep.Labels = map[string]string{}
	}
	if svc.Spec.ClusterIP == "" || svc.Spec.ClusterIP == corev1.ClusterIPNone {
		ep.Labels[corev1.IsHeadlessService] = ""
	}
	if ep.Annotations == nil {
		ep.Annotations = map[string]string{}
	}
	if trigger.IsZero() {
		delete(ep.Annotations, corev1.EndpointsLastChangeTriggerTime)
	} else {
		ep.Annotations[corev1.EndpointsLastChangeTriggerTime] = endpointutil.FormatTriggerTime(trigger)
	}
	if truncated {
		ep.Annotations[overCapacity] = "truncated"
	} else {
		delete(ep.Annotations, overCapacity)
	}
	return controller.Result{}, c.write(ctx, svc, ep, create)
}

// write creates or updates the Endpoints; a terminating namespace's
// refusal is no error, since the Service is going too.
func (c *Controller) write(ctx context.Context, svc *corev1.Service, ep *corev1.Endpoints, create bool) error {
	var err error
	if create {
		_, err = c.client.CoreV1().Endpoints(ep.Namespace).Create(ctx, ep, metav1.CreateOptions{})
	} else {
		_, err = c.client.CoreV1().Endpoints(ep.Namespace).Update(ctx, ep, metav1.UpdateOptions{})
	}
	switch {
	case err == nil:
		return nil
	case create && apierrors.IsForbidden(err):
		return nil
	case create:
		c.recorder.Eventf(svc, corev1.EventTypeWarning, "FailedToCreateEndpoint", "Failed to create endpoint for service %v/%v: %v", svc.Namespace, svc.Name, err)
		return fmt.Errorf("create Endpoints %s/%s: %w", ep.Namespace, ep.Name, err)
	default:
		c.recorder.Eventf(svc, corev1.EventTypeWarning, "FailedToUpdateEndpoint", "Failed to update endpoint %v/%v: %v", svc.Namespace, svc.Name, err)
		return fmt.Errorf("update Endpoints %s/%s: %w", ep.Namespace, ep.Name, err)
	}
}

func nilIfEmpty(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

// serviceSubsets is one subset per pod and resolved port, before
// repacking: ready pods (or every pod with publishNotReadyAddresses)
// under addresses, the others under notReadyAddresses. A headless Service
// without ports lists its pods without ports; any other Service without
// ports lists none.
func serviceSubsets(svc *corev1.Service, pods []*corev1.Pod) []corev1.EndpointSubset {
	var out []corev1.EndpointSubset
	for _, pod := range pods {
		if !endpointutil.ShouldPodBeInEndpoints(pod, svc.Spec.PublishNotReadyAddresses) {
			continue
		}
		ips := endpointutil.PodIPs(pod, ipv6(svc))
		if len(ips) == 0 {
			continue
		}
		addr := corev1.EndpointAddress{IP: ips[0],
			TargetRef: &corev1.ObjectReference{Kind: "Pod", Namespace: pod.Namespace, Name: pod.Name, UID: pod.UID}}
		if pod.Spec.NodeName != "" {
			addr.NodeName = &pod.Spec.NodeName
		}
		if endpointutil.ShouldSetHostname(pod, svc) {
			addr.Hostname = pod.Spec.Hostname
		}
		ready := svc.Spec.PublishNotReadyAddresses || endpointutil.IsPodReady(pod)
		if len(svc.Spec.Ports) == 0 {
			if svc.Spec.ClusterIP == corev1.ClusterIPNone {
				out = append(out, subset(addr, nil, ready))
			}
			continue
		}
		for i := range svc.Spec.Ports {
			sp := &svc.Spec.Ports[i]
			n, err := endpointutil.FindPort(pod, sp)
			if err != nil {
				continue
			}
			out = append(out, subset(addr, &corev1.EndpointPort{Name: sp.Name, Port: n, Protocol: sp.Protocol, AppProtocol: sp.AppProtocol}, ready))
		}
	}
	return out
}

func subset(addr corev1.EndpointAddress, port *corev1.EndpointPort, ready bool) corev1.EndpointSubset {
	s := corev1.EndpointSubset{Ports: []corev1.EndpointPort{}}
	if port != nil {
		s.Ports = append(s.Ports, *port)
	}
	if ready {
		s.Addresses = []corev1.EndpointAddress{addr}
	} else {
		s.NotReadyAddresses = []corev1.EndpointAddress{addr}
	}
	return s
}

// ipv6 reports whether the Service's primary family is IPv6.
func ipv6(svc *corev1.Service) bool {
	return len(svc.Spec.IPFamilies) > 0 && svc.Spec.IPFamilies[0] == corev1.IPv6Protocol
}
