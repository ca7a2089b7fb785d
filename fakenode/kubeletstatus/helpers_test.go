package kubeletstatus

import (
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// t0 is the tests' epoch: whole seconds, UTC, as statuses store them.
var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func at(sec int) time.Time             { return t0.Add(time.Duration(sec) * time.Second) }
func mt(sec int) metav1.Time           { return metav1.NewTime(at(sec)) }
func mtp(sec int) *metav1.Time         { t := mt(sec); return &t }
func ctr(name string) corev1.Container { return corev1.Container{Name: name, Image: "busybox"} }

func sidecar(name string) corev1.Container {
	c := ctr(name)
	c.RestartPolicy = ptr.To(corev1.ContainerRestartPolicyAlways)
	return c
}

func newPod(policy corev1.RestartPolicy, init []corev1.Container, containers ...corev1.Container) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default", UID: "uid-1", Generation: 1},
		Spec:       corev1.PodSpec{RestartPolicy: policy, InitContainers: init, Containers: containers},
	}
}

// API container statuses for Phase and condition tables.

func stRunning(name string) corev1.ContainerStatus {
	return corev1.ContainerStatus{Name: name, State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}, Started: ptr.To(true)}
}

func stReady(name string) corev1.ContainerStatus {
	st := stRunning(name)
	st.Ready = true
	return st
}

func stUnstarted(name string) corev1.ContainerStatus {
	st := stRunning(name)
	st.Started = ptr.To(false)
	return st
}

func stExited(name string, code int32) corev1.ContainerStatus {
	return corev1.ContainerStatus{Name: name, State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: code}}}
}

func stWaiting(name string) corev1.ContainerStatus {
	return corev1.ContainerStatus{Name: name, State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: ReasonContainerCreating}}}
}

// stBackOff: waiting to be restarted after exiting with code.
func stBackOff(name string, code int32) corev1.ContainerStatus {
	return corev1.ContainerStatus{
		Name:                 name,
		State:                corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: ReasonCrashLoopBackOff}},
		LastTerminationState: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: code}},
	}
}

// Runtime records for PodStatus tests.

func recRunning(name string, started int) ContainerRuntimeState {
	return ContainerRuntimeState{
		Name: name, Image: "docker.io/library/busybox:latest", ImageID: "docker.io/library/busybox@sha256:1",
		Latest: &Instance{ID: "containerd://" + name, State: InstanceRunning, StartedAt: at(started)},
	}
}

func recExited(name string, code int32, started, finished int) ContainerRuntimeState {
	r := recRunning(name, started)
	r.Latest.State = InstanceExited
	r.Latest.ExitCode = code
	r.Latest.FinishedAt = at(finished)
	return r
}

func readyRec(name string, started int) ContainerRuntimeState {
	r := recRunning(name, started)
	r.ReadinessSucceeded = true
	r.StartupSucceeded = true
	return r
}

func condition(s corev1.PodStatus, t corev1.PodConditionType) corev1.PodCondition {
	if c := findCondition(s.Conditions, t); c != nil {
		return *c
	}
	return corev1.PodCondition{}
}
