package podgc

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Beyond the threshold, evicted pods go first, then the oldest.
func TestOverThreshold(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	pod := func(name string, age int, phase corev1.PodPhase, reason string) *corev1.Pod {
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, CreationTimestamp: metav1.NewTime(t0.Add(time.Duration(age) * time.Minute))},
			Status: corev1.PodStatus{Phase: phase, Reason: reason}}
	}
	pods := []*corev1.Pod{
		pod("old-done", 0, corev1.PodSucceeded, ""),
		pod("running", 1, corev1.PodRunning, ""),
		pod("new-evicted", 5, corev1.PodFailed, "Evicted"),
		pod("mid-failed", 2, corev1.PodFailed, ""),
		pod("newest", 9, corev1.PodSucceeded, ""),
	}
	got := overThreshold(pods, 2)
	var names []string
	for _, p := range got {
		names = append(names, p.Name)
	}
	if len(names) != 2 || names[0] != "new-evicted" || names[1] != "old-done" {
		t.Errorf("deleted %v, want [new-evicted old-done]", names)
	}
	if got := overThreshold(pods, 4); len(got) != 0 {
		t.Errorf("under the threshold, deleted %d", len(got))
	}
}
