package kubeletstatus

import (
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
)

// The seed's rules (section 1.5) and upstream's, for one container: a
// policy that allows a restart keeps the pod Running; only Never ends it
// Failed after a failure.
func TestPhaseSingleContainer(t *testing.T) {
	type outcome struct {
		name string
		st   corev1.ContainerStatus
	}
	outcomes := []outcome{
		{"not started", stWaiting("app")},
		{"running", stRunning("app")},
		{"exited 0", stExited("app", 0)},
		{"exited 1", stExited("app", 1)},
		{"exited 137", stExited("app", 137)},
		{"back-off after 0", stBackOff("app", 0)},
		{"back-off after 1", stBackOff("app", 1)},
	}
	want := map[corev1.RestartPolicy][]corev1.PodPhase{
		corev1.RestartPolicyAlways:    {corev1.PodPending, corev1.PodRunning, corev1.PodRunning, corev1.PodRunning, corev1.PodRunning, corev1.PodRunning, corev1.PodRunning},
		corev1.RestartPolicyOnFailure: {corev1.PodPending, corev1.PodRunning, corev1.PodSucceeded, corev1.PodRunning, corev1.PodRunning, corev1.PodFailed, corev1.PodRunning},
		corev1.RestartPolicyNever:     {corev1.PodPending, corev1.PodRunning, corev1.PodSucceeded, corev1.PodFailed, corev1.PodFailed, corev1.PodFailed, corev1.PodFailed},
		"":                            {corev1.PodPending, corev1.PodRunning, corev1.PodRunning, corev1.PodRunning, corev1.PodRunning, corev1.PodRunning, corev1.PodRunning},
	}
	for policy, phases := range want {
		for i, o := range outcomes {
			t.Run(fmt.Sprintf("%s/%s", policy, o.name), func(t *testing.T) {
				pod := newPod(policy, nil, ctr("app"))
				if got := Phase(pod, []corev1.ContainerStatus{o.st}, false, true); got != phases[i] {
					t.Errorf("Phase = %s, want %s", got, phases[i])
				}
			})
		}
	}
}

// A pod the kubelet stopped for good (deleted, evicted) ends Succeeded or
// Failed by its exit codes, whatever the policy.
func TestPhaseTerminalPod(t *testing.T) {
	for _, policy := range []corev1.RestartPolicy{corev1.RestartPolicyAlways, corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever} {
		for _, tc := range []struct {
			codes []int32
			want  corev1.PodPhase
		}{
			{[]int32{0}, corev1.PodSucceeded},
			{[]int32{0, 0}, corev1.PodSucceeded},
			{[]int32{0, 143}, corev1.PodFailed},
			{[]int32{137}, corev1.PodFailed},
		} {
			t.Run(fmt.Sprintf("%s/%v", policy, tc.codes), func(t *testing.T) {
				var containers []corev1.Container
				var statuses []corev1.ContainerStatus
				for i, code := range tc.codes {
					name := fmt.Sprintf("c%d", i)
					containers = append(containers, ctr(name))
					statuses = append(statuses, stExited(name, code))
				}
				pod := newPod(policy, nil, containers...)
				if got := Phase(pod, statuses, true, true); got != tc.want {
					t.Errorf("Phase = %s, want %s", got, tc.want)
				}
			})
		}
	}
}

// The seed: with several containers the pod stays Running while one runs,
// even under Never; it fails only when all have stopped and one failed.
func TestPhaseTwoContainers(t *testing.T) {
	tests := []struct {
		policy corev1.RestartPolicy
		a, b   corev1.ContainerStatus
		want   corev1.PodPhase
	}{
		{corev1.RestartPolicyNever, stExited("a", 1), stRunning("b"), corev1.PodRunning},
		{corev1.RestartPolicyNever, stExited("a", 1), stExited("b", 0), corev1.PodFailed},
		{corev1.RestartPolicyNever, stExited("a", 0), stExited("b", 0), corev1.PodSucceeded},
		{corev1.RestartPolicyNever, stExited("a", 0), stWaiting("b"), corev1.PodPending},
		{corev1.RestartPolicyOnFailure, stExited("a", 0), stRunning("b"), corev1.PodRunning},
		{corev1.RestartPolicyOnFailure, stExited("a", 0), stExited("b", 1), corev1.PodRunning},
		{corev1.RestartPolicyOnFailure, stExited("a", 0), stExited("b", 0), corev1.PodSucceeded},
		{corev1.RestartPolicyAlways, stExited("a", 0), stExited("b", 0), corev1.PodRunning},
		{corev1.RestartPolicyAlways, stBackOff("a", 1), stRunning("b"), corev1.PodRunning},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s/%v", tc.policy, []corev1.ContainerStatus{tc.a, tc.b}), func(t *testing.T) {
			pod := newPod(tc.policy, nil, ctr("a"), ctr("b"))
			if got := Phase(pod, []corev1.ContainerStatus{tc.a, tc.b}, false, true); got != tc.want {
				t.Errorf("Phase = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestPhaseInitContainers(t *testing.T) {
	tests := []struct {
		name        string
		policy      corev1.RestartPolicy
		init, main  corev1.ContainerStatus
		initialized bool
		want        corev1.PodPhase
	}{
		{"init not started", corev1.RestartPolicyAlways, stWaiting("init"), stWaiting("app"), false, corev1.PodPending},
		{"init running", corev1.RestartPolicyAlways, stRunning("init"), stWaiting("app"), false, corev1.PodPending},
		{"init done, app waiting", corev1.RestartPolicyAlways, stExited("init", 0), stWaiting("app"), false, corev1.PodPending},
		{"init done, app running", corev1.RestartPolicyAlways, stExited("init", 0), stRunning("app"), true, corev1.PodRunning},
		{"init failed, Never", corev1.RestartPolicyNever, stExited("init", 1), stWaiting("app"), false, corev1.PodFailed},
		{"init failed, OnFailure", corev1.RestartPolicyOnFailure, stExited("init", 1), stWaiting("app"), false, corev1.PodPending},
		{"init failed, Always", corev1.RestartPolicyAlways, stExited("init", 1), stWaiting("app"), false, corev1.PodPending},
		{"init in back-off, Never", corev1.RestartPolicyNever, stBackOff("init", 2), stWaiting("app"), false, corev1.PodFailed},
		{"init in back-off, OnFailure", corev1.RestartPolicyOnFailure, stBackOff("init", 2), stWaiting("app"), false, corev1.PodPending},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pod := newPod(tc.policy, []corev1.Container{ctr("init")}, ctr("app"))
			if got := Phase(pod, []corev1.ContainerStatus{tc.init, tc.main}, false, tc.initialized); got != tc.want {
				t.Errorf("Phase = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestPhaseSidecars(t *testing.T) {
	tests := []struct {
		name        string
		policy      corev1.RestartPolicy
		side, main  corev1.ContainerStatus
		initialized bool
		want        corev1.PodPhase
	}{
		{"sidecar not started yet", corev1.RestartPolicyAlways, stUnstarted("side"), stWaiting("app"), false, corev1.PodPending},
		{"sidecar started, app waiting", corev1.RestartPolicyAlways, stRunning("side"), stWaiting("app"), false, corev1.PodPending},
		{"both running", corev1.RestartPolicyAlways, stRunning("side"), stRunning("app"), true, corev1.PodRunning},
		{"sidecar restarting after init", corev1.RestartPolicyAlways, stUnstarted("side"), stRunning("app"), true, corev1.PodRunning},
		{"sidecar in back-off after init", corev1.RestartPolicyAlways, stBackOff("side", 1), stRunning("app"), true, corev1.PodRunning},
		// The job is done but the sidecar still runs: Running until the
		// kubelet stops it; then the sidecar does not count.
		{"app done, sidecar running", corev1.RestartPolicyNever, stRunning("side"), stExited("app", 0), true, corev1.PodRunning},
		{"app done, sidecar stopped", corev1.RestartPolicyNever, stExited("side", 137), stExited("app", 0), true, corev1.PodSucceeded},
		{"app failed, sidecar stopped", corev1.RestartPolicyNever, stExited("side", 0), stExited("app", 1), true, corev1.PodFailed},
		{"app done OnFailure, sidecar stopped", corev1.RestartPolicyOnFailure, stExited("side", 143), stExited("app", 0), true, corev1.PodSucceeded},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pod := newPod(tc.policy, []corev1.Container{sidecar("side")}, ctr("app"))
			if got := Phase(pod, []corev1.ContainerStatus{tc.side, tc.main}, false, tc.initialized); got != tc.want {
				t.Errorf("Phase = %s, want %s", got, tc.want)
			}
		})
	}
}

// Container restart rules (ContainerRestartRules): a container's own policy
// and exit-code rules override the pod's.
func TestPhaseContainerRestartRules(t *testing.T) {
	retry42 := ctr("app")
	retry42.RestartPolicy = ptr.To(corev1.ContainerRestartPolicyNever)
	retry42.RestartPolicyRules = []corev1.ContainerRestartRule{{
		Action:    corev1.ContainerRestartRuleActionRestart,
		ExitCodes: &corev1.ContainerRestartRuleOnExitCodes{Operator: corev1.ContainerRestartRuleOnExitCodesOpIn, Values: []int32{42}},
	}}
	onFailure := ctr("app")
	onFailure.RestartPolicy = ptr.To(corev1.ContainerRestartPolicyOnFailure)
	tests := []struct {
		name   string
		policy corev1.RestartPolicy
		c      corev1.Container
		st     corev1.ContainerStatus
		want   corev1.PodPhase
	}{
		{"rule matches: restarted", corev1.RestartPolicyNever, retry42, stExited("app", 42), corev1.PodRunning},
		{"rule does not match: Never", corev1.RestartPolicyNever, retry42, stExited("app", 1), corev1.PodFailed},
		{"container OnFailure in Never pod, failed", corev1.RestartPolicyNever, onFailure, stExited("app", 3), corev1.PodRunning},
		{"container OnFailure in Never pod, succeeded", corev1.RestartPolicyNever, onFailure, stExited("app", 0), corev1.PodSucceeded},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pod := newPod(tc.policy, nil, tc.c)
			if got := Phase(pod, []corev1.ContainerStatus{tc.st}, false, true); got != tc.want {
				t.Errorf("Phase = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestContainerShouldRestart(t *testing.T) {
	notIn := ctr("c")
	notIn.RestartPolicy = ptr.To(corev1.ContainerRestartPolicyNever)
	notIn.RestartPolicyRules = []corev1.ContainerRestartRule{
		{Action: corev1.ContainerRestartRuleActionRestart}, // no exit codes: never matches
		{Action: corev1.ContainerRestartRuleActionRestart, ExitCodes: &corev1.ContainerRestartRuleOnExitCodes{
			Operator: corev1.ContainerRestartRuleOnExitCodesOpNotIn, Values: []int32{0, 1}}},
	}
	rulesWithoutPolicy := ctr("c")
	rulesWithoutPolicy.RestartPolicyRules = notIn.RestartPolicyRules
	tests := []struct {
		name   string
		c      corev1.Container
		policy corev1.RestartPolicy
		code   int32
		want   bool
	}{
		{"Always 0", ctr("c"), corev1.RestartPolicyAlways, 0, true},
		{"OnFailure 0", ctr("c"), corev1.RestartPolicyOnFailure, 0, false},
		{"OnFailure 2", ctr("c"), corev1.RestartPolicyOnFailure, 2, true},
		{"Never 2", ctr("c"), corev1.RestartPolicyNever, 2, false},
		{"empty policy is Always", ctr("c"), "", 0, true},
		{"sidecar in Never pod", sidecar("c"), corev1.RestartPolicyNever, 0, true},
		{"NotIn rule matches", notIn, corev1.RestartPolicyAlways, 7, true},
		{"NotIn rule does not match", notIn, corev1.RestartPolicyAlways, 1, false},
		{"rules ignored without container policy", rulesWithoutPolicy, corev1.RestartPolicyNever, 7, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := &corev1.PodSpec{RestartPolicy: tc.policy}
			if got := ContainerShouldRestart(&tc.c, spec, tc.code); got != tc.want {
				t.Errorf("ContainerShouldRestart = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestShouldRestart(t *testing.T) {
	never := newPod(corev1.RestartPolicyNever, nil, ctr("app"))
	deleted := newPod(corev1.RestartPolicyAlways, nil, ctr("app"))
	deleted.DeletionTimestamp = mtp(0)
	always := newPod(corev1.RestartPolicyAlways, nil, ctr("app"))
	tests := []struct {
		name   string
		pod    *corev1.Pod
		latest *Instance
		want   bool
	}{
		{"never ran, Never", never, nil, true},
		{"created, Never", never, &Instance{State: InstanceCreated}, true},
		{"unknown, Never", never, &Instance{State: InstanceUnknown}, true},
		{"running", always, &Instance{State: InstanceRunning}, false},
		{"exited, Always", always, &Instance{State: InstanceExited}, true},
		{"exited, Never", never, &Instance{State: InstanceExited, ExitCode: 1}, false},
		{"deleting", deleted, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ShouldRestart(tc.pod, &tc.pod.Spec.Containers[0], tc.latest); got != tc.want {
				t.Errorf("ShouldRestart = %v, want %v", got, tc.want)
			}
		})
	}
}
