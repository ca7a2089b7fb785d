package podautoscaler_test

import (
	"testing"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/testkit"
)

// TestScalesUpOnCPUAndDownAfterTheWindow: pods at the target stay as they
// are; when their CPU use rises the HPA scales up (at most doubling, or to
// 4, per sync) to its maximum; when it falls, it scales down only once
// the 5-minute stabilisation window has passed.
func TestScalesUpOnCPUAndDownAfterTheWindow(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(2))
	deploy(t, env, 1, "50m", "32Mi")
	createHPA(t, env, &autoscalingv2.HorizontalPodAutoscaler{Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
		MinReplicas: ptr.To[int32](1), MaxReplicas: 5, Metrics: cpuUtilization(50),
	}})
	env.Advance(time.Minute)
	hpa := getHPA(t, env)
	if got := replicas(t, env); got != 1 {
		t.Fatalf("at the target the Deployment has %d replicas, want 1", got)
	}
	if len(hpa.Status.CurrentMetrics) != 1 || *hpa.Status.CurrentMetrics[0].Resource.Current.AverageUtilization != 50 ||
		hpa.Status.CurrentReplicas != 1 || hpa.Status.DesiredReplicas != 1 || hpa.Status.LastScaleTime != nil {
		t.Errorf("status at the target: %+v", hpa.Status)
	}
	if c := condition(hpa, autoscalingv2.ScalingActive); c.Status != corev1.ConditionTrue || c.Reason != "ValidMetricFound" ||
		c.Message != "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)" {
		t.Errorf("ScalingActive: %+v", c)
	}
	if c := condition(hpa, autoscalingv2.AbleToScale); c.Status != corev1.ConditionTrue || c.Reason != "ReadyForNewScale" {
		t.Errorf("AbleToScale: %+v", c)
	}

	setUsage(t, env, "cpu", "200m")
	took := advanceUntil(t, env, 5*time.Minute, func() bool { return replicas(t, env) == 5 })
	t.Logf("scaled up to 5 in %v", took)
	if !hasEvent(t, env, "SuccessfulRescale: New size: 4; reason: cpu resource utilization (percentage of request) above target") {
		t.Errorf("no rescale to 4 (the scale-up limit) among %q", events(t, env))
	}
	env.Advance(time.Minute)
	hpa = getHPA(t, env)
	if c := condition(hpa, autoscalingv2.ScalingLimited); c.Status != corev1.ConditionTrue || c.Reason != "TooManyReplicas" {
		t.Errorf("at the maximum ScalingLimited is %+v", c)
	}
	if hpa.Status.LastScaleTime == nil || hpa.Status.DesiredReplicas != 5 {
		t.Errorf("status at the maximum: %+v", hpa.Status)
	}

	setUsage(t, env, "cpu", "10m")
	lowered := env.Clock().Now()
	env.Advance(2 * time.Minute)
	if got := replicas(t, env); got != 5 {
		t.Fatalf("2 minutes after the load fell the Deployment has %d replicas, want 5 until the window passes", got)
	}
	if c := condition(getHPA(t, env), autoscalingv2.AbleToScale); c.Reason != "ScaleDownStabilized" {
		t.Errorf("within the window AbleToScale is %+v", c)
	}
	advanceUntil(t, env, 6*time.Minute, func() bool { return replicas(t, env) == 1 })
	if since := env.Clock().Now().Sub(lowered); since < 5*time.Minute {
		t.Errorf("scaled down %v after the load fell, before the 5-minute window", since)
	}
	t.Logf("events: %q", events(t, env))
	if !hasEvent(t, env, "SuccessfulRescale: New size: 1; reason: All metrics below target") {
		t.Errorf("no rescale to 1 among %q", events(t, env))
	}
}

// TestContainerResourceMetric: a target on one container's CPU.
func TestContainerResourceMetric(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(2))
	deploy(t, env, 1, "120m", "32Mi")
	createHPA(t, env, &autoscalingv2.HorizontalPodAutoscaler{Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
		MaxReplicas: 3,
		Metrics: []autoscalingv2.MetricSpec{{Type: autoscalingv2.ContainerResourceMetricSourceType, ContainerResource: &autoscalingv2.ContainerResourceMetricSource{
			Name: corev1.ResourceCPU, Container: "web",
			Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: ptr.To[int32](40)},
		}}},
	}})
	advanceUntil(t, env, 2*time.Minute, func() bool { return replicas(t, env) == 3 })
	hpa := getHPA(t, env)
	if m := hpa.Status.CurrentMetrics; len(m) != 1 || m[0].ContainerResource == nil || m[0].ContainerResource.Container != "web" ||
		*m[0].ContainerResource.Current.AverageUtilization != 120 {
		t.Errorf("current metrics: %+v", m)
	}
	if !hasEvent(t, env, "SuccessfulRescale: New size: 3; reason: cpu container resource utilization (percentage of request) above target") {
		t.Errorf("no rescale to 3 among %q", events(t, env))
	}
}
