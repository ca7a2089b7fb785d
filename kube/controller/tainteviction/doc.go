// Package tainteviction deletes the pods that may no longer run where they
// are, as kube-controller-manager's "taint-eviction-controller" does
// (k8s.io/kubernetes/pkg/controller/tainteviction): a pod on a node with a
// NoExecute taint it does not tolerate is deleted at once; a pod that
// tolerates every such taint, some of them only for tolerationSeconds, is
// deleted once the shortest of those has passed since the controller saw
// the taint; a pod that tolerates them forever stays.
//
// Start with Add (controller.go) and Controller.Reconcile (evict.go).
// Node events that change NoExecute taints and pod events that change
// tolerations or the node wake the affected pods; a pod's reconcile
// decides again from the current node and pod, so a removed taint
// cancels an eviction by itself. A deleted pod first gets the
// DisruptionTarget condition (reason DeletionByTaintManager), and an event
// TaintManagerEviction is recorded when an eviction is started or
// cancelled.
package tainteviction
