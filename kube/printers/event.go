package printers

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func addEventPrinters(r registry) {
	doc := corev1.Event{}.SwaggerDoc()
	columns := []metav1.TableColumnDefinition{
		column("Last Seen", "string", doc["lastTimestamp"]),
		column("Type", "string", doc["type"]),
		column("Reason", "string", doc["reason"]),
		column("Object", "string", doc["involvedObject"]),
		wide("Subobject", "string", corev1.ObjectReference{}.SwaggerDoc()["fieldPath"]),
		wide("Source", "string", doc["source"]),
		column("Message", "string", doc["message"]),
		wide("First Seen", "string", doc["firstTimestamp"]),
		wide("Count", "string", doc["count"]),
		{Name: "Name", Type: "string", Format: "name", Priority: 1, Description: nameDoc},
	}
	add(r, columns, eventCells)
	// events.k8s.io shares its storage, and so its table, with core events
	// upstream; convert the way pkg/apis/events/v1/conversion.go does.
	add(r, columns, func(ev *eventsv1.Event, e env) []any {
		return eventCells(coreEvent(ev), e)
	})
}

// eventCells reproduces upstream's printEvent for wide output.
func eventCells(ev *corev1.Event, e env) []any {
	first := Age(ev.FirstTimestamp, e.now)
	if ev.FirstTimestamp.IsZero() {
		first = MicroAge(ev.EventTime, e.now)
	}
	last := Age(ev.LastTimestamp, e.now)
	if ev.LastTimestamp.IsZero() {
		last = first
	}
	count := ev.Count
	if ev.Series != nil {
		last = MicroAge(ev.Series.LastObservedTime, e.now)
		count = ev.Series.Count
	} else if count == 0 {
		// Singleton events of the new API have no count.
		count = 1
	}
	target := strings.ToLower(ev.InvolvedObject.Kind)
	if ev.InvolvedObject.Name != "" {
		target = fmt.Sprintf("%s/%s", target, ev.InvolvedObject.Name)
	}
	source := joinSource(firstNonEmpty(ev.Source.Component, ev.ReportingController),
		firstNonEmpty(ev.Source.Host, ev.ReportingInstance))
	return []any{last, ev.Type, ev.Reason, target, ev.InvolvedObject.FieldPath, source,
		strings.TrimSpace(ev.Message), first, int64(count), ev.Name}
}

// joinSource prints "component, host", or the component alone.
func joinSource(component, instance string) string {
	if instance == "" {
		return component
	}
	return component + ", " + instance
}

// coreEvent maps an events.k8s.io Event onto the core fields printed.
func coreEvent(ev *eventsv1.Event) *corev1.Event {
	out := &corev1.Event{
		ObjectMeta:          ev.ObjectMeta,
		InvolvedObject:      ev.Regarding,
		Reason:              ev.Reason,
		Message:             ev.Note,
		Source:              ev.DeprecatedSource,
		FirstTimestamp:      ev.DeprecatedFirstTimestamp,
		LastTimestamp:       ev.DeprecatedLastTimestamp,
		Count:               ev.DeprecatedCount,
		Type:                ev.Type,
		EventTime:           ev.EventTime,
		Action:              ev.Action,
		ReportingController: ev.ReportingController,
		ReportingInstance:   ev.ReportingInstance,
	}
	if ev.Series != nil {
		out.Series = &corev1.EventSeries{Count: ev.Series.Count, LastObservedTime: ev.Series.LastObservedTime}
	}
	return out
}
