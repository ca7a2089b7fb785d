package podautoscaler

import (
	"testing"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	"k8s.io/utils/ptr"
)

func TestConvertDesiredReplicasWithRules(t *testing.T) {
	for _, tc := range []struct {
		current, desired, min, max int32
		want                       int32
		reason                     string
	}{
		{current: 2, desired: 3, min: 1, max: 10, want: 3, reason: "DesiredWithinRange"},
		{current: 1, desired: 9, min: 1, max: 10, want: 4, reason: "ScaleUpLimit"},
		{current: 5, desired: 30, min: 1, max: 10, want: 10, reason: "TooManyReplicas"},
		{current: 5, desired: 1, min: 2, max: 10, want: 2, reason: "TooFewReplicas"},
	} {
		got, reason, _ := convertDesiredReplicasWithRules(tc.current, tc.desired, tc.min, tc.max)
		if got != tc.want || reason != tc.reason {
			t.Errorf("%+v: got %d %s", tc, got, reason)
		}
	}
}

func TestScalingPolicyLimits(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	rules := func(sel autoscalingv2.ScalingPolicySelect, p ...autoscalingv2.HPAScalingPolicy) *autoscalingv2.HPAScalingRules {
		return &autoscalingv2.HPAScalingRules{SelectPolicy: ptr.To(sel), Policies: p}
	}
	pods := func(v, period int32) autoscalingv2.HPAScalingPolicy {
		return autoscalingv2.HPAScalingPolicy{Type: autoscalingv2.PodsScalingPolicy, Value: v, PeriodSeconds: period}
	}
	percent := func(v, period int32) autoscalingv2.HPAScalingPolicy {
		return autoscalingv2.HPAScalingPolicy{Type: autoscalingv2.PercentScalingPolicy, Value: v, PeriodSeconds: period}
	}
	// 2 pods were added 30 s ago: a 60 s period counts from 8, a 15 s one
	// from 10.
	upEvents := []timestampedScaleEvent{{replicaChange: 2, timestamp: now.Add(-30 * time.Second)}}
	if got := scaleUpLimit(now, 10, upEvents, nil, rules(autoscalingv2.MaxChangePolicySelect, pods(4, 60), percent(100, 15))); got != 20 {
		t.Errorf("max of 8+4 and 10*2: %d, want 20", got)
	}
	if got := scaleUpLimit(now, 10, upEvents, nil, rules(autoscalingv2.MinChangePolicySelect, pods(4, 60), percent(100, 15))); got != 12 {
		t.Errorf("min of 8+4 and 10*2: %d, want 12", got)
	}
	if got := scaleUpLimit(now, 10, nil, nil, rules(autoscalingv2.DisabledPolicySelect, pods(4, 60))); got != 10 {
		t.Errorf("disabled: %d, want 10", got)
	}
	if got := scaleDownLimit(now, 10, nil, nil, rules(autoscalingv2.MaxChangePolicySelect, pods(3, 60), percent(50, 60))); got != 5 {
		t.Errorf("scale-down max change of -3 and -50%%: %d, want 5", got)
	}
	if got := scaleDownLimit(now, 10, nil, nil, rules(autoscalingv2.MinChangePolicySelect, pods(3, 60), percent(50, 60))); got != 7 {
		t.Errorf("scale-down min change of -3 and -50%%: %d, want 7", got)
	}
}

func TestUsageWithinTolerance(t *testing.T) {
	tol := tolerances{down: tolerance, up: tolerance}
	for ratio, want := range map[float64]bool{1.0: true, 1.09: true, 0.91: true, 1.11: false, 0.89: false} {
		if got := tol.within(ratio); got != want {
			t.Errorf("ratio %v within 0.1: %v, want %v", ratio, got, want)
		}
	}
	// Missing pods that reverse the direction keep the count.
	if got := rebalance(4, 1.5, 0.8, 5, tol); got != 4 {
		t.Errorf("reversed: %d, want 4", got)
	}
	if got := rebalance(4, 1.5, 1.4, 5, tol); got != 7 {
		t.Errorf("still above: %d, want ceil(1.4*5)=7", got)
	}
	ratio, util, raw, err := utilizationRatio(map[string]podMetric{"a": {value: 150}, "b": {value: 50}, "gone": {value: 900}},
		map[string]int64{"a": 100, "b": 100}, 50)
	if err != nil || util != 100 || ratio != 2 || raw != 100 {
		t.Errorf("utilization: ratio %v util %d raw %d err %v, want 2, 100%%, 100m", ratio, util, raw, err)
	}
}
