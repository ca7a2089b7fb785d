package kubeletstatus

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
)

func TestContainersReadyAndReadyConditions(t *testing.T) {
	gated := newPod(corev1.RestartPolicyAlways, nil, ctr("nginx"))
	gated.Spec.ReadinessGates = []corev1.PodReadinessGate{{ConditionType: "example.com/lb"}, {ConditionType: "example.com/dns"}}
	withSidecar := newPod(corev1.RestartPolicyAlways, []corev1.Container{ctr("init"), sidecar("proxy")}, ctr("nginx"))
	two := newPod(corev1.RestartPolicyAlways, nil, ctr("nginx"), ctr("redis"), ctr("db"))

	tests := []struct {
		name       string
		pod        *corev1.Pod
		statuses   []corev1.ContainerStatus
		conditions []corev1.PodCondition
		phase      corev1.PodPhase
		want       corev1.PodCondition // ContainersReady; Ready is checked against wantReady
		wantReady  corev1.PodCondition
	}{
		{
			name: "all ready", pod: two, phase: corev1.PodRunning,
			statuses:  []corev1.ContainerStatus{stReady("nginx"), stReady("redis"), stReady("db")},
			want:      corev1.PodCondition{Status: corev1.ConditionTrue},
			wantReady: corev1.PodCondition{Status: corev1.ConditionTrue},
		},
		{
			name: "unready and unknown in spec order", pod: two, phase: corev1.PodRunning,
			statuses: []corev1.ContainerStatus{stRunning("nginx"), stReady("redis")},
			want: corev1.PodCondition{Status: corev1.ConditionFalse, Reason: "ContainersNotReady",
				Message: "containers with unknown status: [db], containers with unready status: [nginx]"},
			wantReady: corev1.PodCondition{Status: corev1.ConditionFalse, Reason: "ContainersNotReady",
				Message: "containers with unknown status: [db], containers with unready status: [nginx]"},
		},
		{
			name: "two unready", pod: two, phase: corev1.PodRunning,
			statuses: []corev1.ContainerStatus{stRunning("nginx"), stReady("redis"), stWaiting("db")},
			want:     corev1.PodCondition{Status: corev1.ConditionFalse, Reason: "ContainersNotReady", Message: "containers with unready status: [nginx db]"},
			wantReady: corev1.PodCondition{Status: corev1.ConditionFalse, Reason: "ContainersNotReady",
				Message: "containers with unready status: [nginx db]"},
		},
		{
			name: "no statuses", pod: two, phase: corev1.PodPending,
			want:      corev1.PodCondition{Status: corev1.ConditionFalse, Reason: "UnknownContainerStatuses"},
			wantReady: corev1.PodCondition{Status: corev1.ConditionFalse, Reason: "UnknownContainerStatuses"},
		},
		{
			name: "succeeded", pod: two, phase: corev1.PodSucceeded,
			statuses:  []corev1.ContainerStatus{stExited("nginx", 0), stExited("redis", 0), stExited("db", 0)},
			want:      corev1.PodCondition{Status: corev1.ConditionFalse, Reason: "PodCompleted"},
			wantReady: corev1.PodCondition{Status: corev1.ConditionFalse, Reason: "PodCompleted"},
		},
		{
			name: "failed, even with a ready container", pod: two, phase: corev1.PodFailed,
			statuses:  []corev1.ContainerStatus{stReady("nginx"), stExited("redis", 1), stExited("db", 0)},
			want:      corev1.PodCondition{Status: corev1.ConditionFalse, Reason: "PodFailed"},
			wantReady: corev1.PodCondition{Status: corev1.ConditionFalse, Reason: "PodFailed"},
		},
		{
			name: "sidecar counts, regular init does not", pod: withSidecar, phase: corev1.PodRunning,
			statuses: []corev1.ContainerStatus{stExited("init", 0), stRunning("proxy"), stReady("nginx")},
			want:     corev1.PodCondition{Status: corev1.ConditionFalse, Reason: "ContainersNotReady", Message: "containers with unready status: [proxy]"},
			wantReady: corev1.PodCondition{Status: corev1.ConditionFalse, Reason: "ContainersNotReady",
				Message: "containers with unready status: [proxy]"},
		},
		{
			name: "readiness gates missing and false", pod: gated, phase: corev1.PodRunning,
			statuses:   []corev1.ContainerStatus{stReady("nginx")},
			conditions: []corev1.PodCondition{{Type: "example.com/dns", Status: corev1.ConditionFalse}},
			want:       corev1.PodCondition{Status: corev1.ConditionTrue},
			wantReady: corev1.PodCondition{Status: corev1.ConditionFalse, Reason: "ReadinessGatesNotReady",
				Message: `corresponding condition of pod readiness gate "example.com/lb" does not exist., the status of pod readiness gate "example.com/dns" is not "True", but False`},
		},
		{
			name: "readiness gates true", pod: gated, phase: corev1.PodRunning,
			statuses: []corev1.ContainerStatus{stReady("nginx")},
			conditions: []corev1.PodCondition{
				{Type: "example.com/dns", Status: corev1.ConditionTrue},
				{Type: "example.com/lb", Status: corev1.ConditionTrue},
			},
			want:      corev1.PodCondition{Status: corev1.ConditionTrue},
			wantReady: corev1.PodCondition{Status: corev1.ConditionTrue},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.want
			want.Type, want.ObservedGeneration = corev1.ContainersReady, 1
			if diff := cmp.Diff(want, ContainersReadyCondition(tc.pod, tc.statuses, tc.phase)); diff != "" {
				t.Errorf("ContainersReady (-want +got):\n%s", diff)
			}
			wantReady := tc.wantReady
			wantReady.Type, wantReady.ObservedGeneration = corev1.PodReady, 1
			if diff := cmp.Diff(wantReady, ReadyCondition(tc.pod, tc.conditions, tc.statuses, tc.phase)); diff != "" {
				t.Errorf("Ready (-want +got):\n%s", diff)
			}
		})
	}
}

func TestInitializedCondition(t *testing.T) {
	twoInits := newPod(corev1.RestartPolicyAlways, []corev1.Container{ctr("init-myservice"), ctr("init-mydb")}, ctr("app"))
	withSidecar := newPod(corev1.RestartPolicyAlways, []corev1.Container{ctr("init"), sidecar("proxy")}, ctr("app"))
	noInit := newPod(corev1.RestartPolicyAlways, nil, ctr("app"))
	initDone := stExited("init-myservice", 0)
	initDone.Ready = true // as applyProbes marks a regular init container that exited 0
	initDb := stExited("init-mydb", 0)
	initDb.Ready = true
	init1 := stExited("init", 0)
	init1.Ready = true

	tests := []struct {
		name     string
		pod      *corev1.Pod
		statuses []corev1.ContainerStatus
		phase    corev1.PodPhase
		want     corev1.PodCondition
	}{
		{"no init containers", noInit, []corev1.ContainerStatus{stWaiting("app")}, corev1.PodPending,
			corev1.PodCondition{Status: corev1.ConditionTrue}},
		{"none done", twoInits, []corev1.ContainerStatus{stRunning("init-myservice"), stWaiting("init-mydb"), stWaiting("app")}, corev1.PodPending,
			corev1.PodCondition{Status: corev1.ConditionFalse, Reason: "ContainersNotInitialized", Message: "containers with incomplete status: [init-myservice init-mydb]"}},
		{"first done", twoInits, []corev1.ContainerStatus{initDone, stRunning("init-mydb"), stWaiting("app")}, corev1.PodPending,
			corev1.PodCondition{Status: corev1.ConditionFalse, Reason: "ContainersNotInitialized", Message: "containers with incomplete status: [init-mydb]"}},
		{"failed init is incomplete", twoInits, []corev1.ContainerStatus{initDone, stBackOff("init-mydb", 1), stWaiting("app")}, corev1.PodPending,
			corev1.PodCondition{Status: corev1.ConditionFalse, Reason: "ContainersNotInitialized", Message: "containers with incomplete status: [init-mydb]"}},
		{"status missing", twoInits, []corev1.ContainerStatus{initDone, stWaiting("app")}, corev1.PodPending,
			corev1.PodCondition{Status: corev1.ConditionFalse, Reason: "ContainersNotInitialized", Message: "containers with unknown status: [init-mydb]"}},
		{"all done", twoInits, []corev1.ContainerStatus{initDone, initDb, stWaiting("app")}, corev1.PodPending,
			corev1.PodCondition{Status: corev1.ConditionTrue}},
		{"sidecar not started", withSidecar, []corev1.ContainerStatus{init1, stUnstarted("proxy"), stWaiting("app")}, corev1.PodPending,
			corev1.PodCondition{Status: corev1.ConditionFalse, Reason: "ContainersNotInitialized", Message: "containers with incomplete status: [proxy]"}},
		{"sidecar started", withSidecar, []corev1.ContainerStatus{init1, stRunning("proxy"), stWaiting("app")}, corev1.PodPending,
			corev1.PodCondition{Status: corev1.ConditionTrue}},
		{"sidecar restarting after the app ran", withSidecar, []corev1.ContainerStatus{init1, stBackOff("proxy", 1), stRunning("app")}, corev1.PodRunning,
			corev1.PodCondition{Status: corev1.ConditionTrue}},
		{"succeeded", twoInits, []corev1.ContainerStatus{initDone, initDb, stExited("app", 0)}, corev1.PodSucceeded,
			corev1.PodCondition{Status: corev1.ConditionTrue, Reason: "PodCompleted"}},
		{"no statuses", twoInits, nil, corev1.PodPending,
			corev1.PodCondition{Status: corev1.ConditionFalse, Reason: "UnknownContainerStatuses"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.want
			want.Type, want.ObservedGeneration = corev1.PodInitialized, 1
			if diff := cmp.Diff(want, InitializedCondition(tc.pod, tc.statuses, tc.phase)); diff != "" {
				t.Errorf("Initialized (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadyToStartContainersCondition(t *testing.T) {
	pod := newPod(corev1.RestartPolicyAlways, nil, ctr("app"))
	if diff := cmp.Diff(corev1.PodCondition{Type: corev1.PodReadyToStartContainers, ObservedGeneration: 1, Status: corev1.ConditionTrue},
		ReadyToStartContainersCondition(pod, true, "ignored")); diff != "" {
		t.Errorf("ready sandbox (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(corev1.PodCondition{Type: corev1.PodReadyToStartContainers, ObservedGeneration: 1, Status: corev1.ConditionFalse,
		Reason: "PodSandboxNotReady", Message: "creating sandbox"},
		ReadyToStartContainersCondition(pod, false, "creating sandbox")); diff != "" {
		t.Errorf("no sandbox (-want +got):\n%s", diff)
	}
}
