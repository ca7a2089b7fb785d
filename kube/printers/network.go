package printers

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/sets"
)

func addNetworkPrinters(r registry) {
	svcSpec := corev1.ServiceSpec{}.SwaggerDoc()
	add(r, []metav1.TableColumnDefinition{
		nameColumn(),
		column("Type", "string", svcSpec["type"]),
		column("Cluster-IP", "string", svcSpec["clusterIP"]),
		column("External-IP", "string", svcSpec["externalIPs"]),
		column("Port(s)", "string", svcSpec["ports"]),
		ageColumn(),
		wide("Selector", "string", svcSpec["selector"]),
	}, serviceCells)

	add(r, []metav1.TableColumnDefinition{
		nameColumn(),
		column("Endpoints", "string", corev1.Endpoints{}.SwaggerDoc()["subsets"]),
		ageColumn(),
	}, func(ep *corev1.Endpoints, e env) []any {
		return []any{ep.Name, formatEndpoints(ep), e.age(ep.CreationTimestamp)}
	})

	slice := discoveryv1.EndpointSlice{}.SwaggerDoc()
	add(r, []metav1.TableColumnDefinition{
		nameColumn(),
		column("AddressType", "string", slice["addressType"]),
		column("Ports", "string", slice["ports"]),
		column("Endpoints", "string", slice["endpoints"]),
		ageColumn(),
	}, func(s *discoveryv1.EndpointSlice, e env) []any {
		return []any{s.Name, string(s.AddressType), formatSlicePorts(s.Ports), formatSliceEndpoints(s.Endpoints), e.age(s.CreationTimestamp)}
	})

	add(r, []metav1.TableColumnDefinition{
		nameColumn(),
		column("Class", "string", "The name of the IngressClass resource that should be used for additional configuration"),
		column("Hosts", "string", "Hosts that incoming requests are matched against before the ingress rule"),
		column("Address", "string", "Address is a list containing ingress points for the load-balancer"),
		column("Ports", "string", "Ports of TLS configurations that open"),
		ageColumn(),
	}, ingressCells)

	add(r, []metav1.TableColumnDefinition{
		nameColumn(),
		column("Controller", "string", "Controller that is responsible for handling this class"),
		column("Parameters", "string", "A reference to a resource with additional parameters"),
		ageColumn(),
	}, func(ic *networkingv1.IngressClass, e env) []any {
		params := "<none>"
		if p := ic.Spec.Parameters; p != nil {
			params = p.Kind
			if p.APIGroup != nil {
				params += "." + *p.APIGroup
			}
			params += "/" + p.Name
		}
		return []any{ic.Name, ic.Spec.Controller, params, e.age(ic.CreationTimestamp)}
	})

	add(r, []metav1.TableColumnDefinition{
		nameColumn(),
		column("Pod-Selector", "string", networkingv1.NetworkPolicySpec{}.SwaggerDoc()["podSelector"]),
		ageColumn(),
	}, func(np *networkingv1.NetworkPolicy, e env) []any {
		return []any{np.Name, metav1.FormatLabelSelector(&np.Spec.PodSelector), e.age(np.CreationTimestamp)}
	})
}

func serviceCells(svc *corev1.Service, e env) []any {
	ports := servicePorts(svc.Spec.Ports)
	if ports == "" {
		ports = "<none>"
	}
	return []any{svc.Name, string(svc.Spec.Type), orNone(clusterIP(svc)), serviceExternalIP(svc), ports,
		e.age(svc.CreationTimestamp), labels.FormatLabels(svc.Spec.Selector)}
}

// clusterIP is the first cluster IP; converting v1 to the internal type
// upstream prints makes spec.clusterIP authoritative over spec.clusterIPs.
func clusterIP(svc *corev1.Service) string {
	if svc.Spec.ClusterIP != "" {
		return svc.Spec.ClusterIP
	}
	if len(svc.Spec.ClusterIPs) > 0 {
		return svc.Spec.ClusterIPs[0]
	}
	return ""
}

// serviceExternalIP is upstream's getServiceExternalIP for wide output
// (the server never clips load balancer addresses).
func serviceExternalIP(svc *corev1.Service) string {
	switch svc.Spec.Type {
	case corev1.ServiceTypeClusterIP, corev1.ServiceTypeNodePort:
		if len(svc.Spec.ExternalIPs) > 0 {
			return strings.Join(svc.Spec.ExternalIPs, ",")
		}
		return "<none>"
	case corev1.ServiceTypeLoadBalancer:
		lb := loadBalancerAddresses(svc.Status.LoadBalancer.Ingress)
		if len(svc.Spec.ExternalIPs) > 0 {
			return strings.Join(append(lb, svc.Spec.ExternalIPs...), ",")
		}
		if len(lb) > 0 {
			return strings.Join(lb, ",")
		}
		return "<pending>"
	case corev1.ServiceTypeExternalName:
		return svc.Spec.ExternalName
	}
	return "<unknown>"
}

// loadBalancerAddresses returns the IP, or else the hostname, of each load
// balancer ingress point, sorted and without duplicates.
func loadBalancerAddresses(ingress []corev1.LoadBalancerIngress) []string {
	addrs := make([]string, len(ingress))
	for i, in := range ingress {
		addrs[i] = firstNonEmpty(in.IP, in.Hostname)
	}
	return sortedSet(addrs)
}

// sortedSet returns the distinct non-empty strings of list, sorted.
func sortedSet(list []string) []string {
	set := sets.New[string]()
	for _, s := range list {
		if s != "" {
			set.Insert(s)
		}
	}
	return sets.List(set)
}

// servicePorts formats ports as "80/TCP" or, with a node port,
// "80:30080/TCP", comma separated.
func servicePorts(ports []corev1.ServicePort) string {
	pieces := make([]string, len(ports))
	for i, p := range ports {
		pieces[i] = fmt.Sprintf("%d/%s", p.Port, p.Protocol)
		if p.NodePort > 0 {
			pieces[i] = fmt.Sprintf("%d:%d/%s", p.Port, p.NodePort, p.Protocol)
		}
	}
	return strings.Join(pieces, ",")
}

// formatEndpoints lists up to three "ip:port" endpoints, then how many more
// (upstream's formatEndpoints with all ports).
func formatEndpoints(ep *corev1.Endpoints) string {
	if len(ep.Subsets) == 0 {
		return "<none>"
	}
	const limit = 3
	var list []string
	more, count := false, 0
	addOne := func(s string) {
		if len(list) == limit {
			more = true
			return
		}
		list = append(list, s)
	}
	for _, ss := range ep.Subsets {
		if len(ss.Ports) == 0 {
			// Headless services may have no ports.
			count += len(ss.Addresses)
			for _, a := range ss.Addresses {
				addOne(a.IP)
			}
			continue
		}
		for _, port := range ss.Ports {
			count += len(ss.Addresses)
			for _, a := range ss.Addresses {
				addOne(net.JoinHostPort(a.IP, strconv.Itoa(int(port.Port))))
			}
		}
	}
	ret := strings.Join(list, ",")
	if more {
		return fmt.Sprintf("%s + %d more...", ret, count-limit)
	}
	return ret
}

func formatSlicePorts(ports []discoveryv1.EndpointPort) string {
	const limit = 3
	var list []string
	more := false
	for _, p := range ports {
		if len(list) == limit {
			more = true
			continue
		}
		num := "*"
		if p.Port != nil {
			num = strconv.Itoa(int(*p.Port))
		} else if p.Name != nil {
			num = *p.Name
		}
		list = append(list, num)
	}
	return listWithMore(list, more, len(ports), limit)
}

func formatSliceEndpoints(endpoints []discoveryv1.Endpoint) string {
	const limit = 3
	var list []string
	more, count := false, 0
	for _, ep := range endpoints {
		for _, addr := range ep.Addresses {
			if len(list) == limit {
				more = true
			} else {
				list = append(list, addr)
			}
			count++
		}
	}
	return listWithMore(list, more, count, limit)
}

func ingressCells(ing *networkingv1.Ingress, e env) []any {
	class := "<none>"
	if ing.Spec.IngressClassName != nil {
		class = *ing.Spec.IngressClassName
	}
	lb := make([]string, len(ing.Status.LoadBalancer.Ingress))
	for i, in := range ing.Status.LoadBalancer.Ingress {
		lb[i] = firstNonEmpty(in.IP, in.Hostname)
	}
	ports := "80"
	if len(ing.Spec.TLS) != 0 {
		ports = "80, 443"
	}
	return []any{ing.Name, class, ingressHosts(ing.Spec.Rules), strings.Join(sortedSet(lb), ","), ports, e.age(ing.CreationTimestamp)}
}

// ingressHosts lists up to three rule hosts, "*" when no rule names one.
func ingressHosts(rules []networkingv1.IngressRule) string {
	const limit = 3
	var list []string
	more := false
	for _, rule := range rules {
		if len(list) == limit {
			more = true
		}
		if !more && rule.Host != "" {
			list = append(list, rule.Host)
		}
	}
	if len(list) == 0 {
		return "*"
	}
	ret := strings.Join(list, ",")
	if more {
		return fmt.Sprintf("%s + %d more...", ret, len(rules)-limit)
	}
	return ret
}
