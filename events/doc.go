// Package events records Kubernetes Events the way client-go's
// tools/record package does (same names, fields, and deduplication of
// repeated events into a count), but on the virtual clock and in a way the
// environment can wait for: every event waiting to be written counts as
// work in flight on a clock.Activity.
//
// Start with NewRecorder. Both the control plane's controllers and the
// simulated kubelets record through it, using only client-go, so the same
// code works against a real cluster.
package events
