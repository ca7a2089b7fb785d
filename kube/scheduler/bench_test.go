package scheduler_test

import (
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesim/kubesim/testkit"
)

// BenchmarkSchedule10kPodsOn1kNodes creates 1,000 nodes (Node objects
// only, no kubelets, so that only scheduling is measured) and 10,000 pods,
// and waits until every pod is bound: creation, scheduling and binding
// through the API server, end to end. pods/s is what the scheduler kept up
// with.
func BenchmarkSchedule10kPodsOn1kNodes(b *testing.B) {
	const nodes, pods = 1000, 10000
	for b.Loop() {
		b.StopTimer()
		env := testkit.Start(b)
		c := env.Client()
		for i := 0; i < nodes; i++ {
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
			if _, err := c.CoreV1().Nodes().Create(ctx, n, metav1.CreateOptions{}); err != nil {
				b.Fatal(err)
			}
		}
		env.Settle()
		b.StartTimer()
		for i := 0; i < pods; i++ {
			p := pod(fmt.Sprintf("p%d", i), "100m")
			if _, err := c.CoreV1().Pods("default").Create(ctx, p, metav1.CreateOptions{}); err != nil {
				b.Fatal(err)
			}
		}
		env.Settle()
		b.StopTimer()
		list, err := c.CoreV1().Pods("default").List(ctx, metav1.ListOptions{FieldSelector: "spec.nodeName="})
		if err != nil || len(list.Items) != 0 {
			b.Fatalf("%d pods left unscheduled (%v)", len(list.Items), err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(pods)/(b.Elapsed().Seconds()/float64(b.N)), "pods/s")
}
