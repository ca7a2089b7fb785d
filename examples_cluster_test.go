package kubesim_test

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/cluster"
	"github.com/kubesim/kubesim/fakenode"
)

// Deleting a namespace deletes everything in it — here a Deployment with
// its ReplicaSet and running pods, and a Service — and then the namespace
// itself, as kube-controller-manager does (envtest leaves it Terminating
// forever).
func Example_namespaceDeletion() {
	c := newCluster()
	defer c.Close()
	ctx := context.Background()
	client := c.Client()
	if _, err := client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop"}}, metav1.CreateOptions{}); err != nil {
		panic(err)
	}
	labels := map[string]string{"app": "web"}
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](2), Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "nginx:1.27"}}}}},
	}
	if _, err := client.AppsV1().Deployments("shop").Create(ctx, d, metav1.CreateOptions{}); err != nil {
		panic(err)
	}
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: corev1.ServiceSpec{Selector: labels, Ports: []corev1.ServicePort{{Port: 80}}}}
	if _, err := client.CoreV1().Services("shop").Create(ctx, svc, metav1.CreateOptions{}); err != nil {
		panic(err)
	}
	if err := c.Advance(ctx, time.Minute); err != nil {
		panic(err)
	}
	pods, _ := client.CoreV1().Pods("shop").List(ctx, metav1.ListOptions{})
	fmt.Println("pods before:", len(pods.Items))

	if err := client.CoreV1().Namespaces().Delete(ctx, "shop", metav1.DeleteOptions{}); err != nil {
		panic(err)
	}
	ns, _ := client.CoreV1().Namespaces().Get(ctx, "shop", metav1.GetOptions{})
	fmt.Println("phase:", ns.Status.Phase)
	_, err := client.CoreV1().ConfigMaps("shop").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "late"}}, metav1.CreateOptions{})
	fmt.Println("create in it:", apierrors.IsForbidden(err))
	// The pods get their 30 s grace period to stop.
	if err := c.Advance(ctx, time.Minute); err != nil {
		panic(err)
	}
	_, err = client.CoreV1().Namespaces().Get(ctx, "shop", metav1.GetOptions{})
	fmt.Println("namespace gone:", apierrors.IsNotFound(err))
	// Output:
	// pods before: 2
	// phase: Terminating
	// create in it: true
	// namespace gone: true
}

// A node that stops heartbeating (a crashed machine) turns NotReady after
// the 50 s grace period and is tainted unreachable; its pods tolerate
// that for the default 300 s, then are evicted and the Deployment's
// replacements run on the other node.
func Example_nodeFailure() {
	c, err := cluster.New(cluster.Config{Nodes: []fakenode.NodeSpec{{Name: "node-1"}, {Name: "node-2"}}})
	if err != nil {
		panic(err)
	}
	defer c.Close()
	ctx := context.Background()
	client := c.Client()
	labels := map[string]string{"app": "web"}
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](4), Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "nginx:1.27"}}}}},
	}
	if _, err := client.AppsV1().Deployments("default").Create(ctx, d, metav1.CreateOptions{}); err != nil {
		panic(err)
	}
	report := func(when string) {
		node, _ := client.CoreV1().Nodes().Get(ctx, "node-1", metav1.GetOptions{})
		ready := ""
		for _, cond := range node.Status.Conditions {
			if cond.Type == corev1.NodeReady {
				ready = string(cond.Status)
			}
		}
		var taints []string
		for _, t := range node.Spec.Taints {
			taints = append(taints, t.Key+":"+string(t.Effect))
		}
		pods, _ := client.CoreV1().Pods("default").List(ctx, metav1.ListOptions{})
		perNode := map[string]int{}
		for _, p := range pods.Items {
			if p.DeletionTimestamp == nil {
				perNode[p.Spec.NodeName]++
			}
		}
		fmt.Printf("%s: node-1 Ready=%s taints=%v, pods node-1=%d node-2=%d\n", when, ready, taints, perNode["node-1"], perNode["node-2"])
	}
	if err := c.Advance(ctx, time.Minute); err != nil {
		panic(err)
	}
	report("running")
	c.Nodes.Node("node-1").Stop()
	for _, step := range []struct {
		d    time.Duration
		when string
	}{{40 * time.Second, "40s after the crash"}, {40 * time.Second, "80s"}, {5 * time.Minute, "6m20s"}} {
		if err := c.Advance(ctx, step.d); err != nil {
			panic(err)
		}
		report(step.when)
	}
	// Output:
	// running: node-1 Ready=True taints=[], pods node-1=2 node-2=2
	// 40s after the crash: node-1 Ready=True taints=[], pods node-1=2 node-2=2
	// 80s: node-1 Ready=Unknown taints=[node.kubernetes.io/unreachable:NoSchedule node.kubernetes.io/unreachable:NoExecute], pods node-1=2 node-2=2
	// 6m20s: node-1 Ready=Unknown taints=[node.kubernetes.io/unreachable:NoSchedule node.kubernetes.io/unreachable:NoExecute], pods node-1=0 node-2=4
}
