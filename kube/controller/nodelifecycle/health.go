package nodelifecycle

import (
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubesim/kubesim/store"
)

// health is what the monitor knows of a node's heartbeats (upstream's
// nodeHealthData).
type health struct {
	// probe is when the monitor last saw the node alive: the tick at or
	// after the Lease's renewal or the Ready condition's heartbeat moved.
	probe time.Time
	// renew is the Lease's renewTime last seen.
	renew time.Time
	// heartbeat is the Ready condition's lastHeartbeatTime last seen.
	heartbeat time.Time
	// ready is the Ready status the monitor last acted on ("" before the
	// first pass).
	ready corev1.ConditionStatus
	// registered says the RegisteredNode event was recorded.
	registered bool
	// retryPods says marking the node's pods not ready failed and must be
	// tried again.
	retryPods bool
}

// tickAtOrAfter is the first monitor tick at or after t.
func (c *Controller) tickAtOrAfter(t time.Time) time.Time {
	if !t.After(c.start) {
		return c.start
	}
	n := (t.Sub(c.start) + monitorPeriod - 1) / monitorPeriod
	return c.start.Add(n * monitorPeriod)
}

// tickAfter is the first monitor tick strictly after t.
func (c *Controller) tickAfter(t time.Time) time.Time {
	next := c.tickAtOrAfter(t)
	if !next.After(t) {
		next = next.Add(monitorPeriod)
	}
	return next
}

// healthLocked returns the node's record, making one that counts the node
// alive from the next tick, as upstream assumes "now" for a node it meets.
func (c *Controller) healthLocked(name string, now time.Time) *health {
	h := c.health[name]
	if h == nil {
		h = &health{probe: c.tickAtOrAfter(now)}
		c.health[name] = h
	}
	return h
}

// deadline is the tick at which the node is found silent if nothing moves.
func (c *Controller) deadline(h *health, hasReady bool) time.Time {
	grace := gracePeriod
	if !hasReady {
		grace = startupGracePeriod
	}
	return c.tickAfter(h.probe.Add(grace))
}

// onLease notes a renewed node Lease and wakes the monitor at the node's
// new deadline (an earlier pending wake-up stays and requeues).
func (c *Controller) onLease(ev store.Event) {
	lease, ok := ev.Object.(*coordinationv1.Lease)
	if !ok || ev.Type == watch.Deleted || lease.Namespace != corev1.NamespaceNodeLease || lease.Spec.RenewTime == nil {
		return
	}
	now := c.clock.Now()
	c.mu.Lock()
	h := c.healthLocked(lease.Name, now)
	if renew := lease.Spec.RenewTime.Time; renew.After(h.renew) {
		h.renew = renew
		h.probe = c.tickAtOrAfter(now)
	}
	at := c.deadline(h, true)
	c.mu.Unlock()
	c.monitor.AddAfter(nodeRequest(lease.Name), at.Sub(now))
}

// onNode notes a node's heartbeat and wakes the monitor at the next tick
// for a node it has not met, a node gone, or a Ready status it has not
// acted on; every change also goes to the NoSchedule pass.
func (c *Controller) onNode(ev store.Event) {
	node, ok := ev.Object.(*corev1.Node)
	if !ok {
		return
	}
	now := c.clock.Now()
	req := nodeRequest(node.Name)
	if ev.Type == watch.Deleted {
		c.monitor.AddAfter(req, c.tickAfter(now).Sub(now))
		return
	}
	c.noSchedule.Add(req)
	c.mu.Lock()
	_, known := c.health[node.Name]
	h := c.healthLocked(node.Name, now)
	status := corev1.ConditionUnknown
	if ready := readyCondition(node); ready != nil {
		status = ready.Status
		if hb := ready.LastHeartbeatTime.Time; !hb.Equal(h.heartbeat) {
			h.heartbeat = hb
			h.probe = c.tickAtOrAfter(now)
		}
	}
	wake := !known || !h.registered || status != h.ready
	c.mu.Unlock()
	if wake {
		c.monitor.AddAfter(req, c.tickAfter(now).Sub(now))
	}
}
