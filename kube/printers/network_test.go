package printers

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

func TestNetworkColumns(t *testing.T) {
	tests := []struct {
		obj  runtime.Object
		want []string
	}{
		{&corev1.Service{}, []string{"Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector (wide)"}},
		{&corev1.Endpoints{}, []string{"Name", "Endpoints", "Age"}},
		{&discoveryv1.EndpointSlice{}, []string{"Name", "AddressType", "Ports", "Endpoints", "Age"}},
		{&networkingv1.Ingress{}, []string{"Name", "Class", "Hosts", "Address", "Ports", "Age"}},
		{&networkingv1.IngressClass{}, []string{"Name", "Controller", "Parameters", "Age"}},
		{&networkingv1.NetworkPolicy{}, []string{"Name", "Pod-Selector", "Age"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, columnNames(tt.obj)); diff != "" {
			t.Errorf("%T columns (-want +got):\n%s", tt.obj, diff)
		}
	}
}

func TestServiceCells(t *testing.T) {
	svc := func(typ corev1.ServiceType, mutate func(*corev1.Service)) *corev1.Service {
		s := &corev1.Service{ObjectMeta: objectMeta("web")}
		s.Spec.Type = typ
		s.Spec.ClusterIP = "10.96.0.10"
		s.Spec.ClusterIPs = []string{"10.96.0.10"}
		s.Spec.Selector = map[string]string{"app": "web"}
		s.Spec.Ports = []corev1.ServicePort{{Port: 80, Protocol: corev1.ProtocolTCP}}
		mutate(s)
		return s
	}
	tests := []struct {
		name string
		svc  *corev1.Service
		want []any
	}{
		{"cluster IP", svc(corev1.ServiceTypeClusterIP, func(*corev1.Service) {}),
			[]any{"web", "ClusterIP", "10.96.0.10", "<none>", "80/TCP", "60m", "app=web"}},
		{"node port", svc(corev1.ServiceTypeNodePort, func(s *corev1.Service) {
			s.Spec.Ports[0].NodePort = 30080
		}), []any{"web", "NodePort", "10.96.0.10", "<none>", "80:30080/TCP", "60m", "app=web"}},
		{"several ports and external IPs", svc(corev1.ServiceTypeClusterIP, func(s *corev1.Service) {
			s.Spec.Ports = append(s.Spec.Ports, corev1.ServicePort{Port: 53, Protocol: corev1.ProtocolUDP})
			s.Spec.ExternalIPs = []string{"1.2.3.4", "5.6.7.8"}
		}), []any{"web", "ClusterIP", "10.96.0.10", "1.2.3.4,5.6.7.8", "80/TCP,53/UDP", "60m", "app=web"}},
		{"pending load balancer", svc(corev1.ServiceTypeLoadBalancer, func(s *corev1.Service) {
			s.Spec.Ports[0].NodePort = 31000
		}), []any{"web", "LoadBalancer", "10.96.0.10", "<pending>", "80:31000/TCP", "60m", "app=web"}},
		{"load balancer with ingress", svc(corev1.ServiceTypeLoadBalancer, func(s *corev1.Service) {
			s.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{
				{Hostname: "a-very-long-load-balancer.example.com"}, {IP: "203.0.113.9"}, {IP: "203.0.113.9"},
			}
			s.Spec.ExternalIPs = []string{"1.2.3.4"}
		}), []any{"web", "LoadBalancer", "10.96.0.10", "203.0.113.9,a-very-long-load-balancer.example.com,1.2.3.4", "80/TCP", "60m", "app=web"}},
		{"headless without ports or selector", svc(corev1.ServiceTypeClusterIP, func(s *corev1.Service) {
			s.Spec.ClusterIP, s.Spec.ClusterIPs = "None", []string{"None"}
			s.Spec.Ports = nil
			s.Spec.Selector = nil
		}), []any{"web", "ClusterIP", "None", "<none>", "<none>", "60m", "<none>"}},
		{"external name", svc(corev1.ServiceTypeExternalName, func(s *corev1.Service) {
			s.Spec.ClusterIP, s.Spec.ClusterIPs = "", nil
			s.Spec.ExternalName = "db.example.com"
		}), []any{"web", "ExternalName", "<none>", "db.example.com", "80/TCP", "60m", "app=web"}},
		{"cluster IPs only", svc(corev1.ServiceTypeClusterIP, func(s *corev1.Service) {
			s.Spec.ClusterIP = ""
			s.Spec.ClusterIPs = []string{"fd00::10", "10.96.0.11"}
		}), []any{"web", "ClusterIP", "fd00::10", "<none>", "80/TCP", "60m", "app=web"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, cells(t, tt.svc)); diff != "" {
				t.Errorf("cells (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEndpointsCells(t *testing.T) {
	addrs := func(ips ...string) []corev1.EndpointAddress {
		var out []corev1.EndpointAddress
		for _, ip := range ips {
			out = append(out, corev1.EndpointAddress{IP: ip})
		}
		return out
	}
	tests := []struct {
		name string
		sub  []corev1.EndpointSubset
		want string
	}{
		{"none", nil, "<none>"},
		{"two addresses", []corev1.EndpointSubset{{Addresses: addrs("10.0.0.1", "10.0.0.2"), Ports: []corev1.EndpointPort{{Port: 80}}}}, "10.0.0.1:80,10.0.0.2:80"},
		{"more than three", []corev1.EndpointSubset{{Addresses: addrs("10.0.0.1", "10.0.0.2", "10.0.0.3"), Ports: []corev1.EndpointPort{{Port: 80}, {Port: 443}}}}, "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 3 more..."},
		{"headless without ports", []corev1.EndpointSubset{{Addresses: addrs("10.0.0.1")}}, "10.0.0.1"},
		{"ipv6", []corev1.EndpointSubset{{Addresses: addrs("fd00::1"), Ports: []corev1.EndpointPort{{Port: 80}}}}, "[fd00::1]:80"},
	}
	for _, tt := range tests {
		ep := &corev1.Endpoints{ObjectMeta: objectMeta("web"), Subsets: tt.sub}
		if diff := cmp.Diff([]any{"web", tt.want, "60m"}, cells(t, ep)); diff != "" {
			t.Errorf("%s: cells (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestEndpointSliceCells(t *testing.T) {
	s := &discoveryv1.EndpointSlice{ObjectMeta: objectMeta("web-abc"), AddressType: discoveryv1.AddressTypeIPv4}
	s.Ports = []discoveryv1.EndpointPort{{Port: ptr(int32(80))}, {Name: ptr("metrics")}, {}, {Port: ptr(int32(9000))}}
	s.Endpoints = []discoveryv1.Endpoint{{Addresses: []string{"10.0.0.1", "10.0.0.2"}}, {Addresses: []string{"10.0.0.3", "10.0.0.4"}}}
	want := []any{"web-abc", "IPv4", "80,metrics,* + 1 more...", "10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...", "60m"}
	if diff := cmp.Diff(want, cells(t, s)); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
	empty := &discoveryv1.EndpointSlice{ObjectMeta: objectMeta("empty"), AddressType: discoveryv1.AddressTypeIPv6}
	want = []any{"empty", "IPv6", "<unset>", "<unset>", "60m"}
	if diff := cmp.Diff(want, cells(t, empty)); diff != "" {
		t.Errorf("cells of an empty slice (-want +got):\n%s", diff)
	}
}

func TestIngressCells(t *testing.T) {
	ing := &networkingv1.Ingress{ObjectMeta: objectMeta("web")}
	if diff := cmp.Diff([]any{"web", "<none>", "*", "", "80", "60m"}, cells(t, ing)); diff != "" {
		t.Errorf("cells of a bare ingress (-want +got):\n%s", diff)
	}
	ing.Spec.IngressClassName = ptr("nginx")
	ing.Spec.Rules = []networkingv1.IngressRule{{Host: "a.example.com"}, {}, {Host: "b.example.com"}, {Host: "c.example.com"}, {Host: "d.example.com"}}
	ing.Spec.TLS = []networkingv1.IngressTLS{{Hosts: []string{"a.example.com"}}}
	ing.Status.LoadBalancer.Ingress = []networkingv1.IngressLoadBalancerIngress{{IP: "192.0.2.2"}, {Hostname: "lb.example.com"}, {IP: "192.0.2.1"}}
	want := []any{"web", "nginx", "a.example.com,b.example.com,c.example.com + 2 more...", "192.0.2.1,192.0.2.2,lb.example.com", "80, 443", "60m"}
	if diff := cmp.Diff(want, cells(t, ing)); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
}

func TestIngressClassAndNetworkPolicyCells(t *testing.T) {
	ic := &networkingv1.IngressClass{ObjectMeta: objectMeta("nginx"), Spec: networkingv1.IngressClassSpec{Controller: "k8s.io/ingress-nginx"}}
	if diff := cmp.Diff([]any{"nginx", "k8s.io/ingress-nginx", "<none>", "60m"}, cells(t, ic)); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
	ic.Spec.Parameters = &networkingv1.IngressClassParametersReference{APIGroup: ptr("k8s.example.com"), Kind: "IngressParameters", Name: "external-lb"}
	if diff := cmp.Diff([]any{"nginx", "k8s.io/ingress-nginx", "IngressParameters.k8s.example.com/external-lb", "60m"}, cells(t, ic)); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}

	np := &networkingv1.NetworkPolicy{ObjectMeta: objectMeta("deny")}
	if diff := cmp.Diff([]any{"deny", "<none>", "60m"}, cells(t, np)); diff != "" {
		t.Errorf("cells of an empty selector (-want +got):\n%s", diff)
	}
	np.Spec.PodSelector = metav1.LabelSelector{MatchLabels: map[string]string{"role": "db"}}
	if diff := cmp.Diff([]any{"deny", "role=db", "60m"}, cells(t, np)); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
}
