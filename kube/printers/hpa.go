package printers

import (
	"fmt"
	"strings"

	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func addAutoscalingPrinters(r registry) {
	spec, status := autoscalingv2.HorizontalPodAutoscalerSpec{}.SwaggerDoc(), autoscalingv2.HorizontalPodAutoscalerStatus{}.SwaggerDoc()
	columns := []metav1.TableColumnDefinition{
		nameColumn(),
		column("Reference", "string", spec["scaleTargetRef"]),
		column("Targets", "string", spec["metrics"]),
		column("MinPods", "string", spec["minReplicas"]),
		column("MaxPods", "string", spec["maxReplicas"]),
		column("Replicas", "string", status["currentReplicas"]),
		ageColumn(),
	}
	add(r, columns, hpaCells)
	addRow(r, columns, func(hpa *autoscalingv1.HorizontalPodAutoscaler, e env) (metav1.TableRow, error) {
		v2, err := hpaFromV1(hpa)
		if err != nil {
			return metav1.TableRow{}, err
		}
		return metav1.TableRow{Cells: hpaCells(v2, e)}, nil
	})
}

func hpaCells(hpa *autoscalingv2.HorizontalPodAutoscaler, e env) []any {
	ref := hpa.Spec.ScaleTargetRef
	minPods := "<unset>"
	if hpa.Spec.MinReplicas != nil {
		minPods = fmt.Sprintf("%d", *hpa.Spec.MinReplicas)
	}
	return []any{hpa.Name, ref.Kind + "/" + ref.Name, hpaTargets(hpa.Spec.Metrics, hpa.Status.CurrentMetrics),
		minPods, int64(hpa.Spec.MaxReplicas), int64(hpa.Status.CurrentReplicas), e.age(hpa.CreationTimestamp)}
}

// hpaTargets prints "current/target" for the first two metrics, then how
// many more (upstream's formatHPAMetrics). The i-th status is taken to
// belong to the i-th spec, as upstream does.
func hpaTargets(specs []autoscalingv2.MetricSpec, statuses []autoscalingv2.MetricStatus) string {
	if len(specs) == 0 {
		return "<none>"
	}
	const limit = 2
	list := make([]string, 0, len(specs))
	for i, spec := range specs {
		var st *autoscalingv2.MetricStatus
		if i < len(statuses) {
			st = &statuses[i]
		}
		list = append(list, hpaTarget(spec, st))
	}
	if len(list) > limit {
		return fmt.Sprintf("%s + %d more...", strings.Join(list[:limit], ", "), len(list)-limit)
	}
	return strings.Join(list, ", ")
}

// hpaTarget prints one metric; st may be nil.
func hpaTarget(spec autoscalingv2.MetricSpec, st *autoscalingv2.MetricStatus) string {
	current := "<unknown>"
	switch {
	case spec.Type == autoscalingv2.ExternalMetricSourceType && spec.External != nil:
		if spec.External.Target.AverageValue != nil {
			if st != nil && st.External != nil && st.External.Current.AverageValue != nil {
				current = quantity(st.External.Current.AverageValue)
			}
			return fmt.Sprintf("%s/%s (avg)", current, quantity(spec.External.Target.AverageValue))
		}
		if st != nil && st.External != nil {
			current = quantity(st.External.Current.Value)
		}
		return fmt.Sprintf("%s/%s", current, quantity(spec.External.Target.Value))
	case spec.Type == autoscalingv2.PodsMetricSourceType && spec.Pods != nil:
		if st != nil && st.Pods != nil {
			current = quantity(st.Pods.Current.AverageValue)
		}
		return fmt.Sprintf("%s/%s", current, quantity(spec.Pods.Target.AverageValue))
	case spec.Type == autoscalingv2.ObjectMetricSourceType && spec.Object != nil:
		if spec.Object.Target.AverageValue != nil {
			if st != nil && st.Object != nil && st.Object.Current.AverageValue != nil {
				current = quantity(st.Object.Current.AverageValue)
			}
			return fmt.Sprintf("%s/%s (avg)", current, quantity(spec.Object.Target.AverageValue))
		}
		if st != nil && st.Object != nil {
			current = quantity(st.Object.Current.Value)
		}
		return fmt.Sprintf("%s/%s", current, quantity(spec.Object.Target.Value))
	case spec.Type == autoscalingv2.ResourceMetricSourceType && spec.Resource != nil:
		var cur *autoscalingv2.MetricValueStatus
		if st != nil && st.Resource != nil {
			cur = &st.Resource.Current
		}
		return resourceTarget(string(spec.Resource.Name), spec.Resource.Target, cur)
	case spec.Type == autoscalingv2.ContainerResourceMetricSourceType && spec.ContainerResource != nil:
		var cur *autoscalingv2.MetricValueStatus
		if st != nil && st.ContainerResource != nil {
			cur = &st.ContainerResource.Current
		}
		return resourceTarget(string(spec.ContainerResource.Name), spec.ContainerResource.Target, cur)
	}
	// Unknown types, and known ones missing their source (which
	// validation rejects and upstream would crash on).
	return "<unknown type>"
}

// quantity formats q without caching the text in q, which may belong to an
// object others read concurrently.
func quantity(q *resource.Quantity) string {
	if q == nil {
		return "<nil>"
	}
	c := *q
	return c.String()
}

// resourceTarget prints "cpu: 40%/80%" for utilization targets and
// "memory: 100Mi/1Gi" for average values; cur may be nil.
func resourceTarget(name string, target autoscalingv2.MetricTarget, cur *autoscalingv2.MetricValueStatus) string {
	current := "<unknown>"
	if target.AverageValue != nil {
		if cur != nil {
			current = quantity(cur.AverageValue)
		}
		return fmt.Sprintf("%s: %s/%s", name, current, quantity(target.AverageValue))
	}
	if cur != nil && cur.AverageUtilization != nil {
		current = fmt.Sprintf("%d%%", *cur.AverageUtilization)
	}
	want := "<auto>"
	if target.AverageUtilization != nil {
		want = fmt.Sprintf("%d%%", *target.AverageUtilization)
	}
	return fmt.Sprintf("%s: %s/%s", name, current, want)
}
