package fakenode_test

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubesim/kubesim/testkit"
)

// A condition another controller writes into the pod's status (here a
// readiness gate's) survives the kubelet's own status writes, and the
// kubelet's Ready follows both the gate and the containers.
func TestReadinessGateConditionSurvivesKubeletWrites(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	p := shellPod("gated", "touch /tmp/ready; sleep 20; rm /tmp/ready; sleep 3600")
	p.Spec.ReadinessGates = []corev1.PodReadinessGate{{ConditionType: "example.com/lb"}}
	p.Spec.Containers[0].ReadinessProbe = &corev1.Probe{
		ProbeHandler:  corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"cat", "/tmp/ready"}}},
		PeriodSeconds: 5, FailureThreshold: 1, SuccessThreshold: 1, TimeoutSeconds: 1,
	}
	run(t, env, p)
	env.Advance(6 * time.Second)
	cond := func(pod *corev1.Pod, typ corev1.PodConditionType) corev1.PodCondition {
		for _, c := range pod.Status.Conditions {
			if c.Type == typ {
				return c
			}
		}
		return corev1.PodCondition{}
	}
	got := status(t, env, "gated")
	if c := cond(got, corev1.ContainersReady); c.Status != corev1.ConditionTrue {
		t.Fatalf("ContainersReady before the gate: %+v", c)
	}
	want := `corresponding condition of pod readiness gate "example.com/lb" does not exist.`
	if c := cond(got, corev1.PodReady); c.Status != corev1.ConditionFalse || c.Reason != "ReadinessGatesNotReady" || c.Message != want {
		t.Fatalf("Ready before the gate: %+v", c)
	}

	patch := `{"status":{"conditions":[{"type":"example.com/lb","status":"True"}]}}`
	if _, err := env.Client().CoreV1().Pods("default").Patch(ctx, "gated", types.StrategicMergePatchType, []byte(patch),
		metav1.PatchOptions{}, "status"); err != nil {
		t.Fatal(err)
	}
	env.Settle()
	got = status(t, env, "gated")
	if c := cond(got, corev1.PodReady); c.Status != corev1.ConditionTrue {
		t.Fatalf("Ready once the gate is True: %+v", c)
	}

	env.Advance(20 * time.Second) // the file goes, the probe fails
	got = status(t, env, "gated")
	if c := cond(got, corev1.ContainersReady); c.Status != corev1.ConditionFalse {
		t.Errorf("ContainersReady after the probe failed: %+v", c)
	}
	if c := cond(got, corev1.PodReady); c.Status != corev1.ConditionFalse || c.Reason != "ContainersNotReady" {
		t.Errorf("Ready after the probe failed: %+v", c)
	}
	if c := cond(got, "example.com/lb"); c.Status != corev1.ConditionTrue {
		t.Errorf("the gate's condition after the kubelet's writes: %+v", c)
	}
}
