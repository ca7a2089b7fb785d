// Package clock is kubesim's virtual time.
//
// Start with Clock: it implements k8s.io/utils/clock (PassiveClock, Clock,
// WithTicker, WithDelayedExecution), so every component of the simulated
// cluster, and a user's own reconcilers, can take it where they would take a
// real clock. Time moves only when somebody moves it: SetTime and Step fire
// the timers that fall due on the way, earliest first, with Now() equal to
// each timer's own deadline while it fires. NextDeadline tells the
// environment where the next thing happens, so it can move time deadline by
// deadline and let the cluster settle in between.
//
// Activity is the other half of that bargain: components report the work
// they have in flight (queued keys, running reconciles, watch events not yet
// handled), and the environment waits for Activity to be idle before it
// moves the clock again.
//
// Unlike k8s.io/utils/clock/testing.FakeClock, AfterFunc callbacks run
// outside the clock's lock, so a callback may read the clock, start new
// timers or stop others.
package clock
