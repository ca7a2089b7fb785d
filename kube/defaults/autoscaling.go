package defaults

import (
	"encoding/json"

	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
)

// defaultCPUUtilization is the target of an HPA that names no metric
// (autoscaling.DefaultCPUUtilization).
const defaultCPUUtilization = 80

// metricSpecsAnnotation is where an autoscaling/v1 HPA keeps the v2
// metrics it cannot express.
const metricSpecsAnnotation = "autoscaling.alpha.kubernetes.io/metrics"

// defaultHPAv1 is SetDefaults_HorizontalPodAutoscaler of autoscaling/v1,
// plus the CPU target that upstream applies while converting to the
// internal version (pkg/apis/autoscaling/v1/conversion.go): an HPA with no
// target and no other metrics reads back with targetCPUUtilizationPercentage
// 80.
func defaultHPAv1(hpa *autoscalingv1.HorizontalPodAutoscaler) {
	if hpa.Spec.MinReplicas == nil {
		hpa.Spec.MinReplicas = ptr.To[int32](1)
	}
	if hpa.Spec.TargetCPUUtilizationPercentage == nil && !hasOtherMetrics(hpa.Annotations) {
		hpa.Spec.TargetCPUUtilizationPercentage = ptr.To[int32](defaultCPUUtilization)
	}
}

// hasOtherMetrics reports whether the v1 metrics annotation holds at least
// one metric. An annotation that does not decode counts as none: upstream
// rejects it at conversion.
func hasOtherMetrics(annotations map[string]string) bool {
	raw, ok := annotations[metricSpecsAnnotation]
	if !ok {
		return false
	}
	var metrics []json.RawMessage
	return json.Unmarshal([]byte(raw), &metrics) == nil && len(metrics) > 0
}

// defaultHPAv2 is SetDefaults_HorizontalPodAutoscaler of autoscaling/v2
// (pkg/apis/autoscaling/v2/defaults.go).
func defaultHPAv2(hpa *autoscalingv2.HorizontalPodAutoscaler) {
	spec := &hpa.Spec
	if spec.MinReplicas == nil {
		spec.MinReplicas = ptr.To[int32](1)
	}
	if len(spec.Metrics) == 0 {
		spec.Metrics = []autoscalingv2.MetricSpec{{
			Type: autoscalingv2.ResourceMetricSourceType,
			Resource: &autoscalingv2.ResourceMetricSource{
				Name: corev1.ResourceCPU,
				Target: autoscalingv2.MetricTarget{
					Type:               autoscalingv2.UtilizationMetricType,
					AverageUtilization: ptr.To[int32](defaultCPUUtilization),
				},
			},
		}}
	}
	// A behavior block, once present, is filled in completely.
	if spec.Behavior != nil {
		spec.Behavior.ScaleUp = mergeScalingRules(spec.Behavior.ScaleUp, defaultScaleUpRules())
		spec.Behavior.ScaleDown = mergeScalingRules(spec.Behavior.ScaleDown, defaultScaleDownRules())
	}
}

// defaultScaleUpRules is the HPA's historical scale-up: no stabilization,
// and every 15 seconds the larger of 4 pods or doubling.
func defaultScaleUpRules() *autoscalingv2.HPAScalingRules {
	return &autoscalingv2.HPAScalingRules{
		StabilizationWindowSeconds: ptr.To[int32](0),
		SelectPolicy:               ptr.To(autoscalingv2.MaxChangePolicySelect),
		Policies: []autoscalingv2.HPAScalingPolicy{
			{Type: autoscalingv2.PodsScalingPolicy, Value: 4, PeriodSeconds: 15},
			{Type: autoscalingv2.PercentScalingPolicy, Value: 100, PeriodSeconds: 15},
		},
	}
}

// defaultScaleDownRules allows removing all pods every 15 seconds. The
// stabilization window stays unset: the controller's
// --horizontal-pod-autoscaler-downscale-stabilization flag decides it.
func defaultScaleDownRules() *autoscalingv2.HPAScalingRules {
	return &autoscalingv2.HPAScalingRules{
		SelectPolicy: ptr.To(autoscalingv2.MaxChangePolicySelect),
		Policies: []autoscalingv2.HPAScalingPolicy{
			{Type: autoscalingv2.PercentScalingPolicy, Value: 100, PeriodSeconds: 15},
		},
	}
}

// mergeScalingRules returns the defaults with every field that set has
// overriding them (copyHPAScalingRules upstream).
func mergeScalingRules(set, defaults *autoscalingv2.HPAScalingRules) *autoscalingv2.HPAScalingRules {
	if set == nil {
		return defaults
	}
	if set.SelectPolicy != nil {
		defaults.SelectPolicy = set.SelectPolicy
	}
	if set.StabilizationWindowSeconds != nil {
		defaults.StabilizationWindowSeconds = set.StabilizationWindowSeconds
	}
	if set.Policies != nil {
		defaults.Policies = set.Policies
	}
	if set.Tolerance != nil {
		defaults.Tolerance = set.Tolerance
	}
	return defaults
}
