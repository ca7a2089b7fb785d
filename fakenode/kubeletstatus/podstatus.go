package kubeletstatus

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// Status is the outcome of one status sync.
type Status struct {
	// Cached is the kubelet's own record of the pod's status (the status
	// manager's cache). Pass it as cached to the next PodStatus call.
	Cached corev1.PodStatus
	// API is the status to write to the API server: Cached merged with the
	// API's status (mergePodStatus). It keeps the conditions the kubelet
	// does not own and the resource claim statuses, holds a terminal phase
	// back while a container may still run, and never reports a terminal
	// pod ready.
	API corev1.PodStatus
}

// PodStatus computes the pod's status from its runtime state, as one
// kubelet sync does. cached is the Cached of the previous call, or nil on
// the first (the API status, pod.Status, stands in for it). now stamps
// condition transitions and the start time. The error reports a status
// the kubelet refuses to write: bad input, or a container leaving the
// terminated state although its restart policy forbids it (the status
// manager's "illegal transition"); keep the previous status then.
func PodStatus(pod *corev1.Pod, state PodRuntimeState, cached *corev1.PodStatus, now time.Time) (Status, error) {
	if pod == nil {
		return Status{}, fmt.Errorf("pod status: nil pod")
	}
	recs, err := indexRecords(&state)
	if err != nil {
		return Status{}, fmt.Errorf("pod %s/%s: %w", pod.Namespace, pod.Name, err)
	}
	old := &pod.Status
	if cached != nil {
		old = cached
	}
	s := generate(pod, &state, recs, old, now)
	if state.Evict != nil {
		applyEviction(&s, pod, state.Evict, now)
	}
	if err := checkTransitions(old, &s, &pod.Spec); err != nil {
		return Status{}, fmt.Errorf("pod %s/%s: status update aborted: %w", pod.Namespace, pod.Name, err)
	}
	cache(&s, old, pod, now)
	if state.Finished {
		prev := s.DeepCopy()
		terminate(pod, &s)
		cache(&s, prev, pod, now)
	}
	api := merge(&pod.Status, &s, couldHaveRunningContainers(&state, recs), now)
	return Status{Cached: s, API: api}, nil
}

// generate is generateAPIPodStatus: the container statuses, the phase and
// the kubelet's conditions.
func generate(pod *corev1.Pod, state *PodRuntimeState, recs records, old *corev1.PodStatus, now time.Time) corev1.PodStatus {
	var s corev1.PodStatus
	setNetwork(&s, pod, state, old)
	s.QOSClass = QOSClass(pod)
	cv := newConverter(pod, state, recs)
	s.ContainerStatuses = cv.statuses(pod.Spec.Containers, old.ContainerStatuses, kindRegular)
	s.InitContainerStatuses = cv.statuses(pod.Spec.InitContainers, old.InitContainerStatuses, kindInit)
	s.EphemeralContainerStatuses = cv.statuses(ephemeralContainers(pod), old.EphemeralContainerStatuses, kindEphemeral)
	// Upstream applies the probe verdicts after the phase, so the phase
	// sees a sidecar's Started of the previous sync; using the fresh one
	// only moves that by one sync.
	applyProbes(s.ContainerStatuses, pod.Spec.Containers, recs, false)
	applyProbes(s.InitContainerStatuses, pod.Spec.InitContainers, recs, true)
	all := append(append([]corev1.ContainerStatus{}, s.ContainerStatuses...), s.InitContainerStatuses...)
	s.Phase = Phase(pod, all, state.Terminal || state.Finished, anyRegularRun(pod, recs))
	settlePhase(&s, pod, state, old)
	s.Conditions = podConditions(pod, state, &s, old)
	return s
}

// settlePhase: a terminal phase never goes back, the reason and message
// stay with an unchanged phase, and the active deadline fails the pod.
func settlePhase(s *corev1.PodStatus, pod *corev1.Pod, state *PodRuntimeState, old *corev1.PodStatus) {
	if !terminal(s.Phase) {
		switch {
		case terminal(old.Phase):
			s.Phase = old.Phase
		case terminal(pod.Status.Phase):
			s.Phase = pod.Status.Phase
		}
	}
	if s.Phase == old.Phase {
		s.Reason, s.Message = old.Reason, old.Message
		if s.Reason == "" {
			s.Reason = pod.Status.Reason
		}
		if s.Message == "" {
			s.Message = pod.Status.Message
		}
	}
	if state.DeadlineExceeded {
		s.Phase = corev1.PodFailed
		s.Reason = ReasonPodDeadlineExceeded
		s.Message = MessageDeadlineExceeded
	}
	if terminal(pod.Status.Phase) && s.Phase != pod.Status.Phase {
		s.Phase = pod.Status.Phase
	}
}

// podConditions: the API's conditions the kubelet does not own, the
// DisruptionTarget the kubelet set itself, then the kubelet's own in
// upstream's order.
func podConditions(pod *corev1.Pod, state *PodRuntimeState, s, old *corev1.PodStatus) []corev1.PodCondition {
	var conds []corev1.PodCondition
	for _, c := range pod.Status.Conditions {
		if !ownedByKubelet(c.Type) {
			conds = append(conds, c)
		}
	}
	if dt := findCondition(old.Conditions, corev1.DisruptionTarget); dt != nil {
		conds = replaceOrAppend(conds, *dt)
	}
	all := append(append([]corev1.ContainerStatus{}, s.InitContainerStatuses...), s.ContainerStatuses...)
	conds = append(conds, ReadyToStartContainersCondition(pod, state.SandboxReady, state.SandboxMessage))
	conds = append(conds, InitializedCondition(pod, all, s.Phase))
	conds = append(conds, ReadyCondition(pod, conds, all, s.Phase))
	conds = append(conds, ContainersReadyCondition(pod, all, s.Phase))
	conds = append(conds, corev1.PodCondition{Type: corev1.PodScheduled, ObservedGeneration: pod.Generation, Status: corev1.ConditionTrue})
	return conds
}

// applyEviction is the eviction manager's (or node shutdown manager's)
// status function.
func applyEviction(s *corev1.PodStatus, pod *corev1.Pod, ev *Eviction, now time.Time) {
	s.Phase = corev1.PodFailed
	s.Reason = ev.Reason
	s.Message = ev.Message
	if ev.DisruptionTarget {
		updateCondition(s, corev1.PodCondition{
			Type:               corev1.DisruptionTarget,
			ObservedGeneration: pod.Generation,
			Status:             corev1.ConditionTrue,
			Reason:             ReasonTerminationByKubelet,
			Message:            ev.Message,
		}, now)
	}
}

func terminal(p corev1.PodPhase) bool { return p == corev1.PodSucceeded || p == corev1.PodFailed }

// anyRegularRun: a regular container has a run in the runtime, so the pod
// was initialized (HasAnyActiveRegularContainerStarted).
func anyRegularRun(pod *corev1.Pod, recs records) bool {
	for _, c := range pod.Spec.Containers {
		if recs.latest(c.Name) != nil {
			return true
		}
	}
	return false
}

// couldHaveRunningContainers stands for the pod worker's verdict: some run
// is, or may be, still going.
func couldHaveRunningContainers(state *PodRuntimeState, recs records) bool {
	if state.Finished {
		return false
	}
	for _, rec := range recs {
		if rec.Latest != nil && rec.Latest.State != InstanceExited {
			return true
		}
	}
	return false
}

func ephemeralContainers(pod *corev1.Pod) []corev1.Container {
	if len(pod.Spec.EphemeralContainers) == 0 {
		return nil
	}
	out := make([]corev1.Container, 0, len(pod.Spec.EphemeralContainers))
	for _, ec := range pod.Spec.EphemeralContainers {
		out = append(out, corev1.Container(ec.EphemeralContainerCommon))
	}
	return out
}
