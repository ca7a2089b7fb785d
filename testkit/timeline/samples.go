package timeline

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes/scheme"

	"github.com/kubesim/kubesim/store"
)

// record files one store event under pods, events or other changes.
func (r *Recorder) record(ev store.Event, verb Verb) {
	now := r.src.Clock.Now()
	switch obj := ev.Object.(type) {
	case *corev1.Pod:
		r.recordPod(podSample(obj, now, ev.RV, verb), obj)
	case *corev1.Event:
		if e, ok := coreEvent(obj, ev, now); ok {
			r.addEvent(e)
		}
	case *eventsv1.Event:
		if e, ok := eventsV1Event(obj, ev, now); ok {
			r.addEvent(e)
		}
	default:
		if c, ok := change(ev, now, verb); ok {
			r.mu.Lock()
			r.changes = append(r.changes, c)
			r.mu.Unlock()
		}
	}
}

func (r *Recorder) addEvent(e Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

// recordPod appends s to the pod's history unless nothing a story tells
// changed.
func (r *Recorder) recordPod(s PodSample, pod *corev1.Pod) {
	r.mu.Lock()
	defer r.mu.Unlock()
	key := pod.Namespace + "/" + pod.Name + "/" + string(pod.UID)
	h, ok := r.byKey[key]
	if !ok {
		h = &PodHistory{Namespace: pod.Namespace, Name: pod.Name, UID: string(pod.UID)}
		r.byKey[key] = h
		r.pods = append(r.pods, h)
	}
	if n := len(h.Samples); n > 0 && s.Verb == Updated && sameState(h.Samples[n-1], s) {
		return
	}
	s.Conditions = r.sharedConditionsLocked(s.Conditions)
	h.Samples = append(h.Samples, s)
}

// sharedConditionsLocked returns the recorded map equal to conds, so
// that the samples of a thousand pods going through the same conditions
// share a handful of maps (samples are read only).
func (r *Recorder) sharedConditionsLocked(conds map[string]string) map[string]string {
	keys := make([]string, 0, len(conds))
	for k := range conds {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + "=" + conds[k] + "\x00")
	}
	if shared, ok := r.condSet[b.String()]; ok {
		return shared
	}
	r.condSet[b.String()] = conds
	return conds
}

func sameState(a, b PodSample) bool {
	a.At, a.RV, a.Verb = b.At, b.RV, b.Verb
	return reflect.DeepEqual(a, b)
}

func podSample(p *corev1.Pod, now time.Time, rv uint64, verb Verb) PodSample {
	s := PodSample{
		At: now, RV: rv, Verb: verb, Node: p.Spec.NodeName, Phase: string(p.Status.Phase),
		Reason: p.Status.Reason, Message: p.Status.Message, Deleting: p.DeletionTimestamp != nil,
		Conditions: map[string]string{},
	}
	for _, c := range p.Status.Conditions {
		s.Conditions[string(c.Type)] = string(c.Status)
	}
	s.Containers = append(containerSamples(p.Spec.InitContainers, p.Status.InitContainerStatuses, true),
		containerSamples(p.Spec.Containers, p.Status.ContainerStatuses, false)...)
	return s
}

// containerSamples lists the spec's containers in order, with the status
// reported for each, if any.
func containerSamples(spec []corev1.Container, statuses []corev1.ContainerStatus, init bool) []ContainerSample {
	var out []ContainerSample
	for _, c := range spec {
		cs := ContainerSample{Name: c.Name, Init: init}
		for _, st := range statuses {
			if st.Name == c.Name {
				fillState(&cs, st)
			}
		}
		out = append(out, cs)
	}
	return out
}

func fillState(cs *ContainerSample, st corev1.ContainerStatus) {
	cs.Ready, cs.Restarts = st.Ready, st.RestartCount
	if t := st.LastTerminationState.Terminated; t != nil {
		cs.Last = &Termination{Reason: t.Reason, ExitCode: t.ExitCode, FinishedAt: t.FinishedAt.Time}
	}
	switch {
	case st.State.Running != nil:
		cs.State = "Running"
	case st.State.Terminated != nil:
		t := st.State.Terminated
		cs.State, cs.Reason, cs.Message, cs.ExitCode = "Terminated", t.Reason, t.Message, t.ExitCode
	case st.State.Waiting != nil:
		w := st.State.Waiting
		cs.State, cs.Reason, cs.Message = "Waiting", w.Reason, w.Message
	}
}

// coreEvent turns a core/v1 Event into a timeline event: on creation, and
// on each update that counts another repetition.
func coreEvent(e *corev1.Event, ev store.Event, now time.Time) (Event, bool) {
	if ev.Type != watch.Added {
		prev, ok := ev.Prev.(*corev1.Event)
		if ev.Type != watch.Modified || !ok || prev.Count >= e.Count {
			return Event{}, false
		}
	}
	io := e.InvolvedObject
	return Event{At: now, RV: ev.RV, Type: e.Type, Reason: e.Reason, Message: e.Message, Count: e.Count,
		Kind: io.Kind, Namespace: io.Namespace, Name: io.Name, UID: string(io.UID), FieldPath: io.FieldPath}, true
}

// eventsV1Event does the same for events.k8s.io/v1 Events.
func eventsV1Event(e *eventsv1.Event, ev store.Event, now time.Time) (Event, bool) {
	count := int32(1)
	if e.Series != nil {
		count = e.Series.Count
	}
	if ev.Type != watch.Added {
		prev, ok := ev.Prev.(*eventsv1.Event)
		if ev.Type != watch.Modified || !ok || prev.Series == nil && e.Series == nil ||
			prev.Series != nil && prev.Series.Count >= count {
			return Event{}, false
		}
	}
	r := e.Regarding
	return Event{At: now, RV: ev.RV, Type: e.Type, Reason: e.Reason, Message: e.Note, Count: count,
		Kind: r.Kind, Namespace: r.Namespace, Name: r.Name, UID: string(r.UID), FieldPath: r.FieldPath}, true
}

// change describes a change to another object. Heartbeats, that is lease
// renewals and node status reports that change nothing but timestamps,
// would drown a story, so they are left out.
func change(ev store.Event, now time.Time, verb Verb) (Change, bool) {
	if ev.Resource == "leases.coordination.k8s.io" || ev.Resource == "leases" {
		return Change{}, false
	}
	if n, ok := ev.Object.(*corev1.Node); ok && verb == Updated {
		if prev, ok := ev.Prev.(*corev1.Node); ok && !nodeChanged(prev, n) {
			return Change{}, false
		}
	}
	return Change{At: now, RV: ev.RV, Verb: verb, Kind: kindOf(ev.Object, ev.Resource), Namespace: ev.Namespace, Name: ev.Name,
		Detail: updateDetail(ev.Prev, ev.Object, verb)}, true
}

// updateDetail tells a spec change from a status change by the object's
// generation, and notes a deletion that waits for finalizers or pods.
func updateDetail(prev, obj runtime.Object, verb Verb) string {
	if verb != Updated || prev == nil {
		return ""
	}
	before, err1 := meta.Accessor(prev)
	after, err2 := meta.Accessor(obj)
	switch {
	case err1 != nil || err2 != nil:
		return ""
	case after.GetDeletionTimestamp() != nil && before.GetDeletionTimestamp() == nil:
		return "deletion requested"
	case after.GetGeneration() != before.GetGeneration():
		return fmt.Sprintf("generation %d", after.GetGeneration())
	}
	return ""
}

func nodeChanged(a, b *corev1.Node) bool {
	if !reflect.DeepEqual(a.Spec, b.Spec) || !reflect.DeepEqual(a.Labels, b.Labels) {
		return true
	}
	status := func(n *corev1.Node) map[corev1.NodeConditionType]corev1.ConditionStatus {
		m := map[corev1.NodeConditionType]corev1.ConditionStatus{}
		for _, c := range n.Status.Conditions {
			m[c.Type] = c.Status
		}
		return m
	}
	return !reflect.DeepEqual(status(a), status(b))
}

// kindOf names an object's kind: from its TypeMeta (custom resources),
// from the scheme (built-in types, stored without TypeMeta), or, failing
// both, by its resource.
func kindOf(obj runtime.Object, resource string) string {
	if k := obj.GetObjectKind().GroupVersionKind().Kind; k != "" {
		return k
	}
	if gvks, _, err := scheme.Scheme.ObjectKinds(obj); err == nil && len(gvks) > 0 {
		return gvks[0].Kind
	}
	return strings.SplitN(resource, ".", 2)[0]
}
