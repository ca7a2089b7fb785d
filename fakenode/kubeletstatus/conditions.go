package kubeletstatus

import (
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The condition generators of pkg/kubelet/status/generate.go. Each sets
// ObservedGeneration to the pod's generation (PodObservedGenerationTracking
// is GA) and leaves LastTransitionTime to PodStatus, which keeps the old
// one while the status does not change.

func findStatus(statuses []corev1.ContainerStatus, name string) (*corev1.ContainerStatus, bool) {
	for i := range statuses {
		if statuses[i].Name == name {
			return &statuses[i], true
		}
	}
	return nil, false
}

func findCondition(conds []corev1.PodCondition, t corev1.PodConditionType) *corev1.PodCondition {
	for i := range conds {
		if conds[i].Type == t {
			return &conds[i]
		}
	}
	return nil
}

// ContainersReadyCondition is True when every regular container and every
// sidecar is ready. Otherwise it lists them: "containers with unknown
// status: [a]", "containers with unready status: [b c]". A Succeeded pod
// reports PodCompleted, a Failed one PodFailed. statuses holds the init
// and regular container statuses; nil means none are known.
func ContainersReadyCondition(pod *corev1.Pod, statuses []corev1.ContainerStatus, phase corev1.PodPhase) corev1.PodCondition {
	cond := corev1.PodCondition{Type: corev1.ContainersReady, ObservedGeneration: pod.Generation, Status: corev1.ConditionFalse}
	if statuses == nil {
		cond.Reason = ReasonUnknownContainerStatuses
		return cond
	}
	var unknown, unready []string
	check := func(name string) {
		st, ok := findStatus(statuses, name)
		switch {
		case !ok:
			unknown = append(unknown, name)
		case !st.Ready:
			unready = append(unready, name)
		}
	}
	for i := range pod.Spec.InitContainers {
		if IsRestartableInitContainer(&pod.Spec.InitContainers[i]) {
			check(pod.Spec.InitContainers[i].Name)
		}
	}
	for _, c := range pod.Spec.Containers {
		check(c.Name)
	}
	switch {
	case phase == corev1.PodSucceeded && len(unknown) == 0:
		cond.Reason = ReasonPodCompleted
		return cond
	case phase == corev1.PodFailed:
		cond.Reason = ReasonPodFailed
		return cond
	}
	var msgs []string
	if len(unknown) > 0 {
		msgs = append(msgs, fmt.Sprintf("containers with unknown status: %s", unknown))
	}
	if len(unready) > 0 {
		msgs = append(msgs, fmt.Sprintf("containers with unready status: %s", unready))
	}
	if len(msgs) > 0 {
		cond.Reason = ReasonContainersNotReady
		cond.Message = strings.Join(msgs, ", ")
		return cond
	}
	cond.Status = corev1.ConditionTrue
	return cond
}

// ReadyCondition is ContainersReady's verdict, under the Ready name; when
// that is True, it also needs every readiness gate's condition in
// conditions to be True (ReadinessGatesNotReady otherwise).
func ReadyCondition(pod *corev1.Pod, conditions []corev1.PodCondition, statuses []corev1.ContainerStatus, phase corev1.PodPhase) corev1.PodCondition {
	cr := ContainersReadyCondition(pod, statuses, phase)
	cond := corev1.PodCondition{Type: corev1.PodReady, ObservedGeneration: pod.Generation}
	if cr.Status != corev1.ConditionTrue {
		cond.Status, cond.Reason, cond.Message = cr.Status, cr.Reason, cr.Message
		return cond
	}
	var msgs []string
	for _, rg := range pod.Spec.ReadinessGates {
		c := findCondition(conditions, rg.ConditionType)
		switch {
		case c == nil:
			msgs = append(msgs, fmt.Sprintf("corresponding condition of pod readiness gate %q does not exist.", string(rg.ConditionType)))
		case c.Status != corev1.ConditionTrue:
			msgs = append(msgs, fmt.Sprintf("the status of pod readiness gate %q is not \"True\", but %v", string(rg.ConditionType), c.Status))
		}
	}
	if len(msgs) > 0 {
		cond.Status = corev1.ConditionFalse
		cond.Reason = ReasonReadinessGatesNotReady
		cond.Message = strings.Join(msgs, ", ")
		return cond
	}
	cond.Status = corev1.ConditionTrue
	return cond
}

// InitializedCondition is True once every regular init container exited 0
// (its status is Ready) and every sidecar has started, or once any regular
// container has run: "containers with incomplete status: [init-db]"
// otherwise. A Succeeded pod reports PodCompleted.
func InitializedCondition(pod *corev1.Pod, statuses []corev1.ContainerStatus, phase corev1.PodPhase) corev1.PodCondition {
	cond := corev1.PodCondition{Type: corev1.PodInitialized, ObservedGeneration: pod.Generation, Status: corev1.ConditionFalse}
	if statuses == nil && len(pod.Spec.InitContainers) > 0 {
		cond.Reason = ReasonUnknownContainerStatuses
		return cond
	}
	var unknown, incomplete []string
	for i := range pod.Spec.InitContainers {
		c := &pod.Spec.InitContainers[i]
		st, ok := findStatus(statuses, c.Name)
		switch {
		case !ok:
			unknown = append(unknown, c.Name)
		case IsRestartableInitContainer(c) && (st.Started == nil || !*st.Started):
			incomplete = append(incomplete, c.Name)
		case !IsRestartableInitContainer(c) && !st.Ready:
			incomplete = append(incomplete, c.Name)
		}
	}
	if phase == corev1.PodSucceeded && len(unknown) == 0 {
		cond.Status, cond.Reason = corev1.ConditionTrue, ReasonPodCompleted
		return cond
	}
	if anyRegularContainerStarted(&pod.Spec, statuses) {
		cond.Status = corev1.ConditionTrue
		return cond
	}
	var msgs []string
	if len(unknown) > 0 {
		msgs = append(msgs, fmt.Sprintf("containers with unknown status: %s", unknown))
	}
	if len(incomplete) > 0 {
		msgs = append(msgs, fmt.Sprintf("containers with incomplete status: %s", incomplete))
	}
	if len(msgs) > 0 {
		cond.Reason = ReasonContainersNotInitialized
		cond.Message = strings.Join(msgs, ", ")
		return cond
	}
	cond.Status = corev1.ConditionTrue
	return cond
}

// anyRegularContainerStarted: a regular container runs or has run
// (kubecontainer.HasAnyRegularContainerStarted).
func anyRegularContainerStarted(spec *corev1.PodSpec, statuses []corev1.ContainerStatus) bool {
	for _, c := range spec.Containers {
		if st, ok := findStatus(statuses, c.Name); ok && (st.State.Running != nil || st.State.Terminated != nil) {
			return true
		}
	}
	return false
}

// ReadyToStartContainersCondition is True once the pod's sandbox exists
// with its network; False with reason PodSandboxNotReady and the given
// message before that and after the sandbox died.
func ReadyToStartContainersCondition(pod *corev1.Pod, sandboxReady bool, message string) corev1.PodCondition {
	cond := corev1.PodCondition{Type: corev1.PodReadyToStartContainers, ObservedGeneration: pod.Generation, Status: corev1.ConditionTrue}
	if !sandboxReady {
		cond.Status = corev1.ConditionFalse
		cond.Reason = ReasonPodSandboxNotReady
		cond.Message = message
	}
	return cond
}

// ownedByKubelet lists the condition types the kubelet owns
// (kubetypes.PodConditionByKubelet); the others in the API status are kept.
func ownedByKubelet(t corev1.PodConditionType) bool {
	switch t {
	case corev1.PodScheduled, corev1.PodReady, corev1.PodInitialized, corev1.ContainersReady,
		corev1.PodResizeInProgress, corev1.PodResizePending, corev1.PodReadyToStartContainers:
		return true
	}
	return false
}

// replaceOrAppend puts cond into conds in place of the same type.
func replaceOrAppend(conds []corev1.PodCondition, cond corev1.PodCondition) []corev1.PodCondition {
	if c := findCondition(conds, cond.Type); c != nil {
		*c = cond
		return conds
	}
	return append(conds, cond)
}

// updateCondition sets cond in status with LastTransitionTime now, or the
// old one when the status did not change (podutil.UpdatePodCondition).
func updateCondition(status *corev1.PodStatus, cond corev1.PodCondition, now time.Time) {
	cond.LastTransitionTime = metav1.NewTime(now).Rfc3339Copy()
	if old := findCondition(status.Conditions, cond.Type); old != nil && old.Status == cond.Status {
		cond.LastTransitionTime = old.LastTransitionTime
	}
	status.Conditions = replaceOrAppend(status.Conditions, cond)
}

// keepTransitionTime sets the LastTransitionTime of the condition of type
// t in status: the old one while its status is unchanged, now otherwise
// (status_manager.go updateLastTransitionTime).
func keepTransitionTime(status, old *corev1.PodStatus, t corev1.PodConditionType, now time.Time) {
	c := findCondition(status.Conditions, t)
	if c == nil {
		return
	}
	c.LastTransitionTime = metav1.NewTime(now).Rfc3339Copy()
	if oc := findCondition(old.Conditions, t); oc != nil && oc.Status == c.Status {
		c.LastTransitionTime = oc.LastTransitionTime
	}
}
