// Package framework is the scheduling logic of kube-scheduler's default
// profile, with no API server, queue or clock: given a pod and a Snapshot
// of the nodes and the pods on them, it decides which nodes fit, says why
// the others do not in kube-scheduler's words, scores the feasible ones as
// upstream does, picks a host, and chooses preemption victims. The
// scheduler in kube/scheduler wraps it with the scheduling queue, binding
// and events.
//
// Start with Snapshot and Scheduler:
//
//	snap := framework.NewSnapshot(nodes, pods) // then SetNode, AddPod, RemovePod, ...
//	s, _ := framework.New(framework.Options{Seed: 1, Listers: listers})
//	res, err := s.Schedule(ctx, snap, pod)
//	var fitErr *framework.FitError
//	switch {
//	case err == nil:
//		snap.AssumePod(pod, res.SuggestedHost) // before the binding completes
//	case errors.As(err, &fitErr):
//		pr, _ := s.Preempt(ctx, snap, pod, fitErr, framework.PreemptOptions{PodDisruptionBudgets: pdbs, Now: now})
//		// evict pr.Victims, set status.nominatedNodeName to pr.NominatedNodeName
//		// (clear it if pr.ClearNominatedNodeName), snap.AddNominatedPod(...);
//		// fitErr.Error() is now the FailedScheduling message, preemption included.
//	}
//
// Evaluate explains a decision: every node's rejection and every plugin's
// score, without sampling or randomness.
//
// What is reproduced (Kubernetes 1.37, default plugin set and weights):
//   - Filters, in upstream order, the first rejection winning: NodeUnschedulable,
//     NodeName, TaintToleration, NodeAffinity (nodeSelector, required affinity,
//     metadata.name narrowing), NodePorts, NodeResourcesFit (pods, cpu, memory,
//     ephemeral storage, extended resources; requests from component-helpers
//     with sidecars, init containers, pod-level resources and overhead),
//     VolumeBinding and VolumeZone (simplified, below), PodTopologySpread
//     (DoNotSchedule, minDomains, nodeAffinityPolicy, nodeTaintsPolicy,
//     matchLabelKeys) and InterPodAffinity (affinity, anti-affinity, existing
//     pods' anti-affinity, namespace selectors). PreFilter precomputes the
//     spreading and affinity counts, so each node costs a few map lookups.
//   - Scores with upstream normalization and weights: TaintToleration 3,
//     NodeAffinity 2, NodeResourcesFit LeastAllocated 1 (cpu and memory, with
//     the 100m/200Mi defaults for containers requesting nothing),
//     PodTopologySpread 2 (ScheduleAnyway, and the system default constraints
//     when workload listers are given), InterPodAffinity 2,
//     NodeResourcesBalancedAllocation 1 (skipped for best-effort pods).
//   - Host selection: nodes in zone-interleaved order, a window of
//     max(100, adaptive percentage) feasible nodes starting where the last
//     cycle stopped, the highest total score, ties broken by a source seeded
//     from Options.Seed (never the global one). Filtering and scoring run in
//     parallel, but the outcome does not depend on goroutine timing.
//   - Nominated pods: pods of at least the same priority nominated to a node
//     are counted on it while filtering (Snapshot.AddNominatedPod).
//   - Preemption (DefaultPreemption): preemptionPolicy Never, waiting for
//     terminating victims on the nominated node, dry runs on nodes rejected
//     as Unschedulable (never ...AndUnresolvable) from a random offset,
//     reprieving the most important pods first and budget-protected ones
//     before the others, and upstream's candidate ordering; the messages
//     "preemption: 0/N nodes are available: ..." are upstream's.
//
// What is not: ImageLocality (its score needs image sizes the simulated
// nodes do not report; without them it is 0 on every node), VolumeRestrictions
// and the volume-count limits, CSI storage capacity, DynamicResources, the
// scheduling gates and queue (the caller's), extenders, and async preemption.
// VolumeBinding checks claims exist, rejects pods with unbound Immediate
// claims, matches bound volumes' node affinity, and for WaitForFirstConsumer
// claims looks for an available matching volume or a class that can
// provision in the node's topology; it does not bind.
//
// Snapshot is safe for concurrent use; a Scheduler serializes its calls.
// Neither calls time.Now: preemption takes the time in PreemptOptions.
package framework
