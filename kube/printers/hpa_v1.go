package printers

import (
	"encoding/json"
	"fmt"

	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
)

// Annotations in which an autoscaling/v1 HPA carries the metrics v1 cannot
// express (k8s.io/kubernetes pkg/apis/autoscaling).
const (
	metricSpecsAnnotation    = "autoscaling.alpha.kubernetes.io/metrics"
	metricStatusesAnnotation = "autoscaling.alpha.kubernetes.io/current-metrics"
	defaultCPUUtilization    = 80
)

// hpaFromV1 converts the fields the table shows the way upstream converts
// autoscaling/v1 to its internal (v2-shaped) type
// (pkg/apis/autoscaling/v1/conversion.go): the CPU percentage becomes a CPU
// utilization metric placed after the annotated ones, and a v1 HPA without
// any metric gets the implicit 80% CPU target.
func hpaFromV1(in *autoscalingv1.HorizontalPodAutoscaler) (*autoscalingv2.HorizontalPodAutoscaler, error) {
	out := &autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: in.ObjectMeta}
	out.Spec.ScaleTargetRef = autoscalingv2.CrossVersionObjectReference(in.Spec.ScaleTargetRef)
	out.Spec.MinReplicas, out.Spec.MaxReplicas = in.Spec.MinReplicas, in.Spec.MaxReplicas
	out.Status.CurrentReplicas = in.Status.CurrentReplicas

	if enc, ok := in.Annotations[metricSpecsAnnotation]; ok {
		var specs []autoscalingv1.MetricSpec
		if err := json.Unmarshal([]byte(enc), &specs); err != nil {
			return nil, fmt.Errorf("horizontalpodautoscaler %s/%s: annotation %s: %w", in.Namespace, in.Name, metricSpecsAnnotation, err)
		}
		for _, s := range specs {
			out.Spec.Metrics = append(out.Spec.Metrics, metricSpecFromV1(s))
		}
	}
	if p := in.Spec.TargetCPUUtilizationPercentage; p != nil {
		out.Spec.Metrics = append(out.Spec.Metrics, cpuUtilization(*p))
	}
	if len(out.Spec.Metrics) == 0 {
		out.Spec.Metrics = []autoscalingv2.MetricSpec{cpuUtilization(defaultCPUUtilization)}
	}

	if p := in.Status.CurrentCPUUtilizationPercentage; p != nil {
		out.Status.CurrentMetrics = []autoscalingv2.MetricStatus{{
			Type:     autoscalingv2.ResourceMetricSourceType,
			Resource: &autoscalingv2.ResourceMetricStatus{Name: corev1.ResourceCPU, Current: autoscalingv2.MetricValueStatus{AverageUtilization: p}},
		}}
	}
	if enc, ok := in.Annotations[metricStatusesAnnotation]; ok {
		// The annotation replaces the CPU status: it has more detail.
		var statuses []autoscalingv1.MetricStatus
		if err := json.Unmarshal([]byte(enc), &statuses); err != nil {
			return nil, fmt.Errorf("horizontalpodautoscaler %s/%s: annotation %s: %w", in.Namespace, in.Name, metricStatusesAnnotation, err)
		}
		out.Status.CurrentMetrics = make([]autoscalingv2.MetricStatus, len(statuses))
		for i, s := range statuses {
			out.Status.CurrentMetrics[i] = metricStatusFromV1(s)
		}
	}
	return out, nil
}

func cpuUtilization(percent int32) autoscalingv2.MetricSpec {
	return autoscalingv2.MetricSpec{
		Type: autoscalingv2.ResourceMetricSourceType,
		Resource: &autoscalingv2.ResourceMetricSource{Name: corev1.ResourceCPU, Target: autoscalingv2.MetricTarget{
			Type: autoscalingv2.UtilizationMetricType, AverageUtilization: &percent,
		}},
	}
}

// metricSpecFromV1 converts the v2beta1-shaped metric of the annotation.
func metricSpecFromV1(in autoscalingv1.MetricSpec) autoscalingv2.MetricSpec {
	out := autoscalingv2.MetricSpec{Type: autoscalingv2.MetricSourceType(in.Type)}
	switch {
	case in.Object != nil:
		out.Object = &autoscalingv2.ObjectMetricSource{
			DescribedObject: autoscalingv2.CrossVersionObjectReference(in.Object.Target),
			Metric:          autoscalingv2.MetricIdentifier{Name: in.Object.MetricName, Selector: in.Object.Selector},
			Target:          autoscalingv2.MetricTarget{Value: &in.Object.TargetValue, AverageValue: in.Object.AverageValue},
		}
	case in.Pods != nil:
		out.Pods = &autoscalingv2.PodsMetricSource{
			Metric: autoscalingv2.MetricIdentifier{Name: in.Pods.MetricName, Selector: in.Pods.Selector},
			Target: autoscalingv2.MetricTarget{AverageValue: &in.Pods.TargetAverageValue},
		}
	case in.Resource != nil:
		out.Resource = &autoscalingv2.ResourceMetricSource{Name: in.Resource.Name, Target: autoscalingv2.MetricTarget{
			AverageUtilization: in.Resource.TargetAverageUtilization, AverageValue: in.Resource.TargetAverageValue,
		}}
	case in.ContainerResource != nil:
		out.ContainerResource = &autoscalingv2.ContainerResourceMetricSource{
			Name: in.ContainerResource.Name, Container: in.ContainerResource.Container,
			Target: autoscalingv2.MetricTarget{
				AverageUtilization: in.ContainerResource.TargetAverageUtilization, AverageValue: in.ContainerResource.TargetAverageValue,
			},
		}
	case in.External != nil:
		out.External = &autoscalingv2.ExternalMetricSource{
			Metric: autoscalingv2.MetricIdentifier{Name: in.External.MetricName, Selector: in.External.MetricSelector},
			Target: autoscalingv2.MetricTarget{Value: in.External.TargetValue, AverageValue: in.External.TargetAverageValue},
		}
	}
	return out
}

// metricStatusFromV1 converts the v2beta1-shaped status of the annotation.
func metricStatusFromV1(in autoscalingv1.MetricStatus) autoscalingv2.MetricStatus {
	out := autoscalingv2.MetricStatus{Type: autoscalingv2.MetricSourceType(in.Type)}
	switch {
	case in.Object != nil:
		out.Object = &autoscalingv2.ObjectMetricStatus{
			DescribedObject: autoscalingv2.CrossVersionObjectReference(in.Object.Target),
			Metric:          autoscalingv2.MetricIdentifier{Name: in.Object.MetricName, Selector: in.Object.Selector},
			Current:         autoscalingv2.MetricValueStatus{Value: &in.Object.CurrentValue, AverageValue: in.Object.AverageValue},
		}
	case in.Pods != nil:
		out.Pods = &autoscalingv2.PodsMetricStatus{
			Metric:  autoscalingv2.MetricIdentifier{Name: in.Pods.MetricName, Selector: in.Pods.Selector},
			Current: autoscalingv2.MetricValueStatus{AverageValue: &in.Pods.CurrentAverageValue},
		}
	case in.Resource != nil:
		out.Resource = &autoscalingv2.ResourceMetricStatus{Name: in.Resource.Name, Current: autoscalingv2.MetricValueStatus{
			AverageUtilization: in.Resource.CurrentAverageUtilization, AverageValue: &in.Resource.CurrentAverageValue,
		}}
	case in.ContainerResource != nil:
		out.ContainerResource = &autoscalingv2.ContainerResourceMetricStatus{
			Name: in.ContainerResource.Name, Container: in.ContainerResource.Container,
			Current: autoscalingv2.MetricValueStatus{
				AverageUtilization: in.ContainerResource.CurrentAverageUtilization, AverageValue: &in.ContainerResource.CurrentAverageValue,
			},
		}
	case in.External != nil:
		value := in.External.CurrentValue
		out.External = &autoscalingv2.ExternalMetricStatus{
			Metric:  autoscalingv2.MetricIdentifier{Name: in.External.MetricName, Selector: in.External.MetricSelector},
			Current: autoscalingv2.MetricValueStatus{Value: &value, AverageValue: in.External.CurrentAverageValue},
		}
	}
	return out
}
