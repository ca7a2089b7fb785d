package fakenode

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// serviceEnv is the environment the kubelet derives from services: the
// "kubernetes" service of the default namespace always, and, when
// enableServiceLinks is on, every service of the pod's namespace
// (kubelet_pods.go getServiceEnvVarMap, pkg/kubelet/envvars).
func (w *podWorker) serviceEnv(ctx context.Context) []corev1.EnvVar {
	obj, _ := w.read("services", func() (any, error) { return w.services(ctx), nil })
	services, _ := obj.(map[string]corev1.Service)
	var out []corev1.EnvVar
	for _, name := range sortedKeys(services) {
		out = append(out, serviceVars(services[name])...)
	}
	return out
}

// services are those whose variables a pod's containers get: those of its
// namespace when service links are enabled, and the API server's.
func (w *podWorker) services(ctx context.Context) map[string]corev1.Service {
	services := map[string]corev1.Service{}
	client := w.node.fleet.client.CoreV1()
	listed := false
	if ptr.Deref(w.pod.Spec.EnableServiceLinks, true) {
		if list, err := client.Services(w.pod.Namespace).List(ctx, metav1.ListOptions{}); err == nil {
			listed = true
			for _, s := range list.Items {
				services[s.Name] = s
			}
		}
	}
	if listed && w.pod.Namespace == metav1.NamespaceDefault {
		return services // the list had the API server's service, if there is one
	}
	if master, err := client.Services(metav1.NamespaceDefault).Get(ctx, "kubernetes", metav1.GetOptions{}); err == nil {
		services["kubernetes"] = *master
	}
	return services
}

// serviceVars are one service's variables, in the kubelet's order.
func serviceVars(s corev1.Service) []corev1.EnvVar {
	ip := s.Spec.ClusterIP
	if ip == "" || ip == corev1.ClusterIPNone || len(s.Spec.Ports) == 0 {
		return nil
	}
	prefix := strings.ToUpper(strings.ReplaceAll(s.Name, "-", "_"))
	first := s.Spec.Ports[0]
	vars := []corev1.EnvVar{
		{Name: prefix + "_SERVICE_HOST", Value: ip},
		{Name: prefix + "_SERVICE_PORT", Value: strconv.Itoa(int(first.Port))},
	}
	for _, p := range s.Spec.Ports {
		if p.Name != "" {
			vars = append(vars, corev1.EnvVar{
				Name:  prefix + "_SERVICE_PORT_" + strings.ToUpper(strings.ReplaceAll(p.Name, "-", "_")),
				Value: strconv.Itoa(int(p.Port)),
			})
		}
	}
	vars = append(vars, corev1.EnvVar{Name: prefix + "_PORT", Value: linkURL(first, ip)})
	for _, p := range s.Spec.Ports {
		proto := strings.ToUpper(string(p.Protocol))
		if proto == "" {
			proto = "TCP"
		}
		base := fmt.Sprintf("%s_PORT_%d_%s", prefix, p.Port, proto)
		vars = append(vars,
			corev1.EnvVar{Name: base, Value: linkURL(p, ip)},
			corev1.EnvVar{Name: base + "_PROTO", Value: strings.ToLower(proto)},
			corev1.EnvVar{Name: base + "_PORT", Value: strconv.Itoa(int(p.Port))},
			corev1.EnvVar{Name: base + "_ADDR", Value: ip},
		)
	}
	return vars
}

func linkURL(p corev1.ServicePort, ip string) string {
	proto := strings.ToLower(string(p.Protocol))
	if proto == "" {
		proto = "tcp"
	}
	if strings.Contains(ip, ":") {
		ip = "[" + ip + "]"
	}
	return fmt.Sprintf("%s://%s:%d", proto, ip, p.Port)
}
