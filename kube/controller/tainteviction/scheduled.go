package tainteviction

import (
	"time"

	"github.com/kubesim/kubesim/kube/controller"
)

// entry is a pod's pending (or done) eviction.
type entry struct {
	since time.Time
	fired bool
}

func (c *Controller) entry(req controller.Request) (since time.Time, fired, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.scheduled[req]
	return e.since, e.fired, ok
}

func (c *Controller) setEntry(req controller.Request, since time.Time, fired bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.scheduled[req] = entry{since: since, fired: fired}
}
