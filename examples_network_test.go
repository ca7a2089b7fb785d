package kubesim_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// A StatefulSet's pods get stable DNS names through its headless
// Service: web-0.nginx resolves to web-0's address, for a container
// running nslookup as for a test asking Cluster.DNS.
func Example_statefulSetDNS() {
	c := newCluster()
	defer c.Close()
	ctx := context.Background()
	client := c.Client()
	labels := map[string]string{"app": "nginx"}
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "nginx"},
		Spec: corev1.ServiceSpec{ClusterIP: corev1.ClusterIPNone, Selector: labels,
			Ports: []corev1.ServicePort{{Name: "web", Port: 80}}}}
	if _, err := client.CoreV1().Services("default").Create(ctx, svc, metav1.CreateOptions{}); err != nil {
		panic(err)
	}
	ss := &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: appsv1.StatefulSetSpec{ServiceName: "nginx", Replicas: ptr.To[int32](2),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "nginx", Image: "registry.k8s.io/nginx-slim:0.8",
					Ports: []corev1.ContainerPort{{Name: "web", ContainerPort: 80}}}}}}}}
	if _, err := client.AppsV1().StatefulSets("default").Create(ctx, ss, metav1.CreateOptions{}); err != nil {
		panic(err)
	}
	if err := c.Advance(ctx, time.Minute); err != nil {
		panic(err)
	}
	web0, _ := client.CoreV1().Pods("default").Get(ctx, "web-0", metav1.GetOptions{})
	addrs, _ := c.DNS().LookupHost(ctx, "web-0.nginx.default.svc.cluster.local")
	fmt.Println("web-0.nginx is web-0:", len(addrs) == 1 && addrs[0] == web0.Status.PodIP)

	// kubectl run dns-test --image busybox:1.28 --restart=Never -- nslookup web-1.nginx
	mustCreate(c, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "dns-test"},
		Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyNever, Containers: []corev1.Container{{
			Name: "dns-test", Image: "busybox:1.28", Args: []string{"nslookup", "web-1.nginx"}}}}})
	if err := c.Advance(ctx, 10*time.Second); err != nil {
		panic(err)
	}
	web1, _ := client.CoreV1().Pods("default").Get(ctx, "web-1", metav1.GetOptions{})
	logs, err := client.CoreV1().Pods("default").GetLogs("dns-test", &corev1.PodLogOptions{}).Stream(ctx)
	if err != nil {
		panic(err)
	}
	out, _ := io.ReadAll(logs)
	fmt.Print(strings.ReplaceAll(string(out), web1.Status.PodIP, "<web-1's IP>"))
	// Output:
	// web-0.nginx is web-0: true
	// Server:		10.96.0.10
	// Address:	10.96.0.10:53
	//
	// Name:	web-1.nginx.default.svc.cluster.local
	// Address: <web-1's IP>
}
