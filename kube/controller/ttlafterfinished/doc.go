// Package ttlafterfinished deletes finished Jobs once their
// spec.ttlSecondsAfterFinished has passed, as kube-controller-manager's
// "ttl-after-finished" controller (pkg/controller/ttlafterfinished) does.
//
// Start with Add and Controller.Reconcile. A Job that finished (its
// Complete or Failed condition is True) and has a TTL is queued; if the
// TTL has not run out, it is queued again for when it will, on the virtual
// clock; if it has, the Job is read again through the API server, checked
// once more, and deleted with foreground propagation, so that its pods go
// before it, and a UID precondition, so that a new Job of the same name
// is never deleted by mistake.
package ttlafterfinished
