package scheduler_test

import (
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubesim/kubesim/cluster"
	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/kube/controller/serviceaccount"
	"github.com/kubesim/kubesim/kube/scheduler"
)

const benchNodes, benchPods = 1000, 10000

// BenchmarkSchedule10kPodsOn1kNodes measures scheduling throughput as
// upstream's scheduler_perf does: 1,000 nodes (Node objects only, no
// kubelets) and 10,000 pending pods exist before the scheduler starts,
// and the clock runs from its start until every pod is bound through the
// API server's pods/binding. pods/s is the figure.
func BenchmarkSchedule10kPodsOn1kNodes(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		c := benchCluster(b, []string{scheduler.Name})
		createPods(b, c.Client())
		if err := c.Settle(ctx); err != nil {
			b.Fatal(err)
		}
		m := controller.NewManager("kube-scheduler", c.ControlPlane.Store, c.Clock, c.Activity,
			kubernetes.NewForConfigOrDie(c.ControlPlane.ComponentConfig("kube-scheduler")))
		if err := scheduler.Add(m, scheduler.Options{Seed: 1}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		m.Start()
		if err := c.Settle(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		m.Stop()
		checkAllBound(b, c.Client())
		b.StartTimer()
	}
	b.ReportMetric(benchPods/(b.Elapsed().Seconds()/float64(b.N)), "pods/s")
}

// BenchmarkCreateAndSchedule10kPodsOn1kNodes is the end-to-end figure:
// the scheduler runs while the 10,000 pods are created through the API,
// so creation's cost is in it too.
func BenchmarkCreateAndSchedule10kPodsOn1kNodes(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		c := benchCluster(b, nil)
		b.StartTimer()
		createPods(b, c.Client())
		if err := c.Settle(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		checkAllBound(b, c.Client())
		b.StartTimer()
	}
	b.ReportMetric(benchPods/(b.Elapsed().Seconds()/float64(b.N)), "pods/s")
}

// benchCluster starts a cluster with the benchmark's nodes and without
// the controllers named. As upstream's scheduler_perf (whose integration
// API server disables the ServiceAccount admission plugin), pods get no
// service account token volume: the serviceaccount controller, which
// turns the plugin on, is off.
func benchCluster(b *testing.B, disable []string) *cluster.Cluster {
	c, err := cluster.New(cluster.Config{Disable: append(disable, serviceaccount.Name)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = c.Close() })
	for i := 0; i < benchNodes; i++ {
		n := &corev1.Node{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("node-%d", i), Labels: map[string]string{
				corev1.LabelHostname: fmt.Sprintf("node-%d", i), corev1.LabelTopologyZone: fmt.Sprintf("zone-%d", i%3),
			}},
			Status: corev1.NodeStatus{
				Allocatable: corev1.ResourceList{"cpu": resource.MustParse("32"), "memory": resource.MustParse("128Gi"), "pods": resource.MustParse("110")},
				Conditions:  []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}},
			},
		}
		n.Status.Capacity = n.Status.Allocatable
		if _, err := c.Client().CoreV1().Nodes().Create(ctx, n, metav1.CreateOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	if err := c.Settle(ctx); err != nil {
		b.Fatal(err)
	}
	return c
}

func createPods(b *testing.B, c kubernetes.Interface) {
	for i := 0; i < benchPods; i++ {
		if _, err := c.CoreV1().Pods("default").Create(ctx, pod(fmt.Sprintf("p%d", i), "100m"), metav1.CreateOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func checkAllBound(b *testing.B, c kubernetes.Interface) {
	list, err := c.CoreV1().Pods("default").List(ctx, metav1.ListOptions{FieldSelector: "spec.nodeName="})
	if err != nil || len(list.Items) != 0 {
		b.Fatalf("%d pods left unscheduled (%v)", len(list.Items), err)
	}
}
