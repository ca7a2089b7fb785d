package kubeletstatus

import (
	corev1 "k8s.io/api/core/v1"
)

// phaseCounts tallies the containers of a pod for Phase.
type phaseCounts struct {
	pendingInit, pendingSidecars, failedInitNotRestartable               int
	unknown, running, waiting, stopped, stoppedNotRestartable, succeeded int
}

// Phase is the pod phase the kubelet computes from the container statuses
// (init and regular in one list), as kubelet_pods.go getPhase with
// ContainerRestartRules on:
//
//   - Failed when a regular init container failed and will not be
//     restarted (with restartPolicy Never, or its own rules say so);
//   - Pending while a regular init container has not succeeded, while a
//     sidecar has not started (unless the pod was initialized before:
//     podHasInitialized), or while a regular container has not run yet;
//   - Running when every regular container has run and one still runs;
//   - when all have stopped: Succeeded if all exited 0 and none will be
//     restarted, Failed if one failed and none will be restarted, Running
//     while one will be restarted. So with restartPolicy Always the pod
//     stays Running, with OnFailure until every container succeeded, and
//     with Never it ends at the first stop of the last container.
//
// A terminal pod (podIsTerminal: the kubelet stopped it for good) whose
// containers all stopped is Succeeded or Failed whatever the policy.
// Sidecars never decide the outcome. Static pods, which upstream keeps out
// of the terminal rule, do not exist here.
func Phase(pod *corev1.Pod, statuses []corev1.ContainerStatus, podIsTerminal, podHasInitialized bool) corev1.PodPhase {
	var n phaseCounts
	byName := make(map[string]*corev1.ContainerStatus, len(statuses))
	for i := range statuses {
		byName[statuses[i].Name] = &statuses[i]
	}
	for i := range pod.Spec.InitContainers {
		c := &pod.Spec.InitContainers[i]
		if IsRestartableInitContainer(c) {
			n.countSidecar(byName[c.Name])
		} else {
			n.countInit(c, &pod.Spec, byName[c.Name])
		}
	}
	for i := range pod.Spec.Containers {
		c := &pod.Spec.Containers[i]
		n.countRegular(c, &pod.Spec, byName[c.Name])
	}
	return n.phase(podIsTerminal, podHasInitialized)
}

func (n *phaseCounts) countInit(c *corev1.Container, spec *corev1.PodSpec, st *corev1.ContainerStatus) {
	switch {
	case st == nil, st.State.Running != nil:
		n.pendingInit++
	case st.State.Terminated != nil:
		if code := st.State.Terminated.ExitCode; code != 0 && !ContainerShouldRestart(c, spec, code) {
			n.failedInitNotRestartable++
		}
	case st.State.Waiting != nil && st.LastTerminationState.Terminated != nil:
		if code := st.LastTerminationState.Terminated.ExitCode; code != 0 && !ContainerShouldRestart(c, spec, code) {
			n.failedInitNotRestartable++
		}
	default:
		n.pendingInit++
	}
}

// countSidecar: a sidecar that stopped does not count; one that runs
// counts as running, and as pending until it has started.
func (n *phaseCounts) countSidecar(st *corev1.ContainerStatus) {
	switch {
	case st == nil:
		n.unknown++
	case st.State.Running != nil:
		if st.Started == nil || !*st.Started {
			n.pendingSidecars++
		}
		n.running++
	case st.State.Terminated != nil:
	case st.State.Waiting != nil:
		if st.LastTerminationState.Terminated == nil {
			n.pendingSidecars++
			n.waiting++
		}
	default:
		n.pendingSidecars++
		n.unknown++
	}
}

func (n *phaseCounts) countRegular(c *corev1.Container, spec *corev1.PodSpec, st *corev1.ContainerStatus) {
	switch {
	case st == nil:
		n.unknown++
	case st.State.Running != nil:
		n.running++
	case st.State.Terminated != nil:
		n.stop(c, spec, st.State.Terminated.ExitCode)
	case st.State.Waiting != nil && st.LastTerminationState.Terminated != nil:
		// Waiting to be restarted: counts as stopped, but only the exit
		// code decides whether it is restartable; a restarting container
		// never counts as succeeded.
		n.stopped++
		if !ContainerShouldRestart(c, spec, st.LastTerminationState.Terminated.ExitCode) {
			n.stoppedNotRestartable++
		}
	case st.State.Waiting != nil:
		n.waiting++
	default:
		n.unknown++
	}
}

func (n *phaseCounts) stop(c *corev1.Container, spec *corev1.PodSpec, code int32) {
	n.stopped++
	if !ContainerShouldRestart(c, spec, code) {
		n.stoppedNotRestartable++
	}
	if code == 0 {
		n.succeeded++
	}
}

func (n *phaseCounts) phase(podIsTerminal, podHasInitialized bool) corev1.PodPhase {
	if n.failedInitNotRestartable > 0 {
		return corev1.PodFailed
	}
	switch {
	case n.pendingInit > 0 || (n.pendingSidecars > 0 && !podHasInitialized) || n.waiting > 0:
		return corev1.PodPending
	case n.running > 0 && n.unknown == 0:
		return corev1.PodRunning
	case n.running == 0 && n.stopped > 0 && n.unknown == 0:
		if podIsTerminal {
			if n.stopped == n.succeeded {
				return corev1.PodSucceeded
			}
			return corev1.PodFailed
		}
		if n.stopped != n.stoppedNotRestartable {
			return corev1.PodRunning
		}
		if n.stopped == n.succeeded {
			return corev1.PodSucceeded
		}
		return corev1.PodFailed
	default:
		return corev1.PodPending
	}
}
