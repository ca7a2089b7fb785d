package metrics

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	metricsv1beta1 "k8s.io/metrics/pkg/apis/metrics/v1beta1"
)

// The tables `kubectl get nodes.metrics.k8s.io` prints: the name, the
// CPU and memory use and the window, as metrics-server's tables have.
var columns = []metav1.TableColumnDefinition{
	{Name: "Name", Type: "string", Format: "name", Description: "Name of the resource"},
	{Name: "CPU", Type: "string", Format: "quantity", Description: "CPU usage"},
	{Name: "Memory", Type: "string", Format: "quantity", Description: "Memory usage"},
	{Name: "Window", Type: "string", Format: "duration", Description: "Interval the usage was measured over"},
}

// ConvertToTable implements rest.TableConvertor.
func (r *NodeREST) ConvertToTable(ctx context.Context, obj runtime.Object, _ runtime.Object) (*metav1.Table, error) {
	return toTable(obj)
}

// ConvertToTable implements rest.TableConvertor.
func (r *PodREST) ConvertToTable(ctx context.Context, obj runtime.Object, _ runtime.Object) (*metav1.Table, error) {
	return toTable(obj)
}

func toTable(obj runtime.Object) (*metav1.Table, error) {
	t := &metav1.Table{ColumnDefinitions: columns}
	add := func(o runtime.Object, name string, usage corev1.ResourceList, window metav1.Duration) {
		cpu, mem := usage.Cpu(), usage.Memory()
		t.Rows = append(t.Rows, metav1.TableRow{
			Cells:  []interface{}{name, cpu.String(), mem.String(), window.Duration.String()},
			Object: runtime.RawExtension{Object: o},
		})
	}
	switch v := obj.(type) {
	case *metricsv1beta1.NodeMetrics:
		add(v, v.Name, v.Usage, v.Window)
	case *metricsv1beta1.NodeMetricsList:
		for i := range v.Items {
			add(&v.Items[i], v.Items[i].Name, v.Items[i].Usage, v.Items[i].Window)
		}
	case *metricsv1beta1.PodMetrics:
		add(v, v.Name, podUsage(v), v.Window)
	case *metricsv1beta1.PodMetricsList:
		for i := range v.Items {
			add(&v.Items[i], v.Items[i].Name, podUsage(&v.Items[i]), v.Items[i].Window)
		}
	default:
		return nil, fmt.Errorf("metrics: no table for %T", obj)
	}
	if l, err := meta.ListAccessor(obj); err == nil {
		t.ResourceVersion, t.Continue = l.GetResourceVersion(), l.GetContinue()
	}
	return t, nil
}

// podUsage sums a pod's containers' usage.
func podUsage(m *metricsv1beta1.PodMetrics) corev1.ResourceList {
	sum := corev1.ResourceList{}
	for _, c := range m.Containers {
		for name, q := range c.Usage {
			total := sum[name]
			total.Add(q)
			sum[name] = total
		}
	}
	return sum
}
