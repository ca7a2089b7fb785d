package podautoscaler

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/sets"
)

// tolerances are how far below and above 1 a usage ratio may be without
// a scale: the controller's 0.1, or spec.behavior's scaleDown.tolerance
// and scaleUp.tolerance.
type tolerances struct{ down, up float64 }

func tolerancesOf(hpa *autoscalingv2.HorizontalPodAutoscaler) tolerances {
	t := tolerances{down: tolerance, up: tolerance}
	if b := hpa.Spec.Behavior; b != nil {
		if b.ScaleDown != nil && b.ScaleDown.Tolerance != nil {
			t.down = b.ScaleDown.Tolerance.AsApproximateFloat64()
		}
		if b.ScaleUp != nil && b.ScaleUp.Tolerance != nil {
			t.up = b.ScaleUp.Tolerance.AsApproximateFloat64()
		}
	}
	return t
}

func (t tolerances) within(ratio float64) bool {
	return 1.0-t.down <= ratio && ratio <= 1.0+t.up
}

// resourceReplicas is the replica count for a utilization target, in
// percent of the pods' requests (upstream's GetResourceReplicas). It
// returns the current utilization and the average raw usage too.
func (c *Controller) resourceReplicas(ctx context.Context, current, target int32, res corev1.ResourceName, namespace string,
	selector labels.Selector, container string, tol tolerances) (int32, int32, int64, error) {
	metrics, err := c.resourceMetrics(ctx, res, namespace, selector, container)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("unable to get metrics for resource %s: %v", res, err)
	}
	pods := c.pods(namespace, selector)
	if len(pods) == 0 {
		return 0, 0, 0, errors.New("no pods returned by selector while calculating replica count")
	}
	ready, unready, missing, ignored := c.groupPods(pods, metrics, res)
	removeMetrics(metrics, ignored)
	removeMetrics(metrics, unready)
	if len(metrics) == 0 {
		return 0, 0, 0, errors.New("did not receive metrics for targeted pods (pods might be unready)")
	}
	requests, err := podRequests(pods, container, res)
	if err != nil {
		return 0, 0, 0, err
	}
	ratio, utilization, raw, err := utilizationRatio(metrics, requests, target)
	if err != nil {
		return 0, 0, 0, err
	}
	scaleUpWithUnready := len(unready) > 0 && ratio > 1.0
	if !scaleUpWithUnready && len(missing) == 0 {
		if tol.within(ratio) {
			return current, utilization, raw, nil
		}
		return int32(math.Ceil(ratio * float64(ready))), utilization, raw, nil
	}
	// Be conservative about pods without metrics: on a scale-down assume
	// they use their whole request (or the target, if above 100%), on a
	// scale-up nothing; unready pods use nothing on a scale-up.
	if len(missing) > 0 {
		for name := range missing {
			switch {
			case ratio < 1.0:
				metrics[name] = podMetric{value: requests[name] * int64(max(100, target)) / 100}
			case ratio > 1.0:
				metrics[name] = podMetric{value: 0}
			}
		}
	}
	if scaleUpWithUnready {
		for name := range unready {
			metrics[name] = podMetric{value: 0}
		}
	}
	newRatio, _, _, err := utilizationRatio(metrics, requests, target)
	if err != nil {
		return 0, utilization, raw, err
	}
	return rebalance(current, ratio, newRatio, len(metrics), tol), utilization, raw, nil
}

// rawResourceReplicas is the replica count for an average value target
// (upstream's GetRawResourceReplicas and calcPlainMetricReplicas). It
// returns the current average usage too.
func (c *Controller) rawResourceReplicas(ctx context.Context, current int32, target int64, res corev1.ResourceName, namespace string,
	selector labels.Selector, container string, tol tolerances) (int32, int64, error) {
	metrics, err := c.resourceMetrics(ctx, res, namespace, selector, container)
	if err != nil {
		return 0, 0, fmt.Errorf("unable to get metrics for resource %s: %v", res, err)
	}
	pods := c.pods(namespace, selector)
	if len(pods) == 0 {
		return 0, 0, errors.New("no pods returned by selector while calculating replica count")
	}
	ready, unready, missing, ignored := c.groupPods(pods, metrics, res)
	removeMetrics(metrics, ignored)
	removeMetrics(metrics, unready)
	if len(metrics) == 0 {
		return 0, 0, errors.New("did not receive metrics for targeted pods (pods might be unready)")
	}
	ratio, usage := usageRatio(metrics, target)
	scaleUpWithUnready := len(unready) > 0 && ratio > 1.0
	if !scaleUpWithUnready && len(missing) == 0 {
		if tol.within(ratio) {
			return current, usage, nil
		}
		return int32(math.Ceil(ratio * float64(ready))), usage, nil
	}
	for name := range missing {
		switch {
		case ratio < 1.0:
			metrics[name] = podMetric{value: target}
		case ratio > 1.0:
			metrics[name] = podMetric{value: 0}
		}
	}
	if scaleUpWithUnready {
		for name := range unready {
			metrics[name] = podMetric{value: 0}
		}
	}
	newRatio, _ := usageRatio(metrics, target)
	return rebalance(current, ratio, newRatio, len(metrics), tol), usage, nil
}

// rebalance is the replica count once the missing and unready pods are
// accounted for; it keeps the current count when they undo or reverse
// the direction of the scale.
func rebalance(current int32, ratio, newRatio float64, pods int, tol tolerances) int32 {
	if tol.within(newRatio) || (ratio < 1.0 && newRatio > 1.0) || (ratio > 1.0 && newRatio < 1.0) {
		return current
	}
	replicas := int32(math.Ceil(newRatio * float64(pods)))
	if (newRatio < 1.0 && replicas > current) || (newRatio > 1.0 && replicas < current) {
		return current
	}
	return replicas
}

// utilizationRatio is the usage of the measured pods over their
// requests, against the target percentage.
func utilizationRatio(metrics map[string]podMetric, requests map[string]int64, target int32) (float64, int32, int64, error) {
	var total, requested int64
	n := 0
	for name, m := range metrics {
		req, ok := requests[name]
		if !ok {
			continue // a metric of a pod the selector no longer has
		}
		total += m.value
		requested += req
		n++
	}
	if requested == 0 {
		return 0, 0, 0, errors.New("no metrics returned matched known pods")
	}
	utilization := int32(total * 100 / requested)
	return float64(utilization) / float64(target), utilization, total / int64(n), nil
}

// usageRatio is the pods' average usage against the target.
func usageRatio(metrics map[string]podMetric, target int64) (float64, int64) {
	var total int64
	for _, m := range metrics {
		total += m.value
	}
	avg := total / int64(len(metrics))
	return float64(avg) / float64(target), avg
}

func removeMetrics(metrics map[string]podMetric, pods sets.Set[string]) {
	for name := range pods {
		delete(metrics, name)
	}
}

// pods are the selected pods of the namespace.
func (c *Controller) pods(namespace string, selector labels.Selector) []*corev1.Pod {
	var out []*corev1.Pod
	c.store.View().List("pods", namespace, func(obj runtime.Object) bool {
		if p, ok := obj.(*corev1.Pod); ok && selector.Matches(labels.Set(p.Labels)) {
			out = append(out, p)
		}
		return true
	})
	return out
}

// groupPods sorts the pods as upstream's groupPods does: deleted and
// failed pods are ignored (succeeded ones are not: they count as missing); pending pods count as unready; pods without a
// metric are missing; for CPU, a pod counts as unready while it is not
// Ready, or, in its first 5 minutes, until a full metric window has
// passed since it became Ready (its start-up burst is not its load).
func (c *Controller) groupPods(pods []*corev1.Pod, metrics map[string]podMetric, res corev1.ResourceName) (int, sets.Set[string], sets.Set[string], sets.Set[string]) {
	unready, missing, ignored := sets.New[string](), sets.New[string](), sets.New[string]()
	ready := 0
	now := c.clock.Now()
	for _, pod := range pods {
		if pod.DeletionTimestamp != nil || pod.Status.Phase == corev1.PodFailed {
			ignored.Insert(pod.Name)
			continue
		}
		if pod.Status.Phase == corev1.PodPending {
			unready.Insert(pod.Name)
			continue
		}
		m, ok := metrics[pod.Name]
		if !ok {
			missing.Insert(pod.Name)
			continue
		}
		if res == corev1.ResourceCPU && cpuUnready(pod, m, now) {
			unready.Insert(pod.Name)
			continue
		}
		ready++
	}
	return ready, unready, missing, ignored
}

func cpuUnready(pod *corev1.Pod, m podMetric, now time.Time) bool {
	var cond *corev1.PodCondition
	for i := range pod.Status.Conditions {
		if pod.Status.Conditions[i].Type == corev1.PodReady {
			cond = &pod.Status.Conditions[i]
		}
	}
	if cond == nil || pod.Status.StartTime == nil {
		return true
	}
	if pod.Status.StartTime.Add(cpuInitializationPeriod).After(now) {
		return cond.Status == corev1.ConditionFalse || m.timestamp.Before(cond.LastTransitionTime.Add(m.window))
	}
	return cond.Status == corev1.ConditionFalse && pod.Status.StartTime.Add(delayOfInitialReadinessStatus).After(cond.LastTransitionTime.Time)
}

// podRequests sums each pod's requests of res, in milli-units: of every
// regular and sidecar container, or of the one named container; a pod
// with pod-level resources uses those. A container without a request
// makes utilization meaningless, hence an error.
func podRequests(pods []*corev1.Pod, container string, res corev1.ResourceName) (map[string]int64, error) {
	out := make(map[string]int64, len(pods))
	for _, pod := range pods {
		if container == "" && pod.Spec.Resources != nil {
			if q, ok := pod.Spec.Resources.Requests[res]; ok {
				out[pod.Name] = q.MilliValue()
				continue
			}
		}
		containers := append([]corev1.Container{}, pod.Spec.Containers...)
		for _, ic := range pod.Spec.InitContainers {
			if ic.RestartPolicy != nil && *ic.RestartPolicy == corev1.ContainerRestartPolicyAlways {
				containers = append(containers, ic)
			}
		}
		var sum int64
		for _, ctr := range containers {
			if container != "" && ctr.Name != container {
				continue
			}
			q, ok := ctr.Resources.Requests[res]
			if !ok {
				return nil, fmt.Errorf("missing request for %s in container %s of Pod %s", res, ctr.Name, pod.Name)
			}
			sum += q.MilliValue()
		}
		out[pod.Name] = sum
	}
	return out, nil
}
