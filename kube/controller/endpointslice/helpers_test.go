package endpointslice_test

import (
	"context"
	"sort"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/fakenode"
	"github.com/kubesim/kubesim/testkit"
)

var ctx = context.Background()

const ns = "default"

// start runs two nodes in zones a and b.
func start(t *testing.T) (*testkit.Env, kubernetes.Interface) {
	t.Helper()
	env := testkit.Start(t,
		testkit.WithNode(fakenode.NodeSpec{Name: "node-1", Zone: "zone-a"}),
		testkit.WithNode(fakenode.NodeSpec{Name: "node-2", Zone: "zone-b"}))
	return env, env.Client()
}

// deployment runs n nginx pods labelled app=<name> with a container port
// named http on 8080.
func deployment(name string, n int32) *appsv1.Deployment {
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To(n),
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": name}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": name}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "nginx",
					Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}}}}},
			},
		},
	}
}

// service selects app=<app> and serves port 80 as "web" on targetPort.
func service(name, app string, targetPort intstr.IntOrString) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"tier": "front"}},
		Spec: corev1.ServiceSpec{
			Selector: map[string]string{"app": app},
			Ports:    []corev1.ServicePort{{Name: "web", Port: 80, TargetPort: targetPort}},
		},
	}
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// slices lists the EndpointSlices of a Service, by name.
func slices(t *testing.T, c kubernetes.Interface, svc string) []discoveryv1.EndpointSlice {
	t.Helper()
	list, err := c.DiscoveryV1().EndpointSlices(ns).List(ctx, metav1.ListOptions{LabelSelector: discoveryv1.LabelServiceName + "=" + svc})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(list.Items, func(i, j int) bool { return list.Items[i].Name < list.Items[j].Name })
	return list.Items
}

// oneSlice is the Service's only slice.
func oneSlice(t *testing.T, c kubernetes.Interface, svc string) discoveryv1.EndpointSlice {
	t.Helper()
	got := slices(t, c, svc)
	if len(got) != 1 {
		t.Fatalf("Service %s has %d slices, want 1: %+v", svc, len(got), got)
	}
	return got[0]
}

// podsOf lists the pods labelled app=<app> by name.
func podsOf(t *testing.T, c kubernetes.Interface, app string) map[string]corev1.Pod {
	t.Helper()
	list, err := c.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "app=" + app})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]corev1.Pod{}
	for _, p := range list.Items {
		out[p.Name] = p
	}
	return out
}

// conds renders an endpoint's conditions as "ready serving terminating"
// flags, e.g. "R S -".
func conds(ep discoveryv1.Endpoint) string {
	flag := func(b *bool, s string) string {
		if b != nil && *b {
			return s
		}
		return "-"
	}
	c := ep.Conditions
	return flag(c.Ready, "R") + " " + flag(c.Serving, "S") + " " + flag(c.Terminating, "T")
}

// byPod maps a slice's endpoints to their pods' names.
func byPod(s discoveryv1.EndpointSlice) map[string]discoveryv1.Endpoint {
	out := map[string]discoveryv1.Endpoint{}
	for _, ep := range s.Endpoints {
		if ep.TargetRef != nil {
			out[ep.TargetRef.Name] = ep
		}
	}
	return out
}

// settle lets pods be scheduled, pull their image and start (~1 s).
func settle(env *testkit.Env) { env.Advance(5 * time.Second) }
