package printers

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// nodeLostReason is the pod status reason the node lifecycle controller sets
// on pods of an unreachable node (k8s.io/kubernetes pkg/util/node).
const nodeLostReason = "NodeLost"

// podSummary is what the READY, STATUS and RESTARTS columns of a pod show.
type podSummary struct {
	ready, total int
	reason       string
	restarts     int
	lastRestart  metav1.Time
}

// summarizePod reproduces the status logic of upstream's printPod: the phase
// (or status reason) is overridden by scheduling gates, then by the first
// init container that has not finished, then by the containers' own waiting
// or terminated reasons, and finally by deletion.
func summarizePod(pod *corev1.Pod) podSummary {
	s := podSummary{total: len(pod.Spec.Containers), reason: string(pod.Status.Phase)}
	if pod.Status.Reason != "" {
		s.reason = pod.Status.Reason
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Reason == corev1.PodReasonSchedulingGated {
			s.reason = corev1.PodReasonSchedulingGated
		}
	}

	// Sidecars (restartable init containers) count as containers.
	sidecars := map[string]bool{}
	for i := range pod.Spec.InitContainers {
		if isSidecar(&pod.Spec.InitContainers[i]) {
			sidecars[pod.Spec.InitContainers[i].Name] = true
			s.total++
		}
	}

	initializing, sidecarRestarts, sidecarLastRestart := s.addInitContainers(pod, sidecars)
	if !initializing || podInitialized(pod) {
		// Once initialized, only sidecar restarts still count among the
		// init containers'.
		s.restarts, s.lastRestart = sidecarRestarts, sidecarLastRestart
		s.addContainers(pod)
	}

	if pod.DeletionTimestamp != nil {
		switch {
		case pod.Status.Reason == nodeLostReason:
			s.reason = "Unknown"
		case pod.Status.Phase != corev1.PodSucceeded && pod.Status.Phase != corev1.PodFailed:
			s.reason = "Terminating"
		}
	}
	return s
}

// addInitContainers walks the init container statuses up to the first one
// still holding the pod back, setting "Init:..." reasons. It reports whether
// the pod is still initializing, and the restarts of sidecars seen.
func (s *podSummary) addInitContainers(pod *corev1.Pod, sidecars map[string]bool) (initializing bool, sidecarRestarts int, sidecarLast metav1.Time) {
	for i, st := range pod.Status.InitContainerStatuses {
		s.restarts += int(st.RestartCount)
		s.lastRestart = later(s.lastRestart, st.LastTerminationState)
		if sidecars[st.Name] {
			sidecarRestarts += int(st.RestartCount)
			sidecarLast = later(sidecarLast, st.LastTerminationState)
		}
		switch {
		case st.State.Terminated != nil && st.State.Terminated.ExitCode == 0:
			continue
		case sidecars[st.Name] && st.Started != nil && *st.Started:
			if st.Ready {
				s.ready++
			}
			continue
		case st.State.Terminated != nil:
			s.reason = "Init:" + terminatedReason(st.State.Terminated)
		case st.State.Waiting != nil && st.State.Waiting.Reason != "" && st.State.Waiting.Reason != "PodInitializing":
			s.reason = "Init:" + st.State.Waiting.Reason
		default:
			s.reason = fmt.Sprintf("Init:%d/%d", i, len(pod.Spec.InitContainers))
		}
		return true, sidecarRestarts, sidecarLast
	}
	return false, sidecarRestarts, sidecarLast
}

// addContainers walks the regular containers from last to first, so the
// first container's state wins the STATUS column.
func (s *podSummary) addContainers(pod *corev1.Pod) {
	hasRunning := false
	errorReason := ""
	for i := len(pod.Status.ContainerStatuses) - 1; i >= 0; i-- {
		st := pod.Status.ContainerStatuses[i]
		s.restarts += int(st.RestartCount)
		s.lastRestart = later(s.lastRestart, st.LastTerminationState)
		switch {
		case st.State.Waiting != nil && st.State.Waiting.Reason != "":
			s.reason = st.State.Waiting.Reason
		case st.State.Terminated != nil:
			s.reason = terminatedReason(st.State.Terminated)
			if st.State.Terminated.ExitCode != 0 {
				errorReason = s.reason
			}
		case st.Ready && st.State.Running != nil:
			hasRunning = true
			s.ready++
		}
	}
	// A pod whose first container completed while others still run is
	// running (or not ready), unless another container failed.
	if s.reason == "Completed" {
		switch {
		case hasRunning && podReady(pod):
			s.reason = "Running"
		case errorReason != "":
			s.reason = errorReason
		case hasRunning:
			s.reason = "NotReady"
		}
	}
}

// terminatedReason is a terminated state's reason, or "Signal:N" /
// "ExitCode:N" when the runtime gave none.
func terminatedReason(t *corev1.ContainerStateTerminated) string {
	switch {
	case t.Reason != "":
		return t.Reason
	case t.Signal != 0:
		return fmt.Sprintf("Signal:%d", t.Signal)
	default:
		return fmt.Sprintf("ExitCode:%d", t.ExitCode)
	}
}

// later returns the later of last and the finish time of a previous
// termination.
func later(last metav1.Time, previous corev1.ContainerState) metav1.Time {
	if t := previous.Terminated; t != nil && last.Before(&t.FinishedAt) {
		return t.FinishedAt
	}
	return last
}

// isSidecar reports a restartable init container (restartPolicy: Always).
func isSidecar(c *corev1.Container) bool {
	return c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways
}

// podReady reports whether any Ready condition is True (upstream's
// hasPodReadyCondition looks at all of them, not just the first).
func podReady(pod *corev1.Pod) bool {
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
			return true
		}
	}
	return false
}

// podInitialized reports whether the first Initialized condition is True.
func podInitialized(pod *corev1.Pod) bool {
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodInitialized {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}
