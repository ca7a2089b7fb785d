package events_test

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesim/kubesim/events"
	"github.com/kubesim/kubesim/testkit"
)

// Repeats of an event within ten minutes fold into one Event whose count
// and lastTimestamp move; one deleted meanwhile is written anew, whole.
func TestRepeatsFold(t *testing.T) {
	env := testkit.Start(t)
	ctx := context.Background()
	rec := events.NewRecorder(env.Client(), env.Clock(), env.Cluster().Activity, "test-controller", "")
	defer rec.Stop()
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default", UID: "u1"}}
	pod.Kind, pod.APIVersion = "Pod", "v1"
	list := func() []corev1.Event {
		t.Helper()
		env.Settle()
		l, err := env.Client().CoreV1().Events("default").List(ctx, metav1.ListOptions{FieldSelector: "reason=Tick"})
		if err != nil {
			t.Fatal(err)
		}
		return l.Items
	}
	rec.Event(pod, corev1.EventTypeNormal, "Tick", "tick")
	env.Advance(time.Minute)
	rec.Event(pod, corev1.EventTypeNormal, "Tick", "tick")
	rec.Event(pod, corev1.EventTypeNormal, "Tick", "tick")
	evs := list()
	if len(evs) != 1 || evs[0].Count != 3 || evs[0].LastTimestamp.Sub(evs[0].FirstTimestamp.Time) != time.Minute {
		t.Fatalf("after three ticks: %+v", evs)
	}
	if err := env.Client().CoreV1().Events("default").Delete(ctx, evs[0].Name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	rec.Event(pod, corev1.EventTypeNormal, "Tick", "tick")
	evs = list()
	if len(evs) != 1 || evs[0].Count != 4 || evs[0].Message != "tick" || evs[0].InvolvedObject.Name != "web" ||
		evs[0].Source.Component != "test-controller" || evs[0].Type != corev1.EventTypeNormal {
		t.Fatalf("rewritten after deletion: %+v", evs)
	}
	// Past the window a repeat is a new Event.
	env.Advance(11 * time.Minute)
	rec.Event(pod, corev1.EventTypeNormal, "Tick", "tick")
	if evs = list(); len(evs) != 2 {
		t.Fatalf("after the window: %d events", len(evs))
	}
}
