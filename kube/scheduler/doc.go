// Package scheduler is kubesim's kube-scheduler: it places pods whose
// schedulerName is "default-scheduler" on nodes, on the virtual clock.
//
// Start with Add, which registers the scheduler with the control plane's
// controller manager. The scheduling decisions come from package
// framework (filters, scores and preemption of the default profile); this
// package adds what runs around them in kube-scheduler: the scheduling
// queue (active, back-off and unschedulable pods, queue.go), the cache of
// nodes and bound pods fed from the store (cache.go), binding through
// pods/binding, the PodScheduled condition and the Scheduled /
// FailedScheduling / Preempted events (schedule.go).
package scheduler
