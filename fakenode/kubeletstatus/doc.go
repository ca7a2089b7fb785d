// Package kubeletstatus holds the pure rules by which a kubelet turns the
// state of a pod's containers into the pod's status, and the exact words the
// kubelet uses in events and in waiting and terminated reasons.
//
// Start with PodStatus. The simulated kubelet keeps a ContainerRuntimeState
// per container (what the container runtime knows: the latest and the
// previous run, the restart count, probe verdicts, and why the kubelet is
// not running the container right now) and fills in a PodRuntimeState. Each
// sync it calls PodStatus with the status it cached last time; it gets back
// the new cached status and the status to write to the API server. The
// steps are upstream's: generateAPIPodStatus and convertToAPIContainerStatuses
// (pkg/kubelet/kubelet_pods.go), the probe manager's Started/Ready rules, the
// condition generators (pkg/kubelet/status/generate.go), and the status
// manager's caching, TerminatePod and mergePodStatus
// (pkg/kubelet/status/status_manager.go).
//
// The smaller pieces are exported for the kubelet's own decisions and for
// tests: Phase, the condition generators, ShouldRestart and
// ContainerShouldRestart (restartPolicy and container restart rules), and
// Backoff, the per-container CrashLoopBackOff and image-pull back-off.
//
// The words live in reasons.go (waiting, terminated and condition reasons),
// events.go (event reasons and messages, as Event values) and messages.go
// (CrashLoopBackOff, image pull, eviction, deadline and termination
// messages).
//
// Behaviour follows current upstream (Kubernetes 1.35+, features at their
// default): ContainerRestartRules, PodReadyToStartContainersCondition,
// PodObservedGenerationTracking, InPlacePodVerticalScaling,
// RecursiveReadOnlyMounts and KubeletEnsureSecretPulledImages on;
// RestartAllContainersOnContainerExits, ReduceDefaultCrashLoopBackOffDecay
// and ContainerStopSignals off.
package kubeletstatus
