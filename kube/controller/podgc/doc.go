// Package podgc is kube-controller-manager's pod garbage collector
// ("pod-garbage-collector", pkg/controller/podgc upstream): every 20 s of
// virtual time it force-deletes the pods nothing else will:
//
//   - terminated (Succeeded or Failed) pods beyond the
//     --terminated-pod-gc-threshold of 12500, evicted ones and the oldest
//     first;
//   - orphaned pods, bound to a node that has been gone for the 40 s
//     quarantine, after marking them Failed with a DisruptionTarget
//     condition (reason DeletionByPodGC);
//   - terminating pods that were never scheduled;
//   - terminating pods on a node that is not Ready and carries the
//     node.kubernetes.io/out-of-service taint (non-graceful node shutdown).
//
// Start with Add and Controller.sweep (gc.go).
package podgc
