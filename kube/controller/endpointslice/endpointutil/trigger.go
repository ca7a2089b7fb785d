package endpointutil

import (
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// TriggerTimes computes the endpoints.kubernetes.io/last-change-trigger-time
// of a Service's endpoints as upstream's TriggerTimeTracker does: the
// Service's creation time the first time it is synced, afterwards the
// earliest of the trigger times that changed since the last sync (a pod's
// Ready transition, the Service's creation), or zero when none did, in
// which case the annotation is removed.
type TriggerTimes struct {
	mu     sync.Mutex
	states map[string]triggerState
}

type triggerState struct {
	pods    map[string]time.Time
	service time.Time
}

// NewTriggerTimes returns an empty tracker.
func NewTriggerTimes() *TriggerTimes { return &TriggerTimes{states: map[string]triggerState{}} }

// Compute returns the trigger time of this sync of svc with the pods it
// selects, and remembers what it saw.
func (t *TriggerTimes) Compute(svc *corev1.Service, pods []*corev1.Pod) time.Time {
	key := svc.Namespace + "/" + svc.Name
	t.mu.Lock()
	state, known := t.states[key]
	t.mu.Unlock()

	var earliest time.Time
	consider := func(tt time.Time) {
		if earliest.IsZero() || tt.Before(earliest) {
			earliest = tt
		}
	}
	podTimes := make(map[string]time.Time, len(pods))
	for _, pod := range pods {
		tt := ReadyTransition(pod)
		if tt.IsZero() {
			continue
		}
		podTimes[pod.Name] = tt
		if tt.After(state.pods[pod.Name]) {
			consider(tt)
		}
	}
	created := svc.CreationTimestamp.Time
	if created.After(state.service) {
		consider(created)
	}
	t.mu.Lock()
	t.states[key] = triggerState{pods: podTimes, service: created}
	t.mu.Unlock()
	if !known {
		return created
	}
	return earliest
}

// Forget drops a deleted Service's state.
func (t *TriggerTimes) Forget(namespace, name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.states, namespace+"/"+name)
}

// FormatTriggerTime is the annotation's value.
func FormatTriggerTime(tt time.Time) string { return tt.UTC().Format(time.RFC3339Nano) }
