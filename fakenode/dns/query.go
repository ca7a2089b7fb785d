package dns

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// query answers one fully qualified name; nil means NXDOMAIN.
func (r *Resolver) query(ctx context.Context, fqdn string) (*Answer, error) {
	rel, ok := strings.CutSuffix(strings.ToLower(fqdn), "."+r.domain)
	if !ok {
		return nil, nil
	}
	labels := strings.Split(rel, ".")
	n := len(labels)
	switch {
	case n == 3 && labels[2] == "svc":
		return r.service(ctx, fqdn, labels[1], labels[0])
	case n == 4 && labels[3] == "svc":
		return r.endpoint(ctx, fqdn, labels[2], labels[1], labels[0])
	case n == 5 && labels[4] == "svc" && strings.HasPrefix(labels[0], "_") && strings.HasPrefix(labels[1], "_"):
		return r.srv(ctx, fqdn, labels[3], labels[2], labels[0][1:], labels[1][1:])
	case n == 3 && labels[2] == "pod":
		// CoreDNS's "pods insecure", kubeadm's default: the address is
		// the name, whether or not such a pod exists.
		if ip := undash(labels[0]); ip != "" {
			return &Answer{Name: fqdn, Addresses: []string{ip}}, nil
		}
	}
	return nil, nil
}

// service answers <name>.<ns>.svc.
func (r *Resolver) service(ctx context.Context, fqdn, ns, name string) (*Answer, error) {
	svc, err := r.getService(ctx, ns, name)
	if svc == nil || err != nil {
		return nil, err
	}
	switch {
	case svc.Spec.Type == corev1.ServiceTypeExternalName:
		return &Answer{Name: fqdn, CNAME: strings.TrimSuffix(svc.Spec.ExternalName, ".")}, nil
	case svc.Spec.ClusterIP != corev1.ClusterIPNone && svc.Spec.ClusterIP != "":
		ips := svc.Spec.ClusterIPs
		if len(ips) == 0 {
			ips = []string{svc.Spec.ClusterIP}
		}
		return &Answer{Name: fqdn, Addresses: slices.Clone(ips)}, nil
	}
	eps, err := r.readyEndpoints(ctx, ns, name)
	if err != nil || len(eps) == 0 {
		return nil, err
	}
	ans := &Answer{Name: fqdn}
	for _, ep := range eps {
		ans.Addresses = appendNew(ans.Addresses, ep.address)
	}
	return ans, nil
}

// endpoint answers <host>.<service>.<ns>.svc: a headless service's
// endpoint whose hostname, or dashed address, is host.
func (r *Resolver) endpoint(ctx context.Context, fqdn, ns, service, host string) (*Answer, error) {
	eps, err := r.readyEndpoints(ctx, ns, service)
	if err != nil {
		return nil, err
	}
	ans := &Answer{Name: fqdn}
	for _, ep := range eps {
		if ep.hostname == host {
			ans.Addresses = appendNew(ans.Addresses, ep.address)
		}
	}
	if len(ans.Addresses) == 0 {
		return nil, nil
	}
	return ans, nil
}

// srv answers _<port>._<proto>.<service>.<ns>.svc: the service's name for
// a cluster IP service, one record per ready endpoint for a headless one.
func (r *Resolver) srv(ctx context.Context, fqdn, ns, service, port, proto string) (*Answer, error) {
	svc, err := r.getService(ctx, ns, service)
	if svc == nil || err != nil {
		return nil, err
	}
	var sp *corev1.ServicePort
	for i, p := range svc.Spec.Ports {
		if p.Name == port && strings.EqualFold(string(p.Protocol), proto) {
			sp = &svc.Spec.Ports[i]
		}
	}
	if sp == nil {
		return nil, nil
	}
	ans := &Answer{Name: fqdn}
	if svc.Spec.ClusterIP != corev1.ClusterIPNone {
		target := fmt.Sprintf("%s.%s.svc.%s.", service, ns, r.domain)
		ans.SRV = []*net.SRV{{Target: target, Port: uint16(sp.Port), Weight: 100}}
		return ans, nil
	}
	eps, err := r.readyEndpoints(ctx, ns, service)
	if err != nil {
		return nil, err
	}
	for _, ep := range eps {
		if p, ok := ep.ports[port]; ok {
			target := fmt.Sprintf("%s.%s.%s.svc.%s.", ep.hostname, service, ns, r.domain)
			ans.SRV = append(ans.SRV, &net.SRV{Target: target, Port: uint16(p)})
		}
	}
	if len(ans.SRV) == 0 {
		return nil, nil
	}
	for _, s := range ans.SRV {
		s.Weight = uint16(100 / len(ans.SRV))
	}
	return ans, nil
}

func (r *Resolver) getService(ctx context.Context, ns, name string) (*corev1.Service, error) {
	svc, err := r.client.CoreV1().Services(ns).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("get service %s/%s: %w", ns, name, err)
	}
	return svc, nil
}

// endpoint is one address a headless service publishes.
type endpoint struct {
	address, hostname string
	ports             map[string]int32
}

// readyEndpoints are the addresses of the service's EndpointSlices that
// are ready (the EndpointSlice controller already counts not-ready ones
// ready under publishNotReadyAddresses).
func (r *Resolver) readyEndpoints(ctx context.Context, ns, service string) ([]endpoint, error) {
	list, err := r.client.DiscoveryV1().EndpointSlices(ns).List(ctx, metav1.ListOptions{
		LabelSelector: discoveryv1.LabelServiceName + "=" + service,
	})
	if err != nil {
		return nil, fmt.Errorf("list endpointslices of %s/%s: %w", ns, service, err)
	}
	var out []endpoint
	for _, s := range list.Items {
		ports := map[string]int32{}
		for _, p := range s.Ports {
			if p.Name != nil && p.Port != nil {
				ports[*p.Name] = *p.Port
			}
		}
		for _, ep := range s.Endpoints {
			if ep.Conditions.Ready != nil && !*ep.Conditions.Ready {
				continue
			}
			for _, addr := range ep.Addresses {
				host := dash(addr)
				if ep.Hostname != nil && *ep.Hostname != "" {
					host = *ep.Hostname
				}
				out = append(out, endpoint{address: addr, hostname: host, ports: ports})
			}
		}
	}
	return out, nil
}

// dash spells an address as a DNS label: 10.244.1.5 is 10-244-1-5.
func dash(addr string) string {
	return strings.NewReplacer(".", "-", ":", "-").Replace(addr)
}

// undash reads an address spelled as a label, or returns "".
func undash(label string) string {
	if strings.Count(label, "-") == 3 {
		if a, err := netip.ParseAddr(strings.ReplaceAll(label, "-", ".")); err == nil && a.Is4() {
			return a.String()
		}
	}
	if a, err := netip.ParseAddr(strings.ReplaceAll(label, "-", ":")); err == nil && a.Is6() {
		return a.String()
	}
	return ""
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
