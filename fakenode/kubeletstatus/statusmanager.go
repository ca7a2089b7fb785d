package kubeletstatus

import (
	"fmt"
	"sort"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The status manager's rules (pkg/kubelet/status/status_manager.go).

// kubeletTransitionTypes are the conditions whose LastTransitionTime the
// status manager keeps while their status does not change.
var kubeletTransitionTypes = []corev1.PodConditionType{
	corev1.ContainersReady, corev1.PodReady, corev1.PodInitialized,
	corev1.PodReadyToStartContainers, corev1.PodScheduled, corev1.DisruptionTarget,
}

// checkTransitions refuses a status in which a container leaves the
// terminated state although it may not be restarted
// (checkContainerStateTransition). Upstream asks the pod's restartPolicy;
// here each container's own policy and rules decide, as they decide its
// restarts.
func checkTransitions(old, s *corev1.PodStatus, spec *corev1.PodSpec) error {
	check := func(olds, news []corev1.ContainerStatus, containers []corev1.Container, what string) error {
		for _, o := range olds {
			if o.State.Terminated == nil {
				continue
			}
			c := containerByName(containers, o.Name)
			if c == nil || IsRestartableInitContainer(c) || ContainerShouldRestart(c, spec, o.State.Terminated.ExitCode) {
				continue
			}
			if n, ok := findStatus(news, o.Name); ok && n.State.Terminated == nil {
				return fmt.Errorf("terminated %s %v attempted illegal transition to non-terminated state", what, o.Name)
			}
		}
		return nil
	}
	if err := check(old.ContainerStatuses, s.ContainerStatuses, spec.Containers, "container"); err != nil {
		return err
	}
	return check(old.InitContainerStatuses, s.InitContainerStatuses, spec.InitContainers, "init container")
}

func containerByName(containers []corev1.Container, name string) *corev1.Container {
	for i := range containers {
		if containers[i].Name == name {
			return &containers[i]
		}
	}
	return nil
}

// cache is updateStatusInternal and SetPodStatus: transition times, the
// start time that never changes once set, the observed generation, and
// normalization.
func cache(s, old *corev1.PodStatus, pod *corev1.Pod, now time.Time) {
	for _, t := range kubeletTransitionTypes {
		keepTransitionTime(s, old, t, now)
	}
	switch {
	case old.StartTime != nil && !old.StartTime.IsZero():
		s.StartTime = old.StartTime.DeepCopy()
	case s.StartTime.IsZero():
		t := metav1.NewTime(now)
		s.StartTime = &t
	}
	s.ObservedGeneration = pod.Generation
	normalize(pod, s)
}

// normalize cuts timestamps to seconds, as the API stores them, shares the
// pod's termination message budget among its containers, and sorts the
// statuses (normalizeStatus).
func normalize(pod *corev1.Pod, s *corev1.PodStatus) {
	perStatus := MaxPodTerminationMessageLogLength
	if n := len(pod.Spec.Containers) + len(pod.Spec.InitContainers) + len(pod.Spec.EphemeralContainers); n > 0 {
		perStatus /= n
	}
	seconds := func(t *metav1.Time) { *t = t.Rfc3339Copy() }
	state := func(c *corev1.ContainerState) {
		if c.Running != nil {
			seconds(&c.Running.StartedAt)
		}
		if c.Terminated != nil {
			seconds(&c.Terminated.StartedAt)
			seconds(&c.Terminated.FinishedAt)
			if len(c.Terminated.Message) > perStatus {
				c.Terminated.Message = c.Terminated.Message[:perStatus]
			}
		}
	}
	if s.StartTime != nil {
		seconds(s.StartTime)
	}
	for i := range s.Conditions {
		seconds(&s.Conditions[i].LastProbeTime)
		seconds(&s.Conditions[i].LastTransitionTime)
	}
	for _, list := range [][]corev1.ContainerStatus{s.ContainerStatuses, s.InitContainerStatuses, s.EphemeralContainerStatuses} {
		for i := range list {
			state(&list[i].State)
			state(&list[i].LastTerminationState)
		}
	}
	byName := func(l []corev1.ContainerStatus) {
		sort.SliceStable(l, func(i, j int) bool { return l[i].Name < l[j].Name })
	}
	byName(s.ContainerStatuses)
	byName(s.EphemeralContainerStatuses)
	sortInitStatuses(pod, s.InitContainerStatuses)
}

// sortInitStatuses puts init container statuses in the spec's order;
// statuses of unknown containers go last.
func sortInitStatuses(pod *corev1.Pod, l []corev1.ContainerStatus) {
	index := make(map[string]int, len(pod.Spec.InitContainers))
	for i, c := range pod.Spec.InitContainers {
		index[c.Name] = i
	}
	pos := func(name string) int {
		if i, ok := index[name]; ok {
			return i
		}
		return len(index)
	}
	sort.SliceStable(l, func(i, j int) bool { return pos(l[i].Name) < pos(l[j].Name) })
}

// terminate is TerminatePod, the last word on a pod the kubelet finished
// terminating: a container of an initialized pod without an exit, and an
// init container that was tried but has no exit, are reported failed with
// exit code 137; a phase that is not terminal becomes Failed.
func terminate(pod *corev1.Pod, s *corev1.PodStatus) {
	lost := func() corev1.ContainerState {
		return corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
			Reason:   ReasonContainerStatusUnknown,
			Message:  MessageContainerLostOnTermination,
			ExitCode: ExitCodeLost,
		}}
	}
	if hasPodInitialized(pod) {
		for i := range s.ContainerStatuses {
			if s.ContainerStatuses[i].State.Terminated == nil {
				s.ContainerStatuses[i].State = lost()
			}
		}
	}
	tried := triedInitContainers(s.InitContainerStatuses)
	for i := range tried {
		if tried[i].State.Terminated == nil {
			tried[i].State = lost()
		}
	}
	if !terminal(s.Phase) {
		s.Phase = corev1.PodFailed
	}
}

// hasPodInitialized: the API status shows that the pod's init containers
// completed (status_manager.go hasPodInitialized).
func hasPodInitialized(pod *corev1.Pod) bool {
	if len(pod.Spec.InitContainers) == 0 {
		return true
	}
	for _, st := range pod.Status.ContainerStatuses {
		if st.LastTerminationState.Terminated != nil || st.State.Waiting == nil {
			return true
		}
	}
	l := len(pod.Status.InitContainerStatuses)
	if l == 0 || l > len(pod.Spec.InitContainers) || pod.Spec.InitContainers[l-1].Name != pod.Status.InitContainerStatuses[l-1].Name {
		return false
	}
	c, st := &pod.Spec.InitContainers[l-1], pod.Status.InitContainerStatuses[l-1]
	if IsRestartableInitContainer(c) {
		return st.State.Running != nil && st.Started != nil && *st.Started
	}
	if t := st.LastTerminationState.Terminated; t != nil && t.ExitCode == 0 {
		return true
	}
	t := st.State.Terminated
	return t != nil && t.ExitCode == 0
}

// triedInitContainers drops the trailing init containers that never
// started; the first one always counts (initializedContainers).
func triedInitContainers(l []corev1.ContainerStatus) []corev1.ContainerStatus {
	for i := len(l) - 1; i >= 0; i-- {
		if l[i].State.Waiting == nil || l[i].LastTerminationState.Terminated != nil {
			return l[:i+1]
		}
	}
	if len(l) > 0 {
		return l[:1]
	}
	return nil
}

// merge is mergePodStatus: what goes to the API server.
func merge(api, s *corev1.PodStatus, couldHaveRunning bool, now time.Time) corev1.PodStatus {
	out := *s.DeepCopy()
	var conds []corev1.PodCondition
	for _, c := range api.Conditions {
		if !ownedByKubelet(c.Type) {
			conds = append(conds, c)
		}
	}
	toTerminal := !terminal(api.Phase) && terminal(s.Phase)
	for _, c := range s.Conditions {
		switch {
		case ownedByKubelet(c.Type):
			conds = append(conds, c)
		case c.Type == corev1.DisruptionTarget && toTerminal && !couldHaveRunning:
			// Sent only with the terminal phase, stamped when it is sent.
			keepTransitionTime(&out, api, c.Type, now)
			conds = replaceOrAppend(conds, *findCondition(out.Conditions, c.Type))
		}
	}
	out.Conditions = conds
	out.ResourceClaimStatuses = deepCopyClaims(api.ResourceClaimStatuses)
	out.ExtendedResourceClaimStatus = api.ExtendedResourceClaimStatus.DeepCopy()
	out.NodeAllocatableResourceClaimStatuses = nil
	for _, c := range api.NodeAllocatableResourceClaimStatuses {
		out.NodeAllocatableResourceClaimStatuses = append(out.NodeAllocatableResourceClaimStatuses, *c.DeepCopy())
	}
	if toTerminal && couldHaveRunning {
		out.Phase, out.Reason, out.Message = api.Phase, api.Reason, api.Message
	}
	if terminal(out.Phase) && (conditionTrue(&out, corev1.PodReady) || conditionTrue(&out, corev1.ContainersReady)) {
		reason := ReasonPodCompleted
		if out.Phase == corev1.PodFailed {
			reason = ReasonPodFailed
		}
		for _, t := range []corev1.PodConditionType{corev1.ContainersReady, corev1.PodReady} {
			updateCondition(&out, corev1.PodCondition{Type: t, ObservedGeneration: out.ObservedGeneration, Status: corev1.ConditionFalse, Reason: reason}, now)
		}
	}
	return out
}

func conditionTrue(s *corev1.PodStatus, t corev1.PodConditionType) bool {
	c := findCondition(s.Conditions, t)
	return c != nil && c.Status == corev1.ConditionTrue
}

func deepCopyClaims(in []corev1.PodResourceClaimStatus) []corev1.PodResourceClaimStatus {
	var out []corev1.PodResourceClaimStatus
	for i := range in {
		out = append(out, *in[i].DeepCopy())
	}
	return out
}
