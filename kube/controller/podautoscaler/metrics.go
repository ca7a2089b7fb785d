package podautoscaler

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	metricsv1beta1 "k8s.io/metrics/pkg/apis/metrics/v1beta1"
	"k8s.io/utils/ptr"
)

// condition is a condition to set on the HPA.
type condition struct {
	typ     autoscalingv2.HorizontalPodAutoscalerConditionType
	status  corev1.ConditionStatus
	reason  string
	message string
}

// computeReplicasForMetrics computes the replica count each metric asks
// for and returns the largest, with the name of the metric that asked for
// it and the metrics' current values. When every metric failed, or some
// did and the others would scale down, it returns -1 and the first error.
func (c *Controller) computeReplicasForMetrics(ctx context.Context, hpa *autoscalingv2.HorizontalPodAutoscaler, sc *autoscalingv1.Scale,
	specs []autoscalingv2.MetricSpec) (int32, string, []autoscalingv2.MetricStatus, error) {
	selector, err := c.validateAndParseSelector(hpa, sc.Status.Selector)
	if err != nil {
		return -1, "", nil, err
	}
	statuses := make([]autoscalingv2.MetricStatus, len(specs))
	var (
		replicas       int32
		metric         string
		invalid        int
		invalidErr     error
		invalidCondDef condition
	)
	for i, spec := range specs {
		proposal, name, cond, err := c.computeReplicasForMetric(ctx, hpa, spec, sc.Spec.Replicas, selector, &statuses[i])
		if err != nil {
			if invalid == 0 {
				invalidCondDef, invalidErr = cond, err
			}
			invalid++
			continue
		}
		if replicas == 0 || proposal > replicas {
			replicas, metric = proposal, name
		}
	}
	if invalid >= len(specs) || (invalid > 0 && replicas < sc.Spec.Replicas) {
		c.setCondition(hpa, invalidCondDef.typ, invalidCondDef.status, invalidCondDef.reason, "%s", invalidCondDef.message)
		return -1, "", statuses, fmt.Errorf("invalid metrics (%v invalid out of %v), first error is: %v", invalid, len(specs), invalidErr)
	}
	c.setCondition(hpa, autoscalingv2.ScalingActive, corev1.ConditionTrue, "ValidMetricFound", "the HPA was able to successfully calculate a replica count from %s", metric)
	return replicas, metric, statuses, invalidErr
}

// validateAndParseSelector parses the selector the target's scale
// reports; without one the HPA cannot tell which pods to measure.
func (c *Controller) validateAndParseSelector(hpa *autoscalingv2.HorizontalPodAutoscaler, selector string) (labels.Selector, error) {
	if selector == "" {
		msg := "selector is required"
		c.recorder.Event(hpa, corev1.EventTypeWarning, "SelectorRequired", msg)
		c.setCondition(hpa, autoscalingv2.ScalingActive, corev1.ConditionFalse, "InvalidSelector", "the HPA target's scale is missing a selector")
		return nil, errors.New(msg)
	}
	parsed, err := labels.Parse(selector)
	if err != nil {
		msg := fmt.Sprintf("couldn't convert selector into a corresponding internal selector object: %v", err)
		c.recorder.Event(hpa, corev1.EventTypeWarning, "InvalidSelector", msg)
		c.setCondition(hpa, autoscalingv2.ScalingActive, corev1.ConditionFalse, "InvalidSelector", "%s", msg)
		return nil, errors.New(msg)
	}
	key := hpa.Namespace + "/" + hpa.Name
	c.putSelector(key, hpa.Namespace, parsed)
	if hpas := c.hpasControllingPods(hpa.Namespace, parsed); len(hpas) > 1 {
		msg := fmt.Sprintf("pods by selector %v are controlled by multiple HPAs: %v", selector, hpas)
		c.recorder.Event(hpa, corev1.EventTypeWarning, "AmbiguousSelector", msg)
		c.setCondition(hpa, autoscalingv2.ScalingActive, corev1.ConditionFalse, "AmbiguousSelector", "%s", msg)
		return nil, errors.New(msg)
	}
	return parsed, nil
}

// computeReplicasForMetric computes one metric's replica count and fills
// in its status.
func (c *Controller) computeReplicasForMetric(ctx context.Context, hpa *autoscalingv2.HorizontalPodAutoscaler, spec autoscalingv2.MetricSpec,
	specReplicas int32, selector labels.Selector, status *autoscalingv2.MetricStatus) (int32, string, condition, error) {
	// The condition carries the metric's own error; the error returned,
	// which the FailedComputeMetricsReplicas event quotes, says which
	// metric it was.
	switch {
	case spec.Type == autoscalingv2.ResourceMetricSourceType && spec.Resource != nil:
		proposal, value, name, err := c.computeStatusForResourceMetric(ctx, specReplicas, spec.Resource.Target, spec.Resource.Name, hpa.Namespace, "", selector, tolerancesOf(hpa))
		if err != nil {
			return 0, "", c.unableToCompute(hpa, "FailedGetResourceMetric", err), fmt.Errorf("failed to get %s resource metric value: %v", spec.Resource.Name, err)
		}
		*status = autoscalingv2.MetricStatus{Type: autoscalingv2.ResourceMetricSourceType,
			Resource: &autoscalingv2.ResourceMetricStatus{Name: spec.Resource.Name, Current: *value}}
		return proposal, name, condition{}, nil
	case spec.Type == autoscalingv2.ContainerResourceMetricSourceType && spec.ContainerResource != nil:
		cr := spec.ContainerResource
		proposal, value, name, err := c.computeStatusForResourceMetric(ctx, specReplicas, cr.Target, cr.Name, hpa.Namespace, cr.Container, selector, tolerancesOf(hpa))
		if err != nil {
			return 0, "", c.unableToCompute(hpa, "FailedGetContainerResourceMetric", err), fmt.Errorf("failed to get %s container metric value: %v", cr.Container, err)
		}
		*status = autoscalingv2.MetricStatus{Type: autoscalingv2.ContainerResourceMetricSourceType,
			ContainerResource: &autoscalingv2.ContainerResourceMetricStatus{Name: cr.Name, Container: cr.Container, Current: *value}}
		return proposal, name, condition{}, nil
	case spec.Type == autoscalingv2.PodsMetricSourceType && spec.Pods != nil:
		err := fmt.Errorf("unable to get metric %s: %w", spec.Pods.Metric.Name, errNoCustomMetrics)
		return 0, "", c.unableToCompute(hpa, "FailedGetPodsMetric", err), fmt.Errorf("failed to get pods metric value: %v", err)
	case spec.Type == autoscalingv2.ObjectMetricSourceType && spec.Object != nil:
		err := fmt.Errorf("unable to get metric %s: %w", spec.Object.Metric.Name, errNoCustomMetrics)
		return 0, "", c.unableToCompute(hpa, "FailedGetObjectMetric", err), fmt.Errorf("failed to get object metric value: %v", err)
	case spec.Type == autoscalingv2.ExternalMetricSourceType && spec.External != nil:
		err := fmt.Errorf("unable to get external metric %s/%s: %w", hpa.Namespace, spec.External.Metric.Name, errNoExternalMetrics)
		return 0, "", c.unableToCompute(hpa, "FailedGetExternalMetric", err), fmt.Errorf("failed to get %s external metric value: %v", spec.External.Metric.Name, err)
	}
	// The API server's validation keeps these out.
	err := fmt.Errorf("unknown metric source type %q", string(spec.Type))
	return 0, "", c.unableToCompute(hpa, "InvalidMetricSourceType", err), err
}

// kubesim serves the resource metrics API only; the custom and external
// metrics APIs, which adapters such as prometheus-adapter serve, are
// absent, as in a cluster without them.
var (
	errNoCustomMetrics   = errors.New("the server could not find the requested resource (custom.metrics.k8s.io)")
	errNoExternalMetrics = errors.New("the server could not find the requested resource (external.metrics.k8s.io)")
)

// unableToCompute reports a metric that could not be computed, as an
// event now and as the condition to set if no metric can be.
func (c *Controller) unableToCompute(hpa *autoscalingv2.HorizontalPodAutoscaler, reason string, err error) condition {
	c.recorder.Event(hpa, corev1.EventTypeWarning, reason, err.Error())
	return condition{typ: autoscalingv2.ScalingActive, status: corev1.ConditionFalse, reason: reason,
		message: fmt.Sprintf("the HPA was unable to compute the replica count: %v", err)}
}

// computeStatusForResourceMetric computes the replica count of a cpu or
// memory target, of whole pods or of one container of each, and the
// metric's current value.
func (c *Controller) computeStatusForResourceMetric(ctx context.Context, current int32, target autoscalingv2.MetricTarget, res corev1.ResourceName,
	namespace, container string, selector labels.Selector, tol tolerances) (int32, *autoscalingv2.MetricValueStatus, string, error) {
	kind := "resource"
	if container != "" {
		kind = "container resource"
	}
	if target.AverageValue != nil {
		replicas, usage, err := c.rawResourceReplicas(ctx, current, target.AverageValue.MilliValue(), res, namespace, selector, container, tol)
		if err != nil {
			return 0, nil, "", fmt.Errorf("failed to get %s usage: %v", res, err)
		}
		// Upstream names an average value metric so whether it is of pods
		// or of containers.
		return replicas, &autoscalingv2.MetricValueStatus{AverageValue: resource.NewMilliQuantity(usage, resource.DecimalSI)},
			fmt.Sprintf("%s resource", res), nil
	}
	if target.AverageUtilization == nil {
		return 0, nil, "", errors.New("invalid resource metric source: neither an average utilization target nor an average value (usage) target was set")
	}
	replicas, utilization, raw, err := c.resourceReplicas(ctx, current, *target.AverageUtilization, res, namespace, selector, container, tol)
	if err != nil {
		return 0, nil, "", fmt.Errorf("failed to get %s utilization: %v", res, err)
	}
	return replicas, &autoscalingv2.MetricValueStatus{AverageUtilization: ptr.To(utilization), AverageValue: resource.NewMilliQuantity(raw, resource.DecimalSI)},
		fmt.Sprintf("%s %s utilization (percentage of request)", res, kind), nil
}

// podMetric is one pod's usage of a resource, in milli-units.
type podMetric struct {
	timestamp time.Time
	window    time.Duration
	value     int64
}

// resourceMetrics reads the selected pods' usage from the resource
// metrics API: the sum over the pod's containers, or one container's.
func (c *Controller) resourceMetrics(ctx context.Context, res corev1.ResourceName, namespace string, selector labels.Selector, container string) (map[string]podMetric, error) {
	list, err := c.metrics.PodMetricses(namespace).List(ctx, metav1.ListOptions{LabelSelector: selector.String()})
	if err != nil {
		return nil, fmt.Errorf("unable to fetch metrics from resource metrics API: %v", err)
	}
	if len(list.Items) == 0 {
		return nil, errors.New("no metrics returned from resource metrics API")
	}
	out := map[string]podMetric{}
	for _, m := range list.Items {
		if container != "" {
			// One container's usage; a pod without that container is an
			// error, one without the resource is left out.
			i := slices.IndexFunc(m.Containers, func(c metricsv1beta1.ContainerMetrics) bool { return c.Name == container })
			if i < 0 {
				return nil, fmt.Errorf("failed to get container metrics: container %s not present in metrics for pod %s/%s", container, m.Namespace, m.Name)
			}
			if v, ok := m.Containers[i].Usage[res]; ok {
				out[m.Name] = podMetric{timestamp: m.Timestamp.Time, window: m.Window.Duration, value: v.MilliValue()}
			}
			continue
		}
		// The pod's usage: left out if any container lacks the resource.
		sum, missing := int64(0), len(m.Containers) == 0
		for _, ctr := range m.Containers {
			v, ok := ctr.Usage[res]
			if !ok {
				missing = true
				break
			}
			sum += v.MilliValue()
		}
		if !missing {
			out[m.Name] = podMetric{timestamp: m.Timestamp.Time, window: m.Window.Duration, value: sum}
		}
	}
	return out, nil
}
