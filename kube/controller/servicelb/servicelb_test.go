package servicelb_test

import (
	"context"
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/kube/controller/servicelb"
	"github.com/kubesim/kubesim/testkit"
)

var ctx = context.Background()

func lbService(name string) *corev1.Service {
	return &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
		Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, Selector: map[string]string{"app": name},
			Ports: []corev1.ServicePort{{Port: 80}}}}
}

func ingressIPs(svc *corev1.Service) []string {
	var ips []string
	for _, in := range svc.Status.LoadBalancer.Ingress {
		ips = append(ips, in.IP)
	}
	return ips
}

func TestLoadBalancerLifecycle(t *testing.T) {
	env := testkit.Start(t)
	services := env.Client().CoreV1().Services("default")
	for _, name := range []string{"a", "b"} {
		if _, err := services.Create(ctx, lbService(name), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	pinned := lbService("pinned")
	pinned.Spec.LoadBalancerIP = "203.0.113.7"
	if _, err := services.Create(ctx, pinned, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Settle()
	for name, want := range map[string]string{"a": "198.51.100.1", "b": "198.51.100.2", "pinned": "203.0.113.7"} {
		svc, err := services.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got := ingressIPs(svc); !slices.Equal(got, []string{want}) {
			t.Errorf("%s ingress = %v, want %s", name, got, want)
		}
		if !slices.Contains(svc.Finalizers, servicelb.Finalizer) {
			t.Errorf("%s finalizers = %v", name, svc.Finalizers)
		}
	}
	evs, err := env.Client().CoreV1().Events("default").List(ctx, metav1.ListOptions{FieldSelector: "involvedObject.name=a"})
	if err != nil {
		t.Fatal(err)
	}
	var reasons []string
	for _, e := range evs.Items {
		reasons = append(reasons, e.Reason)
	}
	if !slices.Contains(reasons, "EnsuringLoadBalancer") || !slices.Contains(reasons, "EnsuredLoadBalancer") {
		t.Errorf("events of a: %v", reasons)
	}

	// Back to ClusterIP: the address is released and reused.
	a, _ := services.Get(ctx, "a", metav1.GetOptions{})
	a.Spec.Type = corev1.ServiceTypeClusterIP
	for i := range a.Spec.Ports {
		a.Spec.Ports[i].NodePort = 0
	}
	if _, err := services.Update(ctx, a, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Settle()
	a, _ = services.Get(ctx, "a", metav1.GetOptions{})
	if len(a.Status.LoadBalancer.Ingress) != 0 || slices.Contains(a.Finalizers, servicelb.Finalizer) {
		t.Errorf("after type ClusterIP: status %v finalizers %v", a.Status.LoadBalancer, a.Finalizers)
	}
	if _, err := services.Create(ctx, lbService("c"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Settle()
	if c, _ := services.Get(ctx, "c", metav1.GetOptions{}); !slices.Equal(ingressIPs(c), []string{"198.51.100.1"}) {
		t.Errorf("c ingress = %v, want the released 198.51.100.1", ingressIPs(c))
	}

	// Deleting waits for the load balancer to go.
	if err := services.Delete(ctx, "b", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(time.Second)
	if _, err := services.Get(ctx, "b", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("b after delete: %v", err)
	}
}

// A Service of another load balancer class is left to its implementation,
// which a test can play by writing the status.
func TestOtherClassIsLeftAlone(t *testing.T) {
	env := testkit.Start(t)
	services := env.Client().CoreV1().Services("default")
	svc := lbService("metal")
	svc.Spec.LoadBalancerClass = ptr.To("example.com/metal")
	svc, err := services.Create(ctx, svc, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	env.Settle()
	svc, _ = services.Get(ctx, "metal", metav1.GetOptions{})
	if len(svc.Status.LoadBalancer.Ingress) != 0 || len(svc.Finalizers) != 0 {
		t.Fatalf("another class's service was touched: %+v %v", svc.Status.LoadBalancer, svc.Finalizers)
	}
	svc.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{Hostname: "lb.example.com"}}
	if _, err := services.UpdateStatus(ctx, svc, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Settle()
	svc, _ = services.Get(ctx, "metal", metav1.GetOptions{})
	if len(svc.Status.LoadBalancer.Ingress) != 1 || svc.Status.LoadBalancer.Ingress[0].Hostname != "lb.example.com" {
		t.Errorf("status = %+v", svc.Status.LoadBalancer)
	}
}
