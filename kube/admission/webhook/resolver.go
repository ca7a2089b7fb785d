package webhook

import (
	"fmt"
	"net"
	"net/url"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	webhookutil "k8s.io/apiserver/pkg/util/webhook"

	"github.com/kubesim/kubesim/store"
)

const (
	servicesResource       = "services"
	endpointSlicesResource = "endpointslices.discovery.k8s.io"
)

// serviceResolver sends a webhook whose clientConfig names a Service to
// a ready endpoint of the Service, as kube-apiserver does with
// --enable-aggregator-routing (upstream's proxy.ResolveEndpoint, whose
// errors these are). kubesim has no pod network, so a webhook server in
// the test process is reached through a Service without selector and an
// EndpointSlice, labelled kubernetes.io/service-name, whose endpoint is
// the server's loopback address. The TLS server name stays the Service's
// DNS name (name.namespace.svc), as upstream's. Unlike upstream, which
// picks an endpoint at random, the first ready one is used, so that runs
// repeat.
type serviceResolver struct {
	store *store.Store
}

var _ webhookutil.ServiceResolver = serviceResolver{}

// ResolveEndpoint implements webhookutil.ServiceResolver.
func (r serviceResolver) ResolveEndpoint(namespace, name string, port int32) (*url.URL, error) {
	view := r.store.View()
	svc, ok := view.Get(servicesResource, namespace, name).(*corev1.Service)
	if !ok {
		return nil, apierrors.NewNotFound(corev1.Resource("services"), name)
	}
	switch svc.Spec.Type {
	case corev1.ServiceTypeClusterIP, corev1.ServiceTypeLoadBalancer, corev1.ServiceTypeNodePort:
	default:
		return nil, fmt.Errorf("unsupported service type %q", svc.Spec.Type)
	}
	var svcPort *corev1.ServicePort
	for i := range svc.Spec.Ports {
		if svc.Spec.Ports[i].Port == port {
			svcPort = &svc.Spec.Ports[i]
			break
		}
	}
	if svcPort == nil {
		return nil, apierrors.NewServiceUnavailable(fmt.Sprintf("no service port %d found for service %q", port, name))
	}
	var host string
	view.List(endpointSlicesResource, namespace, func(obj runtime.Object) bool {
		s, ok := obj.(*discoveryv1.EndpointSlice)
		if ok && s.Labels[discoveryv1.LabelServiceName] == name {
			host = readyEndpoint(s, svcPort.Name)
		}
		return host == ""
	})
	if host == "" {
		return nil, apierrors.NewServiceUnavailable(fmt.Sprintf("no endpoints available for service %q", name))
	}
	return &url.URL{Scheme: "https", Host: host}, nil
}

// readyEndpoint returns host:port of the slice's first ready endpoint on
// the service port named portName, or "".
func readyEndpoint(s *discoveryv1.EndpointSlice, portName string) string {
	for _, p := range s.Ports {
		if p.Name == nil || *p.Name != portName || p.Port == nil {
			continue
		}
		for _, ep := range s.Endpoints {
			if (ep.Conditions.Ready != nil && !*ep.Conditions.Ready) || len(ep.Addresses) == 0 {
				continue
			}
			return net.JoinHostPort(ep.Addresses[0], strconv.Itoa(int(*p.Port)))
		}
	}
	return ""
}
