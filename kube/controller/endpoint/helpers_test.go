package endpoint_test

import (
	"context"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/testkit"
)

var ctx = context.Background()

const ns = "default"

func start(t *testing.T) (*testkit.Env, kubernetes.Interface) {
	t.Helper()
	env := testkit.Start(t, testkit.WithNodes(2))
	return env, env.Client()
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// deployment runs n nginx pods labelled app=<name> with container ports
// http 8080 and metrics 9100.
func deployment(name string, n int32) *appsv1.Deployment {
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To(n),
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": name}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": name}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "nginx",
					Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}, {Name: "metrics", ContainerPort: 9100}}}}},
			},
		},
	}
}

// service selects app=<app> on ports web (80 -> http) and metrics (9100).
func service(name, app string) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"tier": "front"}},
		Spec: corev1.ServiceSpec{
			Selector: map[string]string{"app": app},
			Ports: []corev1.ServicePort{
				{Name: "web", Port: 80, TargetPort: intstr.FromString("http")},
				{Name: "metrics", Port: 9100, TargetPort: intstr.FromInt32(9100)},
			},
		},
	}
}

func getEndpoints(t *testing.T, c kubernetes.Interface, name string) *corev1.Endpoints {
	t.Helper()
	ep, err := c.CoreV1().Endpoints(ns).Get(ctx, name, metav1.GetOptions{})
	check(t, err)
	return ep
}

// ips lists the IPs of addresses.
func ips(as []corev1.EndpointAddress) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.IP)
	}
	return out
}

// podIPs lists the IPs of the pods labelled app=<app>, sorted.
func podIPs(t *testing.T, c kubernetes.Interface, app string) map[string]corev1.Pod {
	t.Helper()
	list, err := c.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "app=" + app})
	check(t, err)
	out := map[string]corev1.Pod{}
	for _, p := range list.Items {
		out[p.Status.PodIP] = p
	}
	return out
}

func settle(env *testkit.Env) { env.Advance(5 * time.Second) }
