package printers

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime"
)

func qty(s string) *resource.Quantity {
	q := resource.MustParse(s)
	return &q
}

func TestHPAColumns(t *testing.T) {
	want := []string{"Name", "Reference", "Targets", "MinPods", "MaxPods", "Replicas", "Age"}
	for _, obj := range []runtime.Object{&autoscalingv2.HorizontalPodAutoscaler{}, &autoscalingv1.HorizontalPodAutoscaler{}} {
		if diff := cmp.Diff(want, columnNames(obj)); diff != "" {
			t.Errorf("%T columns (-want +got):\n%s", obj, diff)
		}
	}
}

func TestHPAv2Cells(t *testing.T) {
	cpu := autoscalingv2.MetricSpec{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{
		Name: corev1.ResourceCPU, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: ptr(int32(80))}}}
	memory := autoscalingv2.MetricSpec{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{
		Name: corev1.ResourceMemory, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: qty("512Mi")}}}
	pods := autoscalingv2.MetricSpec{Type: autoscalingv2.PodsMetricSourceType, Pods: &autoscalingv2.PodsMetricSource{
		Target: autoscalingv2.MetricTarget{AverageValue: qty("1k")}}}
	object := autoscalingv2.MetricSpec{Type: autoscalingv2.ObjectMetricSourceType, Object: &autoscalingv2.ObjectMetricSource{
		Target: autoscalingv2.MetricTarget{Value: qty("10")}}}
	objectAvg := autoscalingv2.MetricSpec{Type: autoscalingv2.ObjectMetricSourceType, Object: &autoscalingv2.ObjectMetricSource{
		Target: autoscalingv2.MetricTarget{AverageValue: qty("5")}}}
	external := autoscalingv2.MetricSpec{Type: autoscalingv2.ExternalMetricSourceType, External: &autoscalingv2.ExternalMetricSource{
		Target: autoscalingv2.MetricTarget{Value: qty("30")}}}
	container := autoscalingv2.MetricSpec{Type: autoscalingv2.ContainerResourceMetricSourceType, ContainerResource: &autoscalingv2.ContainerResourceMetricSource{
		Name: corev1.ResourceCPU, Container: "app", Target: autoscalingv2.MetricTarget{}}}

	hpa := func(metrics []autoscalingv2.MetricSpec, statuses []autoscalingv2.MetricStatus) *autoscalingv2.HorizontalPodAutoscaler {
		h := &autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: objectMeta("web")}
		h.Spec.ScaleTargetRef = autoscalingv2.CrossVersionObjectReference{Kind: "Deployment", Name: "web", APIVersion: "apps/v1"}
		h.Spec.MinReplicas = ptr(int32(2))
		h.Spec.MaxReplicas = 10
		h.Spec.Metrics = metrics
		h.Status.CurrentReplicas = 3
		h.Status.CurrentMetrics = statuses
		return h
	}
	tests := []struct {
		name string
		hpa  *autoscalingv2.HorizontalPodAutoscaler
		want string
	}{
		{"no metrics", hpa(nil, nil), "<none>"},
		{"cpu unknown", hpa([]autoscalingv2.MetricSpec{cpu}, nil), "cpu: <unknown>/80%"},
		{"cpu measured", hpa([]autoscalingv2.MetricSpec{cpu}, []autoscalingv2.MetricStatus{{Type: autoscalingv2.ResourceMetricSourceType,
			Resource: &autoscalingv2.ResourceMetricStatus{Name: corev1.ResourceCPU, Current: autoscalingv2.MetricValueStatus{AverageUtilization: ptr(int32(42))}}}}),
			"cpu: 42%/80%"},
		{"memory and pods", hpa([]autoscalingv2.MetricSpec{memory, pods}, []autoscalingv2.MetricStatus{{Type: autoscalingv2.ResourceMetricSourceType,
			Resource: &autoscalingv2.ResourceMetricStatus{Name: corev1.ResourceMemory, Current: autoscalingv2.MetricValueStatus{AverageValue: qty("300Mi")}}}}),
			"memory: 300Mi/512Mi, <unknown>/1k"},
		{"more than two", hpa([]autoscalingv2.MetricSpec{object, objectAvg, external, container}, nil),
			"<unknown>/10, <unknown>/5 (avg) + 2 more..."},
		{"external and container", hpa([]autoscalingv2.MetricSpec{external, container}, []autoscalingv2.MetricStatus{{Type: autoscalingv2.ExternalMetricSourceType,
			External: &autoscalingv2.ExternalMetricStatus{Current: autoscalingv2.MetricValueStatus{Value: qty("12")}}}}),
			"12/30, cpu: <unknown>/<auto>"},
		{"unknown type", hpa([]autoscalingv2.MetricSpec{{Type: "Magic"}, {Type: autoscalingv2.PodsMetricSourceType}}, nil),
			"<unknown type>, <unknown type>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := []any{"web", "Deployment/web", tt.want, "2", int64(10), int64(3), "60m"}
			if diff := cmp.Diff(want, cells(t, tt.hpa)); diff != "" {
				t.Errorf("cells (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHPAv1Cells(t *testing.T) {
	hpa := func(mutate func(*autoscalingv1.HorizontalPodAutoscaler)) *autoscalingv1.HorizontalPodAutoscaler {
		h := &autoscalingv1.HorizontalPodAutoscaler{ObjectMeta: objectMeta("web")}
		h.Spec.ScaleTargetRef = autoscalingv1.CrossVersionObjectReference{Kind: "Deployment", Name: "web"}
		h.Spec.MaxReplicas = 5
		mutate(h)
		return h
	}
	tests := []struct {
		name string
		hpa  *autoscalingv1.HorizontalPodAutoscaler
		want []any
	}{
		{"implicit cpu target", hpa(func(*autoscalingv1.HorizontalPodAutoscaler) {}),
			[]any{"web", "Deployment/web", "cpu: <unknown>/80%", "<unset>", int64(5), int64(0), "60m"}},
		{"cpu target and status", hpa(func(h *autoscalingv1.HorizontalPodAutoscaler) {
			h.Spec.MinReplicas = ptr(int32(1))
			h.Spec.TargetCPUUtilizationPercentage = ptr(int32(50))
			h.Status.CurrentCPUUtilizationPercentage = ptr(int32(65))
			h.Status.CurrentReplicas = 2
		}), []any{"web", "Deployment/web", "cpu: 65%/50%", "1", int64(5), int64(2), "60m"}},
		{"metrics in annotations", hpa(func(h *autoscalingv1.HorizontalPodAutoscaler) {
			h.Spec.TargetCPUUtilizationPercentage = ptr(int32(50))
			h.Annotations = map[string]string{
				"autoscaling.alpha.kubernetes.io/metrics":         `[{"type":"Pods","pods":{"metricName":"qps","targetAverageValue":"100"}}]`,
				"autoscaling.alpha.kubernetes.io/current-metrics": `[{"type":"Pods","pods":{"metricName":"qps","currentAverageValue":"70"}},{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":20,"currentAverageValue":"100m"}}]`,
			}
		}), []any{"web", "Deployment/web", "70/100, cpu: 20%/50%", "<unset>", int64(5), int64(0), "60m"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, cells(t, tt.hpa)); diff != "" {
				t.Errorf("cells (-want +got):\n%s", diff)
			}
		})
	}

	bad := hpa(func(h *autoscalingv1.HorizontalPodAutoscaler) {
		h.Annotations = map[string]string{"autoscaling.alpha.kubernetes.io/metrics": "{"}
	})
	if _, err := ToTable([]runtime.Object{bad}, now, Options{}); err == nil {
		t.Error("ToTable accepted a malformed metrics annotation")
	}
}
