package validation

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// service is a defaulted Service with the cluster IP the registry
// allocated.
func service(mutate func(*corev1.Service)) *corev1.Service {
	s := &corev1.Service{ObjectMeta: om("web", "ns"), Spec: corev1.ServiceSpec{
		Selector: appLabels, Ports: []corev1.ServicePort{{Port: 80, TargetPort: intstr.FromInt32(8080)}},
		ClusterIP: "10.96.0.10", ClusterIPs: []string{"10.96.0.10"},
	}}
	if mutate != nil {
		mutate(s)
	}
	return defaulted(s)
}

func TestService(t *testing.T) {
	runCreate(t, []createCase{
		{"valid", service(nil), nil},
		{"name is a DNS-1035 label", service(func(s *corev1.Service) { s.Name = "1web" }), []string{
			`metadata.name: Invalid value: "1web": ` + dns1035LabelMsg,
		}},
		{"ports", service(func(s *corev1.Service) {
			s.Spec.Ports = []corev1.ServicePort{{Port: 80}, {Name: "b", Port: 0}}
		}), []string{
			"spec.ports[0].name: Required value",
			"spec.ports[1].port: Invalid value: 0: " + portNumMsg,
			// The target port defaults to the port.
			"spec.ports[1].targetPort: Invalid value: 0: " + portNumMsg,
		}},
		{"no ports", service(func(s *corev1.Service) { s.Spec.Ports = nil }), []string{"spec.ports: Required value"}},
		{"type", service(func(s *corev1.Service) { s.Spec.Type = "Internal" }), []string{
			`spec.type: Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"`,
		}},
	})
	old := service(nil)
	runUpdate(t, []updateCase{
		{"new cluster IP", service(func(s *corev1.Service) {
			s.Spec.ClusterIP, s.Spec.ClusterIPs = "10.96.0.11", []string{"10.96.0.11"}
		}), old, []string{`spec.clusterIPs[0]: Invalid value: ["10.96.0.11"]: may not change once set`}},
	})
}
