package nodelifecycle

import (
	"time"

	corev1 "k8s.io/api/core/v1"
)

// zoneState is a zone's health (upstream's ZoneState).
type zoneState string

const (
	stateInitial           zoneState = "Initial"
	stateNormal            zoneState = "Normal"
	stateFullDisruption    zoneState = "FullDisruption"
	statePartialDisruption zoneState = "PartialDisruption"
)

// excludeDisruptionLabel keeps a node out of the zones' counts.
const excludeDisruptionLabel = "node.kubernetes.io/exclude-disruption"

// zone is a zone's state and its NoExecute tainting rate limiter: a token
// bucket of burst 1 refilled at qps, so the first taint is immediate.
type zone struct {
	state zoneState
	qps   float64
	next  time.Time // when the next token is there
}

// zoneKey is a node's zone, as component-helpers' topology.GetZoneKey
// builds it from the region and zone labels ("" without either).
func zoneKey(node *corev1.Node) string {
	region := node.Labels[corev1.LabelTopologyRegion]
	if region == "" {
		region = node.Labels[corev1.LabelFailureDomainBetaRegion]
	}
	z := node.Labels[corev1.LabelTopologyZone]
	if z == "" {
		z = node.Labels[corev1.LabelFailureDomainBetaZone]
	}
	if region == "" && z == "" {
		return ""
	}
	return region + ":\x00:" + z
}

// zoneLocked returns a zone, new zones starting at the normal rate.
func (c *Controller) zoneLocked(key string) *zone {
	z := c.zones[key]
	if z == nil {
		z = &zone{state: stateInitial, qps: evictionQPS}
		c.zones[key] = z
	}
	return z
}

// takeToken takes the zone's token for one NoExecute taint; without one
// it says how long until the next (0: not until the zone's rate changes).
func (c *Controller) takeToken(key string, now time.Time) (time.Duration, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	z := c.zoneLocked(key)
	if z.qps <= 0 {
		return 0, false
	}
	if now.Before(z.next) {
		return z.next.Sub(now), false
	}
	z.next = now.Add(time.Duration(float64(time.Second) / z.qps))
	return 0, true
}

// setRate swaps a zone's rate; a new rate starts with a full bucket.
func (z *zone) setRate(qps float64) (raised bool) {
	if z.qps == qps {
		return false
	}
	raised = z.qps <= 0 && qps > 0
	z.qps, z.next = qps, time.Time{}
	return raised
}

// rateFor is the tainting rate of a zone in a state (setLimiterInZone).
func rateFor(state zoneState, size int) float64 {
	switch state {
	case statePartialDisruption:
		if size > largeClusterThreshold {
			return secondaryEvictionQPS
		}
		return 0
	default:
		return evictionQPS
	}
}

// computeZoneState classifies a zone by its nodes' Ready statuses
// (upstream's ComputeZoneState).
func computeZoneState(statuses []corev1.ConditionStatus) zoneState {
	ready, notReady := 0, 0
	for _, s := range statuses {
		if s == corev1.ConditionTrue {
			ready++
		} else {
			notReady++
		}
	}
	switch {
	case ready == 0 && notReady > 0:
		return stateFullDisruption
	case notReady > 2 && float64(notReady)/float64(notReady+ready) >= unhealthyZoneThreshold:
		return statePartialDisruption
	default:
		return stateNormal
	}
}
