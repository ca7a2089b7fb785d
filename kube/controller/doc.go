// Package controller is the machinery kubesim's built-in controllers run
// on, shaped after controller-runtime: a Reconciler gets a Request (a
// namespace and name) and returns a Result; a Controller feeds it from a
// work queue; a Manager runs the controllers.
//
// Start with Manager. What differs from controller-runtime is what makes
// virtual time work:
//   - the Feed reads the store's event log directly (no HTTP, no decoding)
//     and calls the handlers synchronously, then acknowledges the event to
//     clock.Activity, so the environment knows when every event has been
//     seen;
//   - the Queue counts its keys as work in flight, and delays (AddAfter,
//     back-off) are virtual-clock AfterFuncs that enqueue synchronously
//     when they fire;
//   - reads go to a store.View (shared, read-only objects), writes go
//     through the API server like any client's, so admission sees them.
//
// Each built-in controller lives in a sub-package named after what it
// controls (controller/namespace, controller/garbagecollector, ...).
package controller
