// Package job runs Jobs to completion, as kube-controller-manager's "job"
// controller (pkg/controller/job) does.
//
// Start with Add (job.go) and Controller.Reconcile (sync.go). A sync:
//   - claims the Job's pods (claim.go): pods it controls, and orphans its
//     selector matches, which it adopts with the tracking finalizer;
//   - counts the pods that finished since the last sync, applies the pod
//     failure policy (policy.go), the backoff limits and the active
//     deadline, and for Indexed Jobs the per-index limits and the success
//     policy (indexes.go, indexed.go);
//   - creates or deletes pods to match parallelism and completions, after
//     the pod-failure back-off (backoff.go, manage.go);
//   - accounts finished pods in status as upstream does (tracking.go): a
//     finished pod's UID goes to status.uncountedTerminatedPods, then its
//     batch.kubernetes.io/job-tracking finalizer is removed, then it moves
//     to status.succeeded or status.failed; the Job gets its terminal
//     condition (Complete or Failed, after SuccessCriteriaMet or
//     FailureTarget) once no pod is uncounted or terminating.
//
// A second queue removes the tracking finalizer from pods whose Job is
// gone or finished (orphans.go).
//
// Behaviour follows upstream with these feature gates at their current
// defaults: JobPodReplacementPolicy, JobManagedBy, JobBackoffLimitPerIndex,
// JobSuccessPolicy and PodIndexLabel all on. Reads come from a fresh
// store.View, so upstream's expectations (for stale informer caches) are
// not needed. Fields the API server defaults are defaulted here as well
// (defaults.go), so a Job written without defaulting behaves the same.
package job
