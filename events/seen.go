package events

import (
	"container/list"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// maxSeen is how many distinct events a recorder remembers for folding
// repeats, as client-go's EventCorrelator's LRU (maxLruCacheEntries).
const maxSeen = 4096

// seenEvent is what folding a repeat needs of an event already written,
// and what writing it anew needs when it has gone from the API. Its
// strings share memory with the event's; a full copy of every event
// would cost several times as much.
type seenEvent struct {
	key             string
	name, namespace string
	first           metav1.Time
	count           int32
	ref             corev1.ObjectReference
	eventtype       string
	reason, message string
}

// event is the event with its current count, last seen at last.
func (s *seenEvent) event(source corev1.EventSource, last metav1.Time) *corev1.Event {
	return &corev1.Event{
		ObjectMeta:     metav1.ObjectMeta{Name: s.name, Namespace: s.namespace},
		InvolvedObject: s.ref, Reason: s.reason, Message: s.message, Type: s.eventtype,
		FirstTimestamp: s.first, LastTimestamp: last, Count: s.count,
		Source: source, ReportingController: source.Component, ReportingInstance: source.Host,
	}
}

// seenCache is a least-recently-used cache of seenEvents by key. A
// recorder that ran for a long virtual time would otherwise keep every
// event it ever wrote.
type seenCache struct {
	order *list.List // front: most recently used
	byKey map[string]*list.Element
}

func newSeenCache() *seenCache {
	return &seenCache{order: list.New(), byKey: map[string]*list.Element{}}
}

func (c *seenCache) get(key string) (*seenEvent, bool) {
	e, ok := c.byKey[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*seenEvent), true
}

func (c *seenCache) put(s *seenEvent) {
	if e, ok := c.byKey[s.key]; ok {
		e.Value = s
		c.order.MoveToFront(e)
		return
	}
	c.byKey[s.key] = c.order.PushFront(s)
	if c.order.Len() > maxSeen {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.byKey, oldest.Value.(*seenEvent).key)
	}
}
