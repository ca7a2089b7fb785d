// Package timeline records what happens in a simulated cluster and tells
// it back as a story and as a picture, so that a person can understand a
// failed test, such as a rollout that never finished, at a glance.
//
// Start with Record: it watches the cluster's store from the present
// resourceVersion and keeps, stamped with the virtual clock, every change
// of a Pod (phase, conditions, container and init-container states with
// their reasons, restart counts, node), every change of other objects
// (created, updated, deleted) and every Event. Recorder.Timeline returns a
// snapshot; Timeline.Text renders it as one story per pod, and
// Timeline.WriteHTML as a self-contained page with an SVG timeline: one
// row per pod and a sub-row per container, coloured by phase and state,
// with event markers whose tooltips tell the event.
//
// The recorder is a watch consumer on the cluster's clock.Activity, so
// Settle and Advance wait for it: virtual time never moves on before a
// change is recorded, and each change carries the time it happened.
//
// testkit starts a recorder for every environment and writes the report
// when a test fails; see testkit.Env.Timeline and testkit.ReportOnFailure.
package timeline
