package cluster

import (
	"context"
	"fmt"
	"time"
)

// runTick is how often, in wall time, Run moves the clock.
const runTick = 10 * time.Millisecond

// Run makes virtual time follow wall time at rate (1 is real time, 60 is
// a minute per second) until ctx ends, for tools that poll in real time
// such as kubectl get -w. Each tick advances the clock deadline by
// deadline, as Advance does; when the cluster cannot keep up, virtual time
// falls behind rather than skipping events.
func (c *Cluster) Run(ctx context.Context, rate float64) error {
	if rate <= 0 {
		return fmt.Errorf("run: rate must be positive, got %v", rate)
	}
	ticker := time.NewTicker(runTick) // wall-clock: pacing virtual time against real time is the point
	defer ticker.Stop()
	last := time.Now() // wall-clock: see above
	for {
		select {
		case <-ctx.Done():
			return nil
		case now := <-ticker.C:
			step := time.Duration(float64(now.Sub(last)) * rate)
			last = now
			if err := c.Advance(ctx, step); err != nil && ctx.Err() == nil {
				return err
			}
		}
	}
}
