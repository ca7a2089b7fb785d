package kubeletstatus

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/utils/ptr"
)

func mustStatus(t *testing.T, pod *corev1.Pod, state PodRuntimeState, cached *corev1.PodStatus, sec int) Status {
	t.Helper()
	s, err := PodStatus(pod, state, cached, at(sec))
	if err != nil {
		t.Fatalf("PodStatus: %v", err)
	}
	return s
}

// A pod the kubelet just admitted: no sandbox, nothing created.
func TestPodStatusNewPod(t *testing.T) {
	pod := newPod(corev1.RestartPolicyAlways, nil, ctr("nginx"))
	pod.Spec.Containers[0].Image = "nginx"
	pod.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "conf", MountPath: "/etc/nginx", ReadOnly: true}}
	pod.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: mt(-5)}}
	got := mustStatus(t, pod, PodRuntimeState{HostIPs: []string{"10.0.0.2"}, SandboxMessage: "no sandbox"}, nil, 0)

	want := corev1.PodStatus{
		ObservedGeneration: 1,
		Phase:              corev1.PodPending,
		Conditions: []corev1.PodCondition{
			{Type: corev1.PodReadyToStartContainers, ObservedGeneration: 1, Status: corev1.ConditionFalse, LastTransitionTime: mt(0),
				Reason: "PodSandboxNotReady", Message: "no sandbox"},
			{Type: corev1.PodInitialized, ObservedGeneration: 1, Status: corev1.ConditionTrue, LastTransitionTime: mt(0)},
			{Type: corev1.PodReady, ObservedGeneration: 1, Status: corev1.ConditionFalse, LastTransitionTime: mt(0),
				Reason: "ContainersNotReady", Message: "containers with unready status: [nginx]"},
			{Type: corev1.ContainersReady, ObservedGeneration: 1, Status: corev1.ConditionFalse, LastTransitionTime: mt(0),
				Reason: "ContainersNotReady", Message: "containers with unready status: [nginx]"},
			{Type: corev1.PodScheduled, ObservedGeneration: 1, Status: corev1.ConditionTrue, LastTransitionTime: mt(-5)},
		},
		HostIP:    "10.0.0.2",
		HostIPs:   []corev1.HostIP{{IP: "10.0.0.2"}},
		StartTime: mtp(0),
		ContainerStatuses: []corev1.ContainerStatus{{
			Name:    "nginx",
			Image:   "nginx",
			State:   corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}},
			Started: ptr.To(false),
			VolumeMounts: []corev1.VolumeMountStatus{{Name: "conf", MountPath: "/etc/nginx", ReadOnly: true,
				RecursiveReadOnly: ptr.To(corev1.RecursiveReadOnlyDisabled)}},
		}},
		QOSClass: corev1.PodQOSBestEffort,
	}
	if diff := cmp.Diff(want, got.Cached); diff != "" {
		t.Errorf("cached status (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, got.API); diff != "" {
		t.Errorf("API status (-want +got):\n%s", diff)
	}
}

// Running and ready; conditions keep their transition time while their
// status holds, and take a new one when it flips.
func TestPodStatusRunningAndTransitionTimes(t *testing.T) {
	pod := newPod(corev1.RestartPolicyAlways, nil, ctr("app"))
	pod.Spec.Containers[0].ReadinessProbe = &corev1.Probe{}
	state := PodRuntimeState{SandboxReady: true, PodIPs: []string{"10.244.0.5"}, HostIPs: []string{"10.0.0.2"},
		Containers: []ContainerRuntimeState{recRunning("app", 2)}}

	s1 := mustStatus(t, pod, state, nil, 3)
	app := s1.Cached.ContainerStatuses[0]
	if s1.Cached.Phase != corev1.PodRunning || app.Ready || !*app.Started || app.State.Running.StartedAt != mt(2) {
		t.Fatalf("running but not ready yet: phase %s, %+v", s1.Cached.Phase, app)
	}
	if s1.Cached.PodIP != "10.244.0.5" || app.ContainerID != "containerd://app" || app.ImageID == "" {
		t.Errorf("podIP %q, container %+v", s1.Cached.PodIP, app)
	}

	state.Containers[0].ReadinessSucceeded = true
	s2 := mustStatus(t, pod, state, &s1.Cached, 10)
	if c := condition(s2.API, corev1.PodReady); c.Status != corev1.ConditionTrue || c.LastTransitionTime != mt(10) {
		t.Errorf("Ready after the probe passed: %+v", c)
	}
	if c := condition(s2.API, corev1.PodReadyToStartContainers); c.LastTransitionTime != mt(3) {
		t.Errorf("unchanged condition moved: %+v", c)
	}
	if s2.Cached.StartTime.Time != at(3) {
		t.Errorf("startTime moved to %v", s2.Cached.StartTime)
	}

	s3 := mustStatus(t, pod, state, &s2.Cached, 20)
	if diff := cmp.Diff(s2.Cached, s3.Cached); diff != "" {
		t.Errorf("nothing changed but the status did (-before +after):\n%s", diff)
	}
}

// A crashing container under Always: waiting in CrashLoopBackOff with the
// last run in lastState; the pod stays Running.
func TestPodStatusCrashLoopBackOff(t *testing.T) {
	pod := newPod(corev1.RestartPolicyAlways, nil, ctr("app"))
	rec := recExited("app", 1, 10, 12)
	rec.Previous = &Instance{ID: "containerd://old", State: InstanceExited, ExitCode: 1, StartedAt: at(0), FinishedAt: at(2)}
	rec.RestartCount = 1
	rec.Waiting = &Waiting{Reason: ReasonCrashLoopBackOff, Message: CrashLoopBackOffMessage(BackoffInitial, "app", pod)}
	got := mustStatus(t, pod, PodRuntimeState{SandboxReady: true, Containers: []ContainerRuntimeState{rec}}, nil, 13)

	app := got.API.ContainerStatuses[0]
	wantState := corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff",
		Message: "back-off 10s restarting failed container=app pod=web_default(uid-1)"}}
	wantLast := corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 1, Reason: "Error",
		StartedAt: mt(10), FinishedAt: mt(12), ContainerID: "containerd://app"}}
	if diff := cmp.Diff(wantState, app.State); diff != "" {
		t.Errorf("state (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantLast, app.LastTerminationState); diff != "" {
		t.Errorf("lastState (-want +got):\n%s", diff)
	}
	if got.API.Phase != corev1.PodRunning || app.RestartCount != 1 || app.Ready {
		t.Errorf("phase %s, restarts %d, ready %v", got.API.Phase, app.RestartCount, app.Ready)
	}

	// Under Never the same exit ends the pod: no waiting reason is shown.
	never := newPod(corev1.RestartPolicyNever, nil, ctr("app"))
	got = mustStatus(t, never, PodRuntimeState{SandboxReady: true, Containers: []ContainerRuntimeState{rec}}, nil, 13)
	app = got.API.ContainerStatuses[0]
	if app.State.Terminated == nil || got.API.Phase != corev1.PodFailed {
		t.Errorf("Never: phase %s, state %+v", got.API.Phase, app.State)
	}
	if c := condition(got.API, corev1.PodReady); c.Reason != "PodFailed" {
		t.Errorf("Never: Ready %+v", c)
	}
}

// Init containers in progress: what kubectl shows as Init:1/2.
func TestPodStatusInitProgress(t *testing.T) {
	pod := newPod(corev1.RestartPolicyAlways, []corev1.Container{ctr("init-myservice"), ctr("init-mydb")}, ctr("app"))
	state := PodRuntimeState{SandboxReady: true, InitContainers: []ContainerRuntimeState{
		recExited("init-myservice", 0, 1, 2), recRunning("init-mydb", 3),
	}}
	got := mustStatus(t, pod, state, nil, 4).API

	type short struct {
		Name           string
		Ready, Started bool
		State          string
	}
	summarize := func(l []corev1.ContainerStatus) []short {
		var out []short
		for _, s := range l {
			var st string
			switch {
			case s.State.Running != nil:
				st = "running"
			case s.State.Terminated != nil:
				st = "terminated:" + s.State.Terminated.Reason
			case s.State.Waiting != nil:
				st = "waiting:" + s.State.Waiting.Reason
			}
			out = append(out, short{s.Name, s.Ready, s.Started != nil && *s.Started, st})
		}
		return out
	}
	wantInit := []short{{"init-myservice", true, false, "terminated:Completed"}, {"init-mydb", false, true, "running"}}
	if diff := cmp.Diff(wantInit, summarize(got.InitContainerStatuses)); diff != "" {
		t.Errorf("init statuses (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]short{{"app", false, false, "waiting:PodInitializing"}}, summarize(got.ContainerStatuses)); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	if c := condition(got, corev1.PodInitialized); c.Reason != "ContainersNotInitialized" || c.Message != "containers with incomplete status: [init-mydb]" {
		t.Errorf("Initialized %+v", c)
	}
	if got.Phase != corev1.PodPending {
		t.Errorf("phase %s", got.Phase)
	}

	// The second init container fails under Never: the pod fails.
	never := newPod(corev1.RestartPolicyNever, pod.Spec.InitContainers, ctr("app"))
	state.InitContainers[1] = recExited("init-mydb", 1, 3, 5)
	got = mustStatus(t, never, state, nil, 6).API
	if got.Phase != corev1.PodFailed || condition(got, corev1.PodInitialized).Status != corev1.ConditionFalse {
		t.Errorf("failed init under Never: phase %s, %+v", got.Phase, condition(got, corev1.PodInitialized))
	}

	// Under OnFailure it is retried: back-off shown on the init container.
	onFailure := newPod(corev1.RestartPolicyOnFailure, pod.Spec.InitContainers, ctr("app"))
	state.InitContainers[1].Waiting = &Waiting{Reason: ReasonCrashLoopBackOff, Message: "back-off"}
	got = mustStatus(t, onFailure, state, nil, 6).API
	if w := got.InitContainerStatuses[1].State.Waiting; got.Phase != corev1.PodPending || w == nil || w.Reason != "CrashLoopBackOff" {
		t.Errorf("failed init under OnFailure: phase %s, %+v", got.Phase, got.InitContainerStatuses[1].State)
	}
}

// A sidecar with a startup probe: the app starts only after it, and the
// pod is ready only when the sidecar is ready too.
func TestPodStatusSidecar(t *testing.T) {
	side := sidecar("proxy")
	side.StartupProbe = &corev1.Probe{}
	side.ReadinessProbe = &corev1.Probe{}
	pod := newPod(corev1.RestartPolicyAlways, []corev1.Container{side}, ctr("app"))
	state := PodRuntimeState{SandboxReady: true, InitContainers: []ContainerRuntimeState{recRunning("proxy", 1)}}

	got := mustStatus(t, pod, state, nil, 2).API
	if got.Phase != corev1.PodPending || condition(got, corev1.PodInitialized).Message != "containers with incomplete status: [proxy]" {
		t.Errorf("unstarted sidecar: phase %s, %+v", got.Phase, condition(got, corev1.PodInitialized))
	}

	state.InitContainers[0].StartupSucceeded = true
	state.Containers = []ContainerRuntimeState{readyRec("app", 3)}
	got = mustStatus(t, pod, state, nil, 4).API
	if got.Phase != corev1.PodRunning || condition(got, corev1.PodInitialized).Status != corev1.ConditionTrue {
		t.Errorf("started sidecar: phase %s, %+v", got.Phase, condition(got, corev1.PodInitialized))
	}
	if c := condition(got, corev1.ContainersReady); c.Message != "containers with unready status: [proxy]" {
		t.Errorf("ContainersReady %+v", c)
	}
	state.InitContainers[0].ReadinessSucceeded = true
	got = mustStatus(t, pod, state, nil, 5).API
	if c := condition(got, corev1.PodReady); c.Status != corev1.ConditionTrue {
		t.Errorf("Ready %+v", c)
	}
}

// A pod that reached a terminal phase never leaves it, and the reason and
// message stay with the phase.
func TestPodStatusTerminalPhaseSticks(t *testing.T) {
	pod := newPod(corev1.RestartPolicyAlways, nil, ctr("app"))
	pod.Status = corev1.PodStatus{Phase: corev1.PodFailed, Reason: "Evicted", Message: "gone"}
	got := mustStatus(t, pod, PodRuntimeState{SandboxReady: true, Containers: []ContainerRuntimeState{recRunning("app", 1)}}, nil, 2)
	if got.API.Phase != corev1.PodFailed || got.API.Reason != "Evicted" || got.API.Message != "gone" {
		t.Errorf("phase %s reason %q message %q", got.API.Phase, got.API.Reason, got.API.Message)
	}
}

func TestPodStatusActiveDeadline(t *testing.T) {
	pod := newPod(corev1.RestartPolicyAlways, nil, ctr("app"))
	got := mustStatus(t, pod, PodRuntimeState{SandboxReady: true, DeadlineExceeded: true,
		Containers: []ContainerRuntimeState{recExited("app", 137, 1, 30)}, Terminal: true}, nil, 31)
	if got.API.Phase != corev1.PodFailed || got.API.Reason != "DeadlineExceeded" ||
		got.API.Message != "Pod was active on the node longer than the specified deadline" {
		t.Errorf("phase %s reason %q message %q", got.API.Phase, got.API.Reason, got.API.Message)
	}
}

// Node-pressure eviction: the status function marks the pod Failed at
// once in the cache, but the API sees the terminal phase and the
// DisruptionTarget condition only once no container runs.
func TestPodStatusEviction(t *testing.T) {
	pod := newPod(corev1.RestartPolicyAlways, nil, ctr("app"))
	msg := NodePressureEvictionMessage(corev1.ResourceMemory, nil, nil, nil)
	running := PodRuntimeState{SandboxReady: true, Containers: []ContainerRuntimeState{readyRec("app", 1)}, Evict: NodePressureEviction(msg)}
	s1 := mustStatus(t, pod, running, nil, 10)
	if s1.Cached.Phase != corev1.PodFailed || s1.Cached.Reason != "Evicted" {
		t.Errorf("cached: phase %s reason %s", s1.Cached.Phase, s1.Cached.Reason)
	}
	if dt := condition(s1.Cached, corev1.DisruptionTarget); dt.Reason != "TerminationByKubelet" || dt.Message != msg {
		t.Errorf("cached DisruptionTarget %+v", dt)
	}
	if s1.API.Phase != "" || findCondition(s1.API.Conditions, corev1.DisruptionTarget) != nil {
		t.Errorf("API went terminal while the container runs: phase %q, %+v", s1.API.Phase, s1.API.Conditions)
	}
	pod.Status = s1.API

	stopped := PodRuntimeState{SandboxReady: false, Terminal: true, Containers: []ContainerRuntimeState{recExited("app", 137, 1, 40)}}
	s2 := mustStatus(t, pod, stopped, &s1.Cached, 41)
	if s2.API.Phase != corev1.PodFailed || s2.API.Reason != "Evicted" || s2.API.Message != msg {
		t.Errorf("API: phase %s reason %q message %q", s2.API.Phase, s2.API.Reason, s2.API.Message)
	}
	dt := condition(s2.API, corev1.DisruptionTarget)
	if dt.Status != corev1.ConditionTrue || dt.LastTransitionTime != mt(41) {
		t.Errorf("API DisruptionTarget %+v", dt)
	}
	if c := condition(s2.API, corev1.PodReady); c.Status != corev1.ConditionFalse || c.Reason != "PodFailed" {
		t.Errorf("API Ready %+v", c)
	}
}

// A pod deleted before its container was created: the kubelet's last word
// reports the container failed and the pod Failed.
func TestPodStatusFinishedPendingPod(t *testing.T) {
	pod := newPod(corev1.RestartPolicyAlways, nil, ctr("app"))
	pod.DeletionTimestamp = mtp(5)
	got := mustStatus(t, pod, PodRuntimeState{Terminal: true, Finished: true}, nil, 6)
	want := corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 137, Reason: "ContainerStatusUnknown",
		Message: "The container could not be located when the pod was terminated"}}
	if diff := cmp.Diff(want, got.API.ContainerStatuses[0].State); diff != "" {
		t.Errorf("state (-want +got):\n%s", diff)
	}
	if got.API.Phase != corev1.PodFailed {
		t.Errorf("phase %s", got.API.Phase)
	}

	// With init containers not run yet, only the first one is marked.
	withInit := newPod(corev1.RestartPolicyAlways, []corev1.Container{ctr("i1"), ctr("i2")}, ctr("app"))
	got = mustStatus(t, withInit, PodRuntimeState{Terminal: true, Finished: true}, nil, 6)
	if got.API.InitContainerStatuses[0].State.Terminated == nil || got.API.InitContainerStatuses[1].State.Waiting == nil ||
		got.API.ContainerStatuses[0].State.Waiting == nil {
		t.Errorf("init %+v, app %+v", got.API.InitContainerStatuses, got.API.ContainerStatuses[0].State)
	}
}

// A deleted pod whose container exits 0 on SIGTERM ends Succeeded, even
// under restartPolicy Always.
func TestPodStatusDeletedPodSucceeds(t *testing.T) {
	pod := newPod(corev1.RestartPolicyAlways, nil, ctr("app"))
	pod.DeletionTimestamp = mtp(5)
	got := mustStatus(t, pod, PodRuntimeState{Terminal: true, Containers: []ContainerRuntimeState{recExited("app", 0, 1, 6)}}, nil, 7)
	if got.API.Phase != corev1.PodSucceeded || condition(got.API, corev1.PodReady).Reason != "PodCompleted" {
		t.Errorf("phase %s, Ready %+v", got.API.Phase, condition(got.API, corev1.PodReady))
	}
}

func TestPodStatusIllegalTransition(t *testing.T) {
	pod := newPod(corev1.RestartPolicyNever, nil, ctr("app"))
	first := mustStatus(t, pod, PodRuntimeState{Containers: []ContainerRuntimeState{recExited("app", 1, 1, 2)}}, nil, 3)
	_, err := PodStatus(pod, PodRuntimeState{Containers: []ContainerRuntimeState{recRunning("app", 4)}}, &first.Cached, at(5))
	if err == nil || !strings.Contains(err.Error(), "terminated container app attempted illegal transition to non-terminated state") {
		t.Errorf("err = %v", err)
	}
	// OnFailure may restart a failed container.
	onFailure := newPod(corev1.RestartPolicyOnFailure, nil, ctr("app"))
	if _, err := PodStatus(onFailure, PodRuntimeState{Containers: []ContainerRuntimeState{recRunning("app", 4)}}, &first.Cached, at(5)); err != nil {
		t.Errorf("OnFailure restart refused: %v", err)
	}
}

func TestPodStatusBadInput(t *testing.T) {
	pod := newPod(corev1.RestartPolicyAlways, nil, ctr("app"))
	for _, state := range []PodRuntimeState{
		{Containers: []ContainerRuntimeState{{Name: "app"}, {Name: "app"}}},
		{Containers: []ContainerRuntimeState{{}}},
		{Containers: []ContainerRuntimeState{{Name: "app", Latest: &Instance{State: "Paused"}}}},
	} {
		if _, err := PodStatus(pod, state, nil, at(0)); err == nil {
			t.Errorf("no error for %+v", state)
		}
	}
	if _, err := PodStatus(nil, PodRuntimeState{}, nil, at(0)); err == nil {
		t.Errorf("no error for a nil pod")
	}
}

func TestPodStatusLostContainers(t *testing.T) {
	pod := newPod(corev1.RestartPolicyAlways, nil, ctr("app"))
	running := mustStatus(t, pod, PodRuntimeState{SandboxReady: true, Containers: []ContainerRuntimeState{recRunning("app", 1)}}, nil, 2)

	// The runtime no longer knows the container: lastState says it was lost.
	got := mustStatus(t, pod, PodRuntimeState{SandboxReady: true}, &running.Cached, 3).API
	app := got.ContainerStatuses[0]
	if app.State.Waiting == nil || app.LastTerminationState.Terminated == nil || app.RestartCount != 1 ||
		app.LastTerminationState.Terminated.Message != MessageContainerLostOnDeletion || got.Phase != corev1.PodRunning {
		t.Errorf("vanished: phase %s, %+v", got.Phase, app)
	}

	// The runtime reports it Unknown: it is shown terminated.
	unknown := recRunning("app", 1)
	unknown.Latest.State = InstanceUnknown
	got = mustStatus(t, pod, PodRuntimeState{SandboxReady: true, Containers: []ContainerRuntimeState{unknown}}, &running.Cached, 3).API
	app = got.ContainerStatuses[0]
	if app.State.Terminated == nil || app.State.Terminated.Reason != "ContainerStatusUnknown" || app.State.Terminated.ExitCode != 137 || app.RestartCount != 1 {
		t.Errorf("unknown: %+v", app)
	}
}

func TestPodStatusNetwork(t *testing.T) {
	pod := newPod(corev1.RestartPolicyAlways, nil, ctr("app"))
	state := PodRuntimeState{SandboxReady: true, PodIPs: []string{"fd00::5", "10.244.0.5", "10.244.0.6"}, HostIPs: []string{"10.0.0.2", "fd00::2"},
		Containers: []ContainerRuntimeState{recRunning("app", 1)}}
	got := mustStatus(t, pod, state, nil, 2).API
	if diff := cmp.Diff([]corev1.PodIP{{IP: "10.244.0.5"}, {IP: "fd00::5"}}, got.PodIPs); diff != "" || got.PodIP != "10.244.0.5" {
		t.Errorf("podIPs (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]corev1.HostIP{{IP: "10.0.0.2"}, {IP: "fd00::2"}}, got.HostIPs); diff != "" || got.HostIP != "10.0.0.2" {
		t.Errorf("hostIPs (-want +got):\n%s", diff)
	}

	// The sandbox died: the IPs stay.
	cached := got
	state.SandboxReady, state.PodIPs = false, nil
	got = mustStatus(t, pod, state, &cached, 3).API
	if got.PodIP != "10.244.0.5" || len(got.PodIPs) != 2 {
		t.Errorf("IPs lost with the sandbox: %q %v", got.PodIP, got.PodIPs)
	}

	hostNet := newPod(corev1.RestartPolicyAlways, nil, ctr("app"))
	hostNet.Spec.HostNetwork = true
	got = mustStatus(t, hostNet, PodRuntimeState{HostIPs: []string{"10.0.0.2", "fd00::2"}}, nil, 2).API
	if diff := cmp.Diff([]corev1.PodIP{{IP: "10.0.0.2"}, {IP: "fd00::2"}}, got.PodIPs); diff != "" {
		t.Errorf("host network podIPs (-want +got):\n%s", diff)
	}
}

// Conditions the kubelet does not own stay; readiness gates see them.
func TestPodStatusKeepsForeignConditions(t *testing.T) {
	pod := newPod(corev1.RestartPolicyAlways, nil, ctr("app"))
	pod.Spec.ReadinessGates = []corev1.PodReadinessGate{{ConditionType: "example.com/lb"}}
	gate := corev1.PodCondition{Type: "example.com/lb", Status: corev1.ConditionTrue, LastTransitionTime: mt(-1)}
	pod.Status.Conditions = []corev1.PodCondition{gate}
	pod.Status.ResourceClaimStatuses = []corev1.PodResourceClaimStatus{{Name: "gpu", ResourceClaimName: ptr.To("gpu-claim")}}
	got := mustStatus(t, pod, PodRuntimeState{SandboxReady: true, Containers: []ContainerRuntimeState{readyRec("app", 1)}}, nil, 2).API
	if diff := cmp.Diff(gate, got.Conditions[0]); diff != "" {
		t.Errorf("gate condition (-want +got):\n%s", diff)
	}
	if c := condition(got, corev1.PodReady); c.Status != corev1.ConditionTrue {
		t.Errorf("Ready %+v", c)
	}
	if len(got.ResourceClaimStatuses) != 1 {
		t.Errorf("resource claim statuses lost")
	}
}

func TestPodStatusResourcesAndMessageBudget(t *testing.T) {
	q := resource.MustParse
	c := ctr("app")
	c.Resources = corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: q("100m"), corev1.ResourceMemory: q("64Mi")},
		Limits:   corev1.ResourceList{corev1.ResourceMemory: q("128Mi")},
	}
	pod := newPod(corev1.RestartPolicyNever, nil, c, ctr("other"))
	rec := recExited("app", 1, 1, 2)
	rec.Latest.Message = strings.Repeat("m", 10000)
	got := mustStatus(t, pod, PodRuntimeState{Containers: []ContainerRuntimeState{rec}}, nil, 3).API
	app := got.ContainerStatuses[0]
	if diff := cmp.Diff(&c.Resources, app.Resources); diff != "" {
		t.Errorf("resources (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(c.Resources.Requests, app.AllocatedResources); diff != "" {
		t.Errorf("allocatedResources (-want +got):\n%s", diff)
	}
	if n := len(app.State.Terminated.Message); n != MaxPodTerminationMessageLogLength/2 {
		t.Errorf("message of %d bytes, want %d", n, MaxPodTerminationMessageLogLength/2)
	}
	if got.QOSClass != corev1.PodQOSBurstable {
		t.Errorf("qosClass %s", got.QOSClass)
	}
}

// The kubelet's reason for not running a container shows while it is
// going to start it, and only then.
func TestPodStatusWaitingReasons(t *testing.T) {
	pull := &Waiting{Reason: ReasonImagePullBackOff, Message: ImagePullBackOffMessage("nginx:nope", "not found")}
	config := &Waiting{Reason: ReasonCreateContainerConfigError, Message: ConfigMapNotFoundMessage("cfg")}
	created := recRunning("app", 1)
	created.Latest.State = InstanceCreated
	deleted := newPod(corev1.RestartPolicyAlways, nil, ctr("app"))
	deleted.DeletionTimestamp = mtp(0)
	tests := []struct {
		name string
		pod  *corev1.Pod
		rec  ContainerRuntimeState
		want corev1.ContainerState
	}{
		{"image pull back-off before the first run", newPod(corev1.RestartPolicyAlways, nil, ctr("app")),
			ContainerRuntimeState{Name: "app", Waiting: pull},
			corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "ImagePullBackOff",
				Message: `Back-off pulling image "nginx:nope": ErrImagePull: not found`}}},
		{"config error", newPod(corev1.RestartPolicyNever, nil, ctr("app")),
			ContainerRuntimeState{Name: "app", Waiting: config},
			corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CreateContainerConfigError", Message: `configmap "cfg" not found`}}},
		{"not while it runs", newPod(corev1.RestartPolicyAlways, nil, ctr("app")),
			func() ContainerRuntimeState { r := recRunning("app", 1); r.Waiting = config; return r }(),
			corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: mt(1)}}},
		{"not for a deleted pod", deleted,
			ContainerRuntimeState{Name: "app", Waiting: config},
			corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}}},
		{"created but not started", newPod(corev1.RestartPolicyAlways, nil, ctr("app")),
			created,
			corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := mustStatus(t, tc.pod, PodRuntimeState{SandboxReady: true, Containers: []ContainerRuntimeState{tc.rec}}, nil, 2).API
			if diff := cmp.Diff(tc.want, got.ContainerStatuses[0].State); diff != "" {
				t.Errorf("state (-want +got):\n%s", diff)
			}
		})
	}
}
