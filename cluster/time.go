package cluster

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// progressRetry is how often, in wall time, Settle asks the store's
// watches again to report their progress while a consumer is behind.
const progressRetry = time.Millisecond

// Settle waits until nothing is in flight: every request answered, every
// queue drained, and every watch consumer caught up with the store. It
// fails, naming what it waited for, if that takes longer than the
// configured SettleTimeout of wall time.
func (c *Cluster) Settle(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.SettleTimeout) // wall-clock: a guard against work that never ends
	defer cancel()
	st := c.ControlPlane.Store
	for {
		changed := c.Activity.Changed()
		head := st.ResourceVersion()
		busy, behind := c.Activity.Busy(head)
		if busy == 0 && len(behind) == 0 {
			return nil
		}
		var retry <-chan time.Time
		if busy == 0 {
			// Only bookmarks can tell a consumer that the writes it has not
			// seen were not for it.
			st.RequestProgress()
			retry = time.After(progressRetry) // wall-clock: polls the in-process watches, not cluster time
		}
		select {
		case <-changed:
		case <-retry:
		case <-ctx.Done():
			sort.Strings(behind)
			return fmt.Errorf("settle: still %d pieces of work in flight and consumers behind resourceVersion %d: %v: %w",
				busy, head, behind, ctx.Err())
		}
	}
}

// Advance moves virtual time forward by d, deadline by deadline: at each
// deadline it fires the timers due then and settles, so that what they
// cause happens before the next deadline, in causal order. It returns
// with the clock at exactly Now()+d and the cluster settled.
func (c *Cluster) Advance(ctx context.Context, d time.Duration) error {
	c.stepping.Lock()
	defer c.stepping.Unlock()
	target := c.Clock.Now().Add(d)
	for {
		if err := c.Settle(ctx); err != nil {
			return fmt.Errorf("advance to %s: %w", target.Format(time.RFC3339), err)
		}
		if next, ok := c.Clock.NextDeadline(); ok && !next.After(target) {
			c.Clock.FireNext()
			continue
		}
		if c.Clock.Now().Before(target) {
			c.Clock.SetTime(target)
			continue
		}
		return nil
	}
}
