package testkit

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"github.com/onsi/gomega"
	"github.com/onsi/gomega/types"
)

// Defaults of Env.Eventually, in virtual time.
const (
	DefaultEventuallyTimeout = 5 * time.Minute
	DefaultEventuallyPolling = time.Second
)

// wallGuard bounds, in wall time, how long one Eventually may take: the
// virtual timeout is what ends it in practice.
const wallGuard = 2 * time.Minute

// VirtualAssertion is Gomega's Eventually on virtual time: between two
// polls of the actual value the cluster lives through the polling
// interval, and the assertion fails once the timeout has passed on the
// virtual clock. Create one with Env.Eventually.
type VirtualAssertion struct {
	env              *Env
	actual           any
	timeout, polling time.Duration
	offset           int
}

// Eventually is Gomega's Eventually, with time passing on the cluster's
// clock rather than the wall's: actual is usually a function, such as
// env.Object(pod) or func(g Gomega), and
//
//	env.Eventually(env.Object(pod)).Should(testkit.BeReady())
//
// advances the cluster one polling interval (default 1 s) at a time until
// the pod is Ready, failing after the timeout (default 5 min). Optional
// intervals are the timeout, then the polling interval.
func (e *Env) Eventually(actual any, intervals ...time.Duration) *VirtualAssertion {
	a := &VirtualAssertion{env: e, actual: actual, timeout: DefaultEventuallyTimeout, polling: DefaultEventuallyPolling}
	if len(intervals) > 0 {
		a.timeout = intervals[0]
	}
	if len(intervals) > 1 {
		a.polling = intervals[1]
	}
	return a
}

// WithTimeout sets the timeout, in virtual time.
func (a *VirtualAssertion) WithTimeout(d time.Duration) *VirtualAssertion { a.timeout = d; return a }

// WithPolling sets the polling interval, in virtual time.
func (a *VirtualAssertion) WithPolling(d time.Duration) *VirtualAssertion { a.polling = d; return a }

// WithOffset skips stack frames when reporting a failure, as Gomega's.
func (a *VirtualAssertion) WithOffset(offset int) *VirtualAssertion { a.offset = offset; return a }

// Should passes once actual satisfies matcher.
func (a *VirtualAssertion) Should(matcher types.GomegaMatcher, description ...any) bool {
	a.env.t.Helper()
	return a.run(true, matcher, description)
}

// ShouldNot passes once actual does not satisfy matcher.
func (a *VirtualAssertion) ShouldNot(matcher types.GomegaMatcher, description ...any) bool {
	a.env.t.Helper()
	return a.run(false, matcher, description)
}

func (a *VirtualAssertion) run(positive bool, matcher types.GomegaMatcher, description []any) bool {
	a.env.t.Helper()
	clk := a.env.Clock()
	deadline := clk.Now().Add(a.timeout)
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	polls := 0
	beforePoll := func() {
		if ctx.Err() != nil {
			return // timed out: Gomega may poll once more, but time stays put
		}
		if polls > 0 {
			a.env.Advance(a.polling)
		}
		polls++
		if !clk.Now().Before(deadline) {
			cancel(fmt.Errorf("timed out after %s of virtual time", a.timeout))
		}
	}
	g := gomega.NewWithT(a.env.t)
	async := g.Eventually(pollWith(a.actual, beforePoll)).
		WithContext(ctx).WithTimeout(wallGuard).WithPolling(time.Microsecond).WithOffset(1 + a.offset)
	if positive {
		return async.Should(matcher, description...)
	}
	return async.ShouldNot(matcher, description...)
}

// pollWith returns actual, a function, wrapped so that before runs ahead of
// every call; other values come back as they are.
func pollWith(actual any, before func()) any {
	v := reflect.ValueOf(actual)
	if v.Kind() != reflect.Func {
		return actual
	}
	return reflect.MakeFunc(v.Type(), func(args []reflect.Value) []reflect.Value {
		before()
		if v.Type().IsVariadic() {
			return v.CallSlice(args)
		}
		return v.Call(args)
	}).Interface()
}
