package disruption_test

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// A DisruptionTarget condition whose pod was never deleted is set back to
// False after two minutes.
func TestStaleDisruptionTargetIsReset(t *testing.T) {
	env, c := start(t)
	deploy(t, env, "web", 1)
	pod := runningPods(t, c, "web")[0]
	pod.Status.Conditions = append(pod.Status.Conditions, corev1.PodCondition{
		Type: corev1.DisruptionTarget, Status: corev1.ConditionTrue,
		Reason: "EvictionByEvictionAPI", Message: "Eviction API: evicting",
		LastTransitionTime: metav1.NewTime(env.Clock().Now()),
	})
	if _, err := c.CoreV1().Pods(ns).UpdateStatus(ctx, &pod, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(time.Minute)
	if cond := disruptionTarget(t, c, pod.Name); cond.Status != corev1.ConditionTrue {
		t.Fatalf("condition reset after a minute: %+v", cond)
	}
	env.Advance(time.Minute + time.Second)
	if cond := disruptionTarget(t, c, pod.Name); cond.Status != corev1.ConditionFalse || cond.Reason != "" {
		t.Fatalf("condition after two minutes: %+v, want False", cond)
	}
}

func disruptionTarget(t *testing.T, c kubernetes.Interface, name string) *corev1.PodCondition {
	t.Helper()
	pod, err := c.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cond := podCondition(pod, corev1.DisruptionTarget)
	if cond == nil {
		t.Fatal("no DisruptionTarget condition")
	}
	return cond
}
