// Package resourcequota keeps the status of every ResourceQuota in line
// with what its namespace holds, as kube-controller-manager's
// "resourcequota" controller does (pkg/controller/resourcequota
// upstream): status.hard copies spec.hard, and status.used is the usage
// of the objects the quota covers, measured by the evaluators of package
// kube/quota.
//
// Start with Add (resourcequota.go), which says when a quota is
// recalculated: when it is created or its spec.hard changes; when
// something it counts is deleted, a pod becomes terminal, a service
// changes type or a claim's allocated storage changes (upstream's
// replenishment); and every five virtual minutes (upstream's
// --resource-quota-sync-period), which also catches what the ResourceQuota
// admission plugin charged for objects that were then never stored.
// Controller.Reconcile (sync.go) does the recalculation. Admission
// charges new objects itself, so creations need no recalculation.
package resourcequota
