package podautoscaler_test

import (
	"testing"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/testkit"
)

// TestBehaviorPoliciesAndWindow: spec.behavior limits a scale-up to one
// pod a minute, and its 60 s scale-down window replaces the default 5
// minutes; the target is an average memory value.
func TestBehaviorPoliciesAndWindow(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(2))
	deploy(t, env, 1, "50m", "32Mi")
	createHPA(t, env, &autoscalingv2.HorizontalPodAutoscaler{Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
		MaxReplicas: 4,
		Metrics: []autoscalingv2.MetricSpec{{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{
			Name: corev1.ResourceMemory, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: ptr.To(resource.MustParse("40Mi"))},
		}}},
		Behavior: &autoscalingv2.HorizontalPodAutoscalerBehavior{
			ScaleUp:   &autoscalingv2.HPAScalingRules{Policies: []autoscalingv2.HPAScalingPolicy{{Type: autoscalingv2.PodsScalingPolicy, Value: 1, PeriodSeconds: 60}}},
			ScaleDown: &autoscalingv2.HPAScalingRules{StabilizationWindowSeconds: ptr.To[int32](60)},
		},
	}})
	env.Advance(30 * time.Second)
	hpa := getHPA(t, env)
	if m := hpa.Status.CurrentMetrics; len(m) != 1 || m[0].Resource.Current.AverageValue.Value() != 32<<20 {
		t.Fatalf("current metrics at 32Mi a pod: %+v", m)
	}

	setUsage(t, env, "memory", "100Mi") // 2.5 times the target
	advanceUntil(t, env, 2*time.Minute, func() bool { return replicas(t, env) == 2 })
	hpa = getHPA(t, env)
	if c := condition(hpa, autoscalingv2.ScalingLimited); c.Status != corev1.ConditionTrue || c.Reason != "ScaleUpLimit" {
		t.Errorf("after one pod more ScalingLimited is %+v", c)
	}
	firstUp := env.Clock().Now()
	env.Advance(45 * time.Second)
	if got := replicas(t, env); got != 2 {
		t.Errorf("45 s after the first scale-up there are %d replicas, want 2 (one pod a minute)", got)
	}
	advanceUntil(t, env, time.Minute, func() bool { return replicas(t, env) == 3 })
	if gap := env.Clock().Now().Sub(firstUp); gap < time.Minute {
		t.Errorf("second scale-up %v after the first, want a minute", gap)
	}
	if !hasEvent(t, env, "SuccessfulRescale: New size: 3; reason: memory resource above target") {
		t.Errorf("no rescale to 3 among %q", events(t, env))
	}
	advanceUntil(t, env, 2*time.Minute, func() bool { return replicas(t, env) == 4 })

	setUsage(t, env, "memory", "16Mi")
	lowered := env.Clock().Now()
	took := advanceUntil(t, env, 3*time.Minute, func() bool { return replicas(t, env) == 2 })
	t.Logf("scaled down to 2 (16Mi of 40Mi a pod on 4 pods) %v after the load fell; events %q", took, events(t, env))
	if since := env.Clock().Now().Sub(lowered); since < time.Minute {
		t.Errorf("scaled down %v after the load fell, within the 60 s window", since)
	}
}
