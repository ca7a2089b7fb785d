package dns_test

import (
	"context"
	"errors"
	"net"
	"slices"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/testkit"
)

func TestServiceNames(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	ctx := context.Background()
	client := env.Client()
	mustCreateNamespace(t, env, "shop")
	svc, err := client.CoreV1().Services("shop").Create(ctx, &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: corev1.ServiceSpec{Selector: map[string]string{"app": "web"},
			Ports: []corev1.ServicePort{{Name: "http", Port: 80, Protocol: corev1.ProtocolTCP}}}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.CoreV1().Services("shop").Create(ctx, &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "search"},
		Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeExternalName, ExternalName: "web.shop.svc.cluster.local"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	want := []string{svc.Spec.ClusterIP}
	for _, c := range []struct{ ns, name string }{
		{"shop", "web"}, {"default", "web.shop"}, {"default", "web.shop.svc"},
		{"default", "web.shop.svc.cluster.local"}, {"kube-system", "web.shop.svc.cluster.local."},
		{"shop", "search"}, // an ExternalName to a cluster name is followed
	} {
		got, err := env.DNS().In(c.ns).LookupHost(ctx, c.name)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("LookupHost(%q) from %s = %v, %v; want %v", c.name, c.ns, got, err, want)
		}
	}
	if cname, err := env.DNS().In("shop").LookupCNAME(ctx, "search"); err != nil || cname != "web.shop.svc.cluster.local." {
		t.Errorf("LookupCNAME(search) = %q, %v", cname, err)
	}
	_, srv, err := env.DNS().LookupSRV(ctx, "http", "tcp", "web.shop.svc.cluster.local")
	if err != nil || len(srv) != 1 || srv[0].Port != 80 || srv[0].Target != "web.shop.svc.cluster.local." {
		t.Errorf("LookupSRV = %v, %v", srv, err)
	}
	for _, name := range []string{"web", "web.nowhere", "db.shop", "web.shop.svc.other.domain"} {
		_, err := env.DNS().LookupHost(ctx, name)
		var dnsErr *net.DNSError
		if !errors.As(err, &dnsErr) || !dnsErr.IsNotFound {
			t.Errorf("LookupHost(%q) from default: %v, want not found", name, err)
		}
	}
	if got, err := env.DNS().LookupHost(ctx, "10-244-0-7.shop.pod.cluster.local"); err != nil || !slices.Equal(got, []string{"10.244.0.7"}) {
		t.Errorf("pod name: %v, %v", got, err)
	}
}

// A StatefulSet's pods are reachable as <pod>.<service> through its
// headless service once ready; a pod that is not ready is not published.
func TestHeadlessService(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	ctx := context.Background()
	client := env.Client()
	labels := map[string]string{"app": "nginx"}
	if _, err := client.CoreV1().Services("default").Create(ctx, &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "nginx"},
		Spec: corev1.ServiceSpec{ClusterIP: corev1.ClusterIPNone, Selector: labels,
			Ports: []corev1.ServicePort{{Name: "web", Port: 80, Protocol: corev1.ProtocolTCP}}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	ss := &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: appsv1.StatefulSetSpec{ServiceName: "nginx", Replicas: ptr.To[int32](2),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "nginx", Image: "nginx:1.27",
					Ports: []corev1.ContainerPort{{Name: "web", ContainerPort: 80}}}}}}}}
	if _, err := client.AppsV1().StatefulSets("default").Create(ctx, ss, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(time.Minute)
	pod0, err := client.CoreV1().Pods("default").Get(ctx, "web-0", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pod1, err := client.CoreV1().Pods("default").Get(ctx, "web-1", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := env.DNS().LookupHost(ctx, "web-0.nginx"); err != nil || !slices.Equal(got, []string{pod0.Status.PodIP}) {
		t.Errorf("web-0.nginx = %v, %v; want %s", got, err, pod0.Status.PodIP)
	}
	got, err := env.DNS().LookupHost(ctx, "nginx.default.svc.cluster.local")
	slices.Sort(got)
	want := []string{pod0.Status.PodIP, pod1.Status.PodIP}
	slices.Sort(want)
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("nginx = %v, %v; want %v", got, err, want)
	}
	_, srv, err := env.DNS().LookupSRV(ctx, "web", "tcp", "nginx")
	if err != nil || len(srv) != 2 || srv[0].Port != 80 {
		t.Errorf("SRV = %v, %v", srv, err)
	}

	// A pod whose readiness probe fails is not published.
	extra := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "extra", Labels: labels},
		Spec: corev1.PodSpec{Hostname: "extra", Subdomain: "nginx", Containers: []corev1.Container{{Name: "nginx", Image: "nginx:1.27",
			ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"false"}}}}}}}}
	if _, err := client.CoreV1().Pods("default").Create(ctx, extra, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(time.Minute)
	if p, _ := client.CoreV1().Pods("default").Get(ctx, "extra", metav1.GetOptions{}); p.Status.Phase != corev1.PodRunning {
		t.Fatalf("extra is %s, want Running", p.Status.Phase)
	}
	if got, err := env.DNS().LookupHost(ctx, "nginx"); err != nil || len(got) != 2 {
		t.Errorf("with a not-ready pod, nginx = %v, %v; want the two ready ones", got, err)
	}
	if _, err := env.DNS().LookupHost(ctx, "extra.nginx"); err == nil {
		t.Errorf("extra.nginx resolves while the pod is not ready")
	}
}

func mustCreateNamespace(t *testing.T, env *testkit.Env, name string) {
	t.Helper()
	if _, err := env.Client().CoreV1().Namespaces().Create(context.Background(),
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}
