package podautoscaler

import (
	"math"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
)

const (
	// Without spec.behavior a scale-up at most doubles the replicas, and
	// goes to at least 4 (upstream's scaleUpLimitFactor and
	// scaleUpLimitMinimum).
	scaleUpLimitFactor  = 2.0
	scaleUpLimitMinimum = 4.0
)

type timestampedRecommendation struct {
	recommendation int32
	timestamp      time.Time
}

type timestampedScaleEvent struct {
	replicaChange int32
	timestamp     time.Time
	outdated      bool
}

// recordInitialRecommendation remembers the replicas an HPA found when it
// was first synced, so that it does not scale down within the
// stabilisation window of its creation.
func (c *Controller) recordInitialRecommendation(current int32, key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.recommendations[key] == nil {
		c.recommendations[key] = []timestampedRecommendation{{current, c.clock.Now()}}
	}
}

// normalizeDesiredReplicas stabilises and bounds the recommendation of an
// HPA without spec.behavior: the highest recommendation of the last 5
// minutes, at most double the current count, within min and max.
func (c *Controller) normalizeDesiredReplicas(hpa *autoscalingv2.HorizontalPodAutoscaler, key string, current, prenormalized, minReplicas int32) int32 {
	stabilized := c.stabilizeRecommendation(key, prenormalized)
	if stabilized != prenormalized {
		c.setCondition(hpa, autoscalingv2.AbleToScale, corev1.ConditionTrue, "ScaleDownStabilized", "recent recommendations were higher than current one, applying the highest recent recommendation")
	} else {
		c.setCondition(hpa, autoscalingv2.AbleToScale, corev1.ConditionTrue, "ReadyForNewScale", "recommended size matches current size")
	}
	desired, reason, message := convertDesiredReplicasWithRules(current, stabilized, minReplicas, hpa.Spec.MaxReplicas)
	status := corev1.ConditionFalse
	if desired != stabilized {
		status = corev1.ConditionTrue
	}
	c.setCondition(hpa, autoscalingv2.ScalingLimited, status, reason, "%s", message)
	return desired
}

// stabilizeRecommendation returns the highest recommendation within the
// scale-down stabilisation window, recording this one (reusing the slot
// of an expired one).
func (c *Controller) stabilizeRecommendation(key string, prenormalized int32) int32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.clock.Now()
	cutoff := now.Add(-downscaleStabilisationWindow)
	result := prenormalized
	reused := false
	for i, rec := range c.recommendations[key] {
		if rec.timestamp.Before(cutoff) {
			if !reused {
				c.recommendations[key][i] = timestampedRecommendation{prenormalized, now}
				reused = true
			}
			continue
		}
		result = max(result, rec.recommendation)
	}
	if !reused {
		c.recommendations[key] = append(c.recommendations[key], timestampedRecommendation{prenormalized, now})
	}
	return result
}

// convertDesiredReplicasWithRules bounds a recommendation by min and max
// replicas and by the default scale-up rate, naming the bound that
// applied.
func convertDesiredReplicasWithRules(current, desired, minReplicas, maxReplicas int32) (int32, string, string) {
	scaleUpLimit := int32(math.Max(scaleUpLimitFactor*float64(current), scaleUpLimitMinimum))
	maxAllowed, limitReason, limitMessage := maxReplicas, "TooManyReplicas", "the desired replica count is more than the maximum replica count"
	if maxReplicas > scaleUpLimit {
		maxAllowed, limitReason, limitMessage = scaleUpLimit, "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate"
	}
	if desired < minReplicas {
		return minReplicas, "TooFewReplicas", "the desired replica count is less than the minimum replica count"
	}
	if desired > maxAllowed {
		return maxAllowed, limitReason, limitMessage
	}
	return desired, "DesiredWithinRange", "the desired count is within the acceptable range"
}

// normalizeDesiredReplicasWithBehaviors stabilises and bounds the
// recommendation of an HPA with spec.behavior: its stabilisation windows
// and its scaling policies.
func (c *Controller) normalizeDesiredReplicasWithBehaviors(hpa *autoscalingv2.HorizontalPodAutoscaler, key string, current, prenormalized, minReplicas int32) int32 {
	up, down := scalingRules(hpa.Spec.Behavior)
	arg := normalizationArg{key: key, up: up, down: down, min: minReplicas, max: hpa.Spec.MaxReplicas, current: current, desired: prenormalized}
	stabilized, reason, message := c.stabilizeRecommendationWithBehaviors(arg)
	arg.desired = stabilized
	if stabilized != prenormalized {
		c.setCondition(hpa, autoscalingv2.AbleToScale, corev1.ConditionTrue, reason, "%s", message)
	} else {
		c.setCondition(hpa, autoscalingv2.AbleToScale, corev1.ConditionTrue, "ReadyForNewScale", "recommended size matches current size")
	}
	desired, reason, message := c.convertDesiredReplicasWithBehaviorRate(arg)
	status := corev1.ConditionFalse
	if desired != stabilized {
		status = corev1.ConditionTrue
	}
	c.setCondition(hpa, autoscalingv2.ScalingLimited, status, reason, "%s", message)
	return desired
}

type normalizationArg struct {
	key                        string
	up, down                   *autoscalingv2.HPAScalingRules
	min, max, current, desired int32
}

// scalingRules fills in what the API server's defaulting would have, so
// that an HPA written around defaulting still works: the scale-down
// window defaults to the controller's 300 s.
func scalingRules(b *autoscalingv2.HorizontalPodAutoscalerBehavior) (up, down *autoscalingv2.HPAScalingRules) {
	maxPolicy := autoscalingv2.MaxChangePolicySelect
	up = &autoscalingv2.HPAScalingRules{SelectPolicy: &maxPolicy, Policies: []autoscalingv2.HPAScalingPolicy{
		{Type: autoscalingv2.PodsScalingPolicy, Value: 4, PeriodSeconds: 15},
		{Type: autoscalingv2.PercentScalingPolicy, Value: 100, PeriodSeconds: 15},
	}}
	down = &autoscalingv2.HPAScalingRules{SelectPolicy: &maxPolicy, Policies: []autoscalingv2.HPAScalingPolicy{
		{Type: autoscalingv2.PercentScalingPolicy, Value: 100, PeriodSeconds: 15},
	}}
	fill := func(dst, src *autoscalingv2.HPAScalingRules) {
		if src == nil {
			return
		}
		if src.SelectPolicy != nil {
			dst.SelectPolicy = src.SelectPolicy
		}
		if src.Policies != nil {
			dst.Policies = src.Policies
		}
		dst.StabilizationWindowSeconds = src.StabilizationWindowSeconds
	}
	fill(up, b.ScaleUp)
	fill(down, b.ScaleDown)
	if up.StabilizationWindowSeconds == nil {
		up.StabilizationWindowSeconds = new(int32)
	}
	if down.StabilizationWindowSeconds == nil {
		secs := int32(downscaleStabilisationWindow / time.Second)
		down.StabilizationWindowSeconds = &secs
	}
	return up, down
}

// stabilizeRecommendationWithBehaviors keeps the recommendation between
// the lowest of the scale-up window and the highest of the scale-down
// window.
func (c *Controller) stabilizeRecommendationWithBehaviors(a normalizationArg) (int32, string, string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.clock.Now()
	upCutoff := now.Add(-time.Duration(*a.up.StabilizationWindowSeconds) * time.Second)
	downCutoff := now.Add(-time.Duration(*a.down.StabilizationWindowSeconds) * time.Second)
	upRecommendation, downRecommendation := a.desired, a.desired
	oldSample := -1
	for i, rec := range c.recommendations[a.key] {
		if rec.timestamp.After(upCutoff) {
			upRecommendation = min(rec.recommendation, upRecommendation)
		}
		if rec.timestamp.After(downCutoff) {
			downRecommendation = max(rec.recommendation, downRecommendation)
		}
		if rec.timestamp.Before(upCutoff) && rec.timestamp.Before(downCutoff) {
			oldSample = i
		}
	}
	recommendation := a.current
	if recommendation < upRecommendation {
		recommendation = upRecommendation
	}
	if recommendation > downRecommendation {
		recommendation = downRecommendation
	}
	if oldSample >= 0 {
		c.recommendations[a.key][oldSample] = timestampedRecommendation{a.desired, now}
	} else {
		c.recommendations[a.key] = append(c.recommendations[a.key], timestampedRecommendation{a.desired, now})
	}
	if a.desired >= a.current {
		return recommendation, "ScaleUpStabilized", "recent recommendations were lower than current one, applying the lowest recent recommendation"
	}
	return recommendation, "ScaleDownStabilized", "recent recommendations were higher than current one, applying the highest recent recommendation"
}

// convertDesiredReplicasWithBehaviorRate bounds a recommendation by min
// and max replicas and by the scaling policies, given the scale events of
// their periods.
func (c *Controller) convertDesiredReplicasWithBehaviorRate(a normalizationArg) (int32, string, string) {
	c.mu.Lock()
	upEvents, downEvents := c.scaleUpEvents[a.key], c.scaleDownEvents[a.key]
	c.mu.Unlock()
	now := c.clock.Now()
	switch {
	case a.desired > a.current:
		limit := max(scaleUpLimit(now, a.current, upEvents, downEvents, a.up), a.current)
		maxAllowed, reason, message := a.max, "TooManyReplicas", "the desired replica count is more than the maximum replica count"
		if maxAllowed > limit {
			maxAllowed, reason, message = limit, "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate"
		}
		if a.desired > maxAllowed {
			return maxAllowed, reason, message
		}
	case a.desired < a.current:
		limit := min(scaleDownLimit(now, a.current, upEvents, downEvents, a.down), a.current)
		minAllowed, reason, message := a.min, "TooFewReplicas", "the desired replica count is less than the minimum replica count"
		if minAllowed < limit {
			minAllowed, reason, message = limit, "ScaleDownLimit", "the desired replica count is decreasing faster than the maximum scale rate"
		}
		if a.desired < minAllowed {
			return minAllowed, reason, message
		}
	}
	return a.desired, "DesiredWithinRange", "the desired count is within the acceptable range"
}

// scaleUpLimit is how many replicas the policies allow now: each policy
// counts from the replicas at the start of its period; selectPolicy Max
// takes the most generous, Min the least, Disabled none.
func scaleUpLimit(now time.Time, current int32, upEvents, downEvents []timestampedScaleEvent, rules *autoscalingv2.HPAScalingRules) int32 {
	if *rules.SelectPolicy == autoscalingv2.DisabledPolicySelect {
		return current
	}
	pick, result := maxInt32, int32(math.MinInt32)
	if *rules.SelectPolicy == autoscalingv2.MinChangePolicySelect {
		pick, result = minInt32, math.MaxInt32
	}
	for _, p := range rules.Policies {
		start := current - changeInPeriod(now, p.PeriodSeconds, upEvents) + changeInPeriod(now, p.PeriodSeconds, downEvents)
		var proposed int32
		switch p.Type {
		case autoscalingv2.PodsScalingPolicy:
			proposed = start + p.Value
		case autoscalingv2.PercentScalingPolicy:
			// Rounded up, or a small target could never grow.
			proposed = int32(math.Ceil(float64(start) * (1 + float64(p.Value)/100)))
		}
		result = pick(result, proposed)
	}
	return result
}

// scaleDownLimit is the fewest replicas the policies allow now; for a
// scale-down the least change (Min) is the highest count.
func scaleDownLimit(now time.Time, current int32, upEvents, downEvents []timestampedScaleEvent, rules *autoscalingv2.HPAScalingRules) int32 {
	if *rules.SelectPolicy == autoscalingv2.DisabledPolicySelect {
		return current
	}
	pick, result := minInt32, int32(math.MaxInt32)
	if *rules.SelectPolicy == autoscalingv2.MinChangePolicySelect {
		pick, result = maxInt32, math.MinInt32
	}
	for _, p := range rules.Policies {
		start := current - changeInPeriod(now, p.PeriodSeconds, upEvents) + changeInPeriod(now, p.PeriodSeconds, downEvents)
		var proposed int32
		switch p.Type {
		case autoscalingv2.PodsScalingPolicy:
			proposed = start - p.Value
		case autoscalingv2.PercentScalingPolicy:
			proposed = int32(float64(start) * (1 - float64(p.Value)/100))
		}
		result = pick(result, proposed)
	}
	return result
}

// changeInPeriod sums the replica changes of the events within the last
// periodSeconds.
func changeInPeriod(now time.Time, periodSeconds int32, events []timestampedScaleEvent) int32 {
	cutoff := now.Add(-time.Duration(periodSeconds) * time.Second)
	var sum int32
	for _, e := range events {
		if e.timestamp.After(cutoff) {
			sum += e.replicaChange
		}
	}
	return sum
}

// storeScaleEvent records a rescale of an HPA with spec.behavior, for its
// policies to count; an event older than the longest policy period is
// overwritten.
func (c *Controller) storeScaleEvent(b *autoscalingv2.HorizontalPodAutoscalerBehavior, key string, prev, next int32) {
	if b == nil || prev == next {
		return
	}
	up, down := scalingRules(b)
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.clock.Now()
	events, rules, change := c.scaleUpEvents, up, next-prev
	if next < prev {
		events, rules, change = c.scaleDownEvents, down, prev-next
	}
	var longest int32
	for _, p := range rules.Policies {
		longest = max(longest, p.PeriodSeconds)
	}
	cutoff := now.Add(-time.Duration(longest) * time.Second)
	for i, e := range events[key] {
		if e.timestamp.Before(cutoff) {
			events[key][i] = timestampedScaleEvent{replicaChange: change, timestamp: now}
			return
		}
	}
	events[key] = append(events[key], timestampedScaleEvent{replicaChange: change, timestamp: now})
}

func maxInt32(a, b int32) int32 { return max(a, b) }
func minInt32(a, b int32) int32 { return min(a, b) }
