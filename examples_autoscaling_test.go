package kubesim_test

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/cluster"
	"github.com/kubesim/kubesim/fakenode"
)

// Seed 001's HorizontalPodAutoscaler: a pod requesting 0.4 CPU that uses
// 0.2 runs at 50 %; above the 80 % target the HPA adds replicas, and
// once the load is gone it removes them, but only after the 5-minute
// stabilisation window. The simulated nodes report the CPU use that the
// behaviour rules give the pods, through metrics.k8s.io as
// metrics-server would.
func Example_horizontalPodAutoscaler() {
	c, err := cluster.New(cluster.Config{Nodes: []fakenode.NodeSpec{{Name: "node-1"}, {Name: "node-2"}}})
	if err != nil {
		panic(err)
	}
	defer c.Close()
	ctx := context.Background()
	client := c.Client()
	labels := map[string]string{"app": "web"}
	load := func(cpu string) {
		c.Nodes.SetBehaviors(fakenode.Behavior{Match: fakenode.Match{Labels: labels}, CPU: cpu})
	}
	load("200m")
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](2), Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "nginx:1.27",
					Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("400m")}}}}}}},
	}
	if _, err := client.AppsV1().Deployments("default").Create(ctx, d, metav1.CreateOptions{}); err != nil {
		panic(err)
	}
	hpa := &autoscalingv2.HorizontalPodAutoscaler{
		ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "web"},
			MinReplicas:    ptr.To[int32](1), MaxReplicas: 5,
			Metrics: []autoscalingv2.MetricSpec{{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{
				Name: corev1.ResourceCPU, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: ptr.To[int32](80)}}}},
		},
	}
	if _, err := client.AutoscalingV2().HorizontalPodAutoscalers("default").Create(ctx, hpa, metav1.CreateOptions{}); err != nil {
		panic(err)
	}
	report := func(when string, d time.Duration) {
		if err := c.Advance(ctx, d); err != nil {
			panic(err)
		}
		h, _ := client.AutoscalingV2().HorizontalPodAutoscalers("default").Get(ctx, "web", metav1.GetOptions{})
		util := int32(0)
		if len(h.Status.CurrentMetrics) > 0 && h.Status.CurrentMetrics[0].Resource != nil {
			util = ptr.Deref(h.Status.CurrentMetrics[0].Resource.Current.AverageUtilization, 0)
		}
		fmt.Printf("%s: replicas=%d cpu=%d%%\n", when, h.Status.CurrentReplicas, util)
	}
	report("steady", time.Minute)
	load("400m")
	report("1m after the load doubled", time.Minute)
	report("2m", time.Minute)
	load("100m")
	report("2m after it fell", 2*time.Minute)
	report("6m", 4*time.Minute)
	// The 2-replica recommendations of the last five minutes hold it there.
	report("11m", 5*time.Minute)
	// Output:
	// steady: replicas=2 cpu=50%
	// 1m after the load doubled: replicas=5 cpu=100%
	// 2m: replicas=5 cpu=100%
	// 2m after it fell: replicas=5 cpu=25%
	// 6m: replicas=2 cpu=25%
	// 11m: replicas=1 cpu=25%
}
