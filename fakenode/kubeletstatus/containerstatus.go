package kubeletstatus

import (
	"sort"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// containerKind says which list of the spec a container is in.
type containerKind int

const (
	kindRegular containerKind = iota
	kindInit
	kindEphemeral
)

// converter turns runtime records into API container statuses
// (kubelet_pods.go convertToAPIContainerStatuses).
type converter struct {
	pod               *corev1.Pod
	state             *PodRuntimeState
	recs              records
	anyRegularCreated bool // kuberuntime.HasAnyRegularContainerCreated
}

func newConverter(pod *corev1.Pod, state *PodRuntimeState, recs records) *converter {
	cv := &converter{pod: pod, state: state, recs: recs}
	for _, c := range pod.Spec.Containers {
		if in := recs.latest(c.Name); in != nil && in.State != InstanceUnknown {
			cv.anyRegularCreated = true
		}
	}
	return cv
}

func (cv *converter) defaultWaitingReason() string {
	if len(cv.pod.Spec.InitContainers) > 0 {
		return ReasonPodInitializing
	}
	return ReasonContainerCreating
}

// statuses builds the statuses of one list of containers from the runtime
// records and the previous statuses.
func (cv *converter) statuses(containers []corev1.Container, previous []corev1.ContainerStatus, kind containerKind) []corev1.ContainerStatus {
	if len(containers) == 0 {
		return nil
	}
	old := make(map[string]*corev1.ContainerStatus, len(previous))
	for i := range previous {
		old[previous[i].Name] = &previous[i]
	}
	byName := make(map[string]*corev1.ContainerStatus, len(containers))
	for i := range containers {
		byName[containers[i].Name] = cv.defaultStatus(&containers[i], old[containers[i].Name])
	}
	for i := range containers {
		c := &containers[i]
		if cv.recs.latest(c.Name) == nil {
			cv.markVanished(byName[c.Name], old[c.Name])
			continue
		}
		byName[c.Name] = cv.convert(c, cv.recs[c.Name], old[c.Name])
	}
	for i := range containers {
		cv.applyWaiting(&containers[i], byName[containers[i].Name], kind)
	}
	out := make([]corev1.ContainerStatus, 0, len(containers))
	for i := range containers {
		out = append(out, *byName[containers[i].Name])
	}
	if kind != kindInit {
		// Init containers keep the spec's order, the others are by name.
		sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	}
	return out
}

// defaultStatus is the status of a container the runtime has no run of:
// waiting with the default reason, keeping the restart count and last
// state; a container that had terminated keeps its old status whole.
func (cv *converter) defaultStatus(c *corev1.Container, old *corev1.ContainerStatus) *corev1.ContainerStatus {
	if old != nil && old.State.Terminated != nil {
		return old.DeepCopy()
	}
	st := &corev1.ContainerStatus{
		Name:         c.Name,
		Image:        c.Image,
		State:        corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: cv.defaultWaitingReason()}},
		VolumeMounts: volumeMountStatuses(c, cv.state.RuntimeSupportsRecursiveReadOnly),
	}
	if old != nil {
		st.RestartCount = old.RestartCount
		st.LastTerminationState = *old.LastTerminationState.DeepCopy()
	}
	return st
}

// markVanished: a container that was running and has no run any more must
// have ended, though nobody saw its exit; say so in lastState rather than
// letting the default waiting state put the pod back to Pending.
func (cv *converter) markVanished(st, old *corev1.ContainerStatus) {
	if old == nil || old.State.Terminated != nil || old.State.Running == nil {
		return
	}
	if st.State.Waiting == nil || st.State.Waiting.Reason != cv.defaultWaitingReason() {
		return
	}
	if st.LastTerminationState.Terminated != nil {
		return
	}
	st.LastTerminationState.Terminated = &corev1.ContainerStateTerminated{
		Reason:   ReasonContainerStatusUnknown,
		Message:  MessageContainerLostOnDeletion,
		ExitCode: ExitCodeLost,
	}
	if cv.pod.DeletionTimestamp == nil {
		st.RestartCount++
	}
}

// convert is the status of a container with a run in the runtime.
func (cv *converter) convert(c *corev1.Container, rec *ContainerRuntimeState, old *corev1.ContainerStatus) *corev1.ContainerStatus {
	st := &corev1.ContainerStatus{
		Name:         c.Name,
		RestartCount: rec.RestartCount,
		Image:        rec.Image,
		ImageID:      rec.ImageID,
		ContainerID:  rec.Latest.ID,
		VolumeMounts: volumeMountStatuses(c, cv.state.RuntimeSupportsRecursiveReadOnly),
	}
	if st.Image == "" {
		st.Image = c.Image
	}
	var bump bool
	st.State, bump = instanceState(rec.Latest, old)
	if bump {
		st.RestartCount = old.RestartCount + 1
	}
	if rec.Previous != nil {
		st.LastTerminationState, _ = instanceState(rec.Previous, old)
	}
	if rec.Latest.State == InstanceRunning && old != nil && old.Started != nil {
		started := *old.Started
		st.Started = &started
	}
	st.Resources = statusResources(c, rec)
	if len(c.Resources.Requests) > 0 {
		st.AllocatedResources = c.Resources.Requests.DeepCopy()
	}
	if rec.User != nil {
		st.User = rec.User.DeepCopy()
	}
	return st
}

// instanceState is the API state of one run. It reports true when the
// restart count must grow because a run the kubelet saw running was lost.
func instanceState(in *Instance, old *corev1.ContainerStatus) (corev1.ContainerState, bool) {
	switch in.State {
	case InstanceRunning:
		return corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: metav1.NewTime(in.StartedAt)}}, false
	case InstanceExited:
		reason := in.Reason
		if reason == "" {
			reason = TerminatedReason(in.ExitCode)
		}
		return corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
			ExitCode:    in.ExitCode,
			Signal:      in.Signal,
			Reason:      reason,
			Message:     in.Message,
			StartedAt:   metav1.NewTime(in.StartedAt),
			FinishedAt:  metav1.NewTime(in.FinishedAt),
			ContainerID: in.ID,
		}}, false
	case InstanceUnknown:
		if old != nil && old.State.Running != nil {
			return corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
				Reason:   ReasonContainerStatusUnknown,
				Message:  MessageContainerLostOnTermination,
				ExitCode: ExitCodeLost,
			}}, true
		}
	}
	// Created, and Unknown without a known previous run, are "waiting".
	return corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{}}, false
}

// applyWaiting shows the kubelet's reason for not running a container that
// it is going to start (the reason cache); a finished init container and
// a lost init container of an initialized pod are left alone.
func (cv *converter) applyWaiting(c *corev1.Container, st *corev1.ContainerStatus, kind containerKind) {
	rec := cv.recs[c.Name]
	latest := cv.recs.latest(c.Name)
	if kind == kindInit {
		if latest != nil && latest.State == InstanceExited && latest.ExitCode == 0 {
			return
		}
		if latest == nil && cv.anyRegularCreated && !IsRestartableInitContainer(c) && st.State.Waiting != nil {
			st.State = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
				Reason:  ReasonCompleted,
				Message: MessageInitContainerAssumedDone,
			}}
			return
		}
	}
	if !ShouldRestart(cv.pod, c, latest) || rec == nil || rec.Waiting == nil {
		return
	}
	if st.State.Terminated != nil {
		st.LastTerminationState = st.State
	}
	st.State = corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{
		Reason:  rec.Waiting.Reason,
		Message: rec.Waiting.Message,
	}}
}

// statusResources: the spec's resources (the kubelet's allocation), with
// the cpu and memory values the runtime applied to a running container.
func statusResources(c *corev1.Container, rec *ContainerRuntimeState) *corev1.ResourceRequirements {
	res := c.Resources.DeepCopy()
	if rec.Latest.State != InstanceRunning || rec.Resources == nil {
		return res
	}
	for _, name := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		if v, ok := rec.Resources.Limits[name]; ok && res.Limits != nil {
			res.Limits[name] = v.DeepCopy()
		}
		if v, ok := rec.Resources.Requests[name]; ok && res.Requests != nil {
			res.Requests[name] = v.DeepCopy()
		}
	}
	return res
}

// volumeMountStatuses reports each mount (RecursiveReadOnlyMounts). A
// read-only mount says whether it is recursively read-only.
func volumeMountStatuses(c *corev1.Container, supportsRRO bool) []corev1.VolumeMountStatus {
	var out []corev1.VolumeMountStatus
	for _, m := range c.VolumeMounts {
		vs := corev1.VolumeMountStatus{Name: m.Name, MountPath: m.MountPath, ReadOnly: m.ReadOnly}
		if m.ReadOnly {
			mode := corev1.RecursiveReadOnlyDisabled
			if recursiveReadOnly(m, supportsRRO) {
				mode = corev1.RecursiveReadOnlyEnabled
			}
			vs.RecursiveReadOnly = &mode
		}
		out = append(out, vs)
	}
	return out
}

// recursiveReadOnly resolves a mount's recursiveReadOnly request; requests
// the runtime cannot honour resolve to Disabled (the kubelet logs them).
func recursiveReadOnly(m corev1.VolumeMount, supportsRRO bool) bool {
	if m.RecursiveReadOnly == nil || !m.ReadOnly {
		return false
	}
	if m.MountPropagation != nil && *m.MountPropagation != corev1.MountPropagationNone {
		return false
	}
	switch *m.RecursiveReadOnly {
	case corev1.RecursiveReadOnlyIfPossible, corev1.RecursiveReadOnlyEnabled:
		return supportsRRO
	}
	return false
}
