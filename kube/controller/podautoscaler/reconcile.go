package podautoscaler

import (
	"context"
	"fmt"

	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// reconcileAutoscaler is one sync of an HPA (upstream's function of the
// same name): it leaves the new status in hpa and returns what went wrong.
func (c *Controller) reconcileAutoscaler(ctx context.Context, hpa *autoscalingv2.HorizontalPodAutoscaler, key string) error {
	ref := fmt.Sprintf("%s/%s/%s", hpa.Spec.ScaleTargetRef.Kind, hpa.Namespace, hpa.Spec.ScaleTargetRef.Name)
	sc, gr, err := c.getScale(ctx, hpa)
	if err != nil {
		c.recorder.Event(hpa, corev1.EventTypeWarning, "FailedGetScale", err.Error())
		c.setCondition(hpa, autoscalingv2.AbleToScale, corev1.ConditionFalse, "FailedGetScale", "the HPA controller was unable to get the target's current scale: %v", err)
		c.setStatus(hpa, hpa.Status.CurrentReplicas, hpa.Status.DesiredReplicas, hpa.Status.CurrentMetrics, false)
		return fmt.Errorf("failed to query scale subresource for %s: %w", ref, err)
	}
	c.setCondition(hpa, autoscalingv2.AbleToScale, corev1.ConditionTrue, "SucceededGetScale", "the HPA controller was able to get the target's current scale")
	current := sc.Spec.Replicas
	c.recordInitialRecommendation(current, key)

	var (
		statuses      []autoscalingv2.MetricStatus
		desired       int32
		rescaleReason string
		partialErr    error
	)
	minReplicas := int32(1)
	if hpa.Spec.MinReplicas != nil {
		minReplicas = *hpa.Spec.MinReplicas
	}
	rescale := true
	switch {
	case current == 0 && minReplicas != 0:
		// Autoscaling is off while the target is scaled to zero.
		desired, rescale = 0, false
		c.setCondition(hpa, autoscalingv2.ScalingActive, corev1.ConditionFalse, "ScalingDisabled", "scaling is disabled since the replica count of the target is zero")
	case current > hpa.Spec.MaxReplicas:
		rescaleReason = "Current number of replicas above Spec.MaxReplicas"
		desired = hpa.Spec.MaxReplicas
	case current < minReplicas:
		rescaleReason = "Current number of replicas below Spec.MinReplicas"
		desired = minReplicas
	default:
		proposal, metricName, st, err := c.computeReplicasForMetrics(ctx, hpa, sc, hpa.Spec.Metrics)
		statuses = st
		if err != nil && proposal == -1 {
			c.setStatus(hpa, current, hpa.Status.DesiredReplicas, statuses, false)
			c.recorder.Event(hpa, corev1.EventTypeWarning, "FailedComputeMetricsReplicas", err.Error())
			return fmt.Errorf("failed to compute desired number of replicas based on listed metrics for %s: %w", ref, err)
		}
		// Otherwise some metrics may have failed, but the others still
		// scale (up): the error is reported once the scaling is done.
		partialErr = err
		var rescaleMetric string
		if proposal > desired {
			desired, rescaleMetric = proposal, metricName
		}
		if desired > current {
			rescaleReason = fmt.Sprintf("%s above target", rescaleMetric)
		}
		if desired < current {
			rescaleReason = "All metrics below target"
		}
		if hpa.Spec.Behavior == nil {
			desired = c.normalizeDesiredReplicas(hpa, key, current, desired, minReplicas)
		} else {
			desired = c.normalizeDesiredReplicasWithBehaviors(hpa, key, current, desired, minReplicas)
		}
		rescale = desired != current
	}

	if rescale {
		if err := c.updateScale(ctx, hpa, sc, gr, desired); err != nil {
			c.recorder.Eventf(hpa, corev1.EventTypeWarning, "FailedRescale", "New size: %d; reason: %s; error: %v", desired, rescaleReason, err)
			c.setCondition(hpa, autoscalingv2.AbleToScale, corev1.ConditionFalse, "FailedUpdateScale", "the HPA controller was unable to update the target scale: %v", err)
			c.setStatus(hpa, current, hpa.Status.DesiredReplicas, statuses, false)
			return fmt.Errorf("failed to rescale %s: %w", ref, err)
		}
		c.setCondition(hpa, autoscalingv2.AbleToScale, corev1.ConditionTrue, "SucceededRescale", "the HPA controller was able to update the target scale to %d", desired)
		c.recorder.Eventf(hpa, corev1.EventTypeNormal, "SuccessfulRescale", "New size: %d; reason: %s", desired, rescaleReason)
		c.storeScaleEvent(hpa.Spec.Behavior, key, current, desired)
	} else {
		desired = current
	}
	c.setStatus(hpa, current, desired, statuses, rescale)
	return partialErr
}

// getScale reads the target's scale subresource, trying each resource its
// kind maps to (upstream's scaleForResourceMappings).
func (c *Controller) getScale(ctx context.Context, hpa *autoscalingv2.HorizontalPodAutoscaler) (*autoscalingv1.Scale, schema.GroupResource, error) {
	ref := hpa.Spec.ScaleTargetRef
	gv, err := schema.ParseGroupVersion(ref.APIVersion)
	if err != nil {
		return nil, schema.GroupResource{}, fmt.Errorf("invalid API version in scale target reference: %v", err)
	}
	gk := schema.GroupKind{Group: gv.Group, Kind: ref.Kind}
	mappings, err := c.mapper.RESTMappings(gk)
	if err != nil {
		c.mapper.Reset() // a kind defined since discovery was cached
		if mappings, err = c.mapper.RESTMappings(gk); err != nil {
			return nil, schema.GroupResource{}, fmt.Errorf("unable to determine resource for scale target reference: %v", err)
		}
	}
	var firstErr error
	for i, m := range mappings {
		gr := m.Resource.GroupResource()
		sc, err := c.scales.Scales(hpa.Namespace).Get(ctx, gr, ref.Name, metav1.GetOptions{})
		if err == nil {
			return sc, gr, nil
		}
		if i == 0 {
			firstErr = err
		}
	}
	if firstErr == nil {
		firstErr = fmt.Errorf("unrecognized resource")
	}
	return nil, schema.GroupResource{}, firstErr
}

// updateScale sets the target's replicas through its scale subresource.
func (c *Controller) updateScale(ctx context.Context, hpa *autoscalingv2.HorizontalPodAutoscaler, sc *autoscalingv1.Scale, gr schema.GroupResource, replicas int32) error {
	sc = sc.DeepCopy()
	sc.Spec.Replicas = replicas
	_, err := c.scales.Scales(hpa.Namespace).Update(ctx, gr, sc, metav1.UpdateOptions{})
	return err
}

// setStatus records the outcome of a sync (upstream's setStatus); the
// last scale time moves only when the controller rescaled.
func (c *Controller) setStatus(hpa *autoscalingv2.HorizontalPodAutoscaler, current, desired int32, metrics []autoscalingv2.MetricStatus, rescale bool) {
	hpa.Status = autoscalingv2.HorizontalPodAutoscalerStatus{
		CurrentReplicas: current,
		DesiredReplicas: desired,
		LastScaleTime:   hpa.Status.LastScaleTime,
		CurrentMetrics:  metrics,
		Conditions:      hpa.Status.Conditions,
	}
	if rescale {
		now := metav1.NewTime(c.clock.Now())
		hpa.Status.LastScaleTime = &now
	}
}
