package kubeletstatus

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// Event reasons the kubelet uses (pkg/kubelet/events/event.go, plus the
// active deadline handler's and the eviction manager's).
const (
	EventReasonCreated             = "Created"
	EventReasonStarted             = "Started"
	EventReasonFailed              = "Failed"
	EventReasonKilling             = "Killing"
	EventReasonPreempting          = "Preempting"
	EventReasonBackOff             = "BackOff"
	EventReasonExceededGracePeriod = "ExceededGracePeriod"
	EventReasonPulling             = "Pulling"
	EventReasonPulled              = "Pulled"
	EventReasonInspectFailed       = "InspectFailed"
	EventReasonErrImageNeverPull   = "ErrImageNeverPull"
	EventReasonUnhealthy           = "Unhealthy"
	EventReasonProbeWarning        = "ProbeWarning"
	EventReasonFailedPostStartHook = "FailedPostStartHook"
	EventReasonFailedPreStopHook   = "FailedPreStopHook"
	EventReasonFailedMount         = "FailedMount"
	EventReasonSandboxChanged      = "SandboxChanged"
	EventReasonFailedCreateSandbox = "FailedCreatePodSandBox"
	EventReasonFailedKillPod       = "FailedKillPod"
	EventReasonFailedSync          = "FailedSync"
	EventReasonNetworkNotReady     = "NetworkNotReady"
	EventReasonDeadlineExceeded    = ReasonPodDeadlineExceeded
	EventReasonEvicted             = ReasonEvicted
)

// Event is one event the kubelet records: its type (Normal or Warning),
// reason and message. Container events are recorded against the pod with
// the container's fieldPath (spec.containers{name}).
type Event struct {
	Type    string
	Reason  string
	Message string
}

func normal(reason, msg string) Event {
	return Event{Type: corev1.EventTypeNormal, Reason: reason, Message: msg}
}

func warning(reason, msg string) Event {
	return Event{Type: corev1.EventTypeWarning, Reason: reason, Message: msg}
}

// EventPulling: the kubelet starts pulling image (as written in the spec).
func EventPulling(image string) Event {
	return normal(EventReasonPulling, fmt.Sprintf("Pulling image %q", image))
}

// EventPulled: a pull succeeded. pull is the pull's own duration, total
// includes waiting for a pull slot; both are printed to the millisecond.
func EventPulled(image string, pull, total time.Duration, size int64) Event {
	return normal(EventReasonPulled, fmt.Sprintf("Successfully pulled image %q in %v (%v including waiting). Image size: %v bytes.",
		image, pull.Truncate(time.Millisecond), total.Truncate(time.Millisecond), size))
}

// EventImagePresent: the image is on the node and no pull is needed. With
// KubeletEnsureSecretPulledImages (beta, on since 1.35) the kubelet also
// says the pod may use it.
func EventImagePresent(image string) Event {
	return normal(EventReasonPulled, fmt.Sprintf("Container image %q already present on machine and can be accessed by the pod", image))
}

// EventPullFailed: a pull failed with the runtime's error.
func EventPullFailed(image, err string) Event {
	return warning(EventReasonFailed, fmt.Sprintf("Failed to pull image %q: %s", image, err))
}

// EventPullBackOff: a pull is held back. The event, unlike the waiting
// message, does not repeat the last error.
func EventPullBackOff(image string) Event {
	return normal(EventReasonBackOff, fmt.Sprintf("Back-off pulling image %q", image))
}

// EventImageNeverPull: the image is absent and the pull policy is Never.
func EventImageNeverPull(image string) Event {
	return warning(EventReasonErrImageNeverPull, ImageNeverPullMessage(image))
}

// EventInvalidImageName: the image name cannot be parsed.
func EventInvalidImageName(image, err string) Event {
	return warning(EventReasonInspectFailed, fmt.Sprintf("Failed to apply default image tag %q: %s", image, err))
}

// EventFailed is the Warning the kubelet records when starting a container
// fails, with the error's text: "Error: ErrImagePull",
// "Error: ImagePullBackOff", `Error: configmap "x" not found`.
func EventFailed(err string) Event {
	return warning(EventReasonFailed, "Error: "+err)
}

// EventCreated: the runtime created the container.
func EventCreated() Event { return normal(EventReasonCreated, "Container created") }

// EventStarted: the runtime started the container.
func EventStarted() Event { return normal(EventReasonStarted, "Container started") }

// EventKilling: the kubelet stops a container; message is one of the
// Killing* messages.
func EventKilling(message string) Event { return normal(EventReasonKilling, message) }

// Killing messages (kuberuntime_container.go killContainer and
// kuberuntime_manager.go computePodActions).

// KillingStopping is the message of a plain stop (deletion, pod completion).
func KillingStopping(container string) string { return "Stopping container " + container }

// KillingLiveness: a container failed its liveness probe.
func KillingLiveness(container string) string {
	return fmt.Sprintf("Container %s failed liveness probe, will be restarted", container)
}

// KillingStartup: a container failed its startup probe.
func KillingStartup(container string) string {
	return fmt.Sprintf("Container %s failed startup probe, will be restarted", container)
}

// KillingDefinitionChanged: a container's image changed.
func KillingDefinitionChanged(container string) string {
	return fmt.Sprintf("Container %s definition changed, will be restarted", container)
}

// KillingSidecarLiveness, KillingSidecarStartup and
// KillingSidecarDefinitionChanged are the same for a sidecar.
func KillingSidecarLiveness(container string) string {
	return fmt.Sprintf("Init container %s failed liveness probe", container)
}

// KillingSidecarStartup: see KillingSidecarLiveness.
func KillingSidecarStartup(container string) string {
	return fmt.Sprintf("Init container %s failed startup probe", container)
}

// KillingSidecarDefinitionChanged: see KillingSidecarLiveness.
func KillingSidecarDefinitionChanged(container string) string {
	return fmt.Sprintf("Init container %s definition changed", container)
}

// KillingPostStartHookFailed is, literally, the Killing message after a
// failed postStart hook.
const KillingPostStartHookFailed = "FailedPostStartHook"

// ProbeType names a probe in Unhealthy events: "Liveness", "Readiness",
// "Startup".
type ProbeType string

const (
	ProbeLiveness  ProbeType = "Liveness"
	ProbeReadiness ProbeType = "Readiness"
	ProbeStartup   ProbeType = "Startup"
)

// EventProbeFailed: a probe failed with output, e.g.
// "Liveness probe failed: HTTP probe failed with statuscode: 500".
func EventProbeFailed(probe ProbeType, output string) Event {
	return warning(EventReasonUnhealthy, fmt.Sprintf("%s probe failed: %s", probe, output))
}

// EventProbeErrored: a probe could not be run.
func EventProbeErrored(probe ProbeType, err string) Event {
	return warning(EventReasonUnhealthy, fmt.Sprintf("%s probe errored: %s", probe, err))
}

// EventProbeWarning: a probe succeeded with a warning (e.g. a redirect).
func EventProbeWarning(probe ProbeType, output string) Event {
	return warning(EventReasonProbeWarning, fmt.Sprintf("%s probe warning: %s", probe, output))
}

// EventPostStartHookFailed and EventPreStopHookFailed do not carry the
// hook's output, so that secrets do not leak into events.
func EventPostStartHookFailed() Event {
	return warning(EventReasonFailedPostStartHook, "PostStartHook failed")
}

// EventPreStopHookFailed: see EventPostStartHookFailed.
func EventPreStopHookFailed() Event {
	return warning(EventReasonFailedPreStopHook, "PreStopHook failed")
}

// EventBackOff: a container's restart is held back (CrashLoopBackOff).
func EventBackOff(container string, pod *corev1.Pod) Event {
	return warning(EventReasonBackOff, fmt.Sprintf("Back-off restarting failed container %s in pod %s", container, PodDesc(pod)))
}

// EventDeadlineExceeded: the pod ran past spec.activeDeadlineSeconds.
func EventDeadlineExceeded() Event {
	return normal(EventReasonDeadlineExceeded, MessageDeadlineExceeded)
}

// EventEvicted: the eviction manager evicts the pod.
func EventEvicted(message string) Event { return warning(EventReasonEvicted, message) }

// EventFailedMount: a volume could not be set up, e.g.
// `MountVolume.SetUp failed for volume "config" : configmap "x" not found`.
func EventFailedMount(volume, err string) Event {
	return warning(EventReasonFailedMount, fmt.Sprintf("MountVolume.SetUp failed for volume %q : %s", volume, err))
}

// EventSandboxChanged: the sandbox died and will be recreated.
func EventSandboxChanged() Event {
	return normal(EventReasonSandboxChanged, "Pod sandbox changed, it will be killed and re-created.")
}

// EventFailedCreateSandbox: the sandbox could not be created.
func EventFailedCreateSandbox(err string) Event {
	return warning(EventReasonFailedCreateSandbox, "Failed to create pod sandbox: "+err)
}
