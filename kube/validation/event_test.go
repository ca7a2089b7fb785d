package validation

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestCoreEvent(t *testing.T) {
	legacy := func(ns, objNS string) *corev1.Event {
		return &corev1.Event{ObjectMeta: om("e", ns), InvolvedObject: corev1.ObjectReference{Kind: "Pod", Name: "p", Namespace: objNS}}
	}
	now := metav1.NewMicroTime(metav1.Unix(1000, 0).Time)
	modern := func() *corev1.Event {
		e := legacy("ns", "ns")
		e.EventTime = now
		e.ReportingController, e.ReportingInstance, e.Action, e.Reason = "kubelet", "node-1", "Pulling", "Pulling"
		return e
	}
	noReporting := modern()
	noReporting.ReportingController, noReporting.ReportingInstance, noReporting.Action, noReporting.Reason = "", "", "", ""
	longMessage := modern()
	longMessage.Message = strings.Repeat("x", 1025)
	runCreate(t, []createCase{
		{"legacy", legacy("ns", "ns"), nil},
		{"cluster-scoped object in default", legacy("default", ""), nil},
		{"namespace mismatch", legacy("ns", "other"), []string{
			`involvedObject.namespace: Invalid value: "other": does not match event.namespace`,
		}},
		{"cluster-scoped object elsewhere", legacy("ns", ""), []string{
			`involvedObject.namespace: Invalid value: "": does not match event.namespace`,
		}},
		// core/v1 events skip the strict checks: a bad name passes here.
		{"legacy with any name", &corev1.Event{ObjectMeta: om("Bad Name", "ns"), InvolvedObject: corev1.ObjectReference{Namespace: "ns"}}, nil},
		{"modern", modern(), nil},
		{"modern without reporting fields", noReporting, []string{
			"reportingController: Required value",
			`reportingController: Invalid value: "": ` + qualifiedNameEmptyMsg,
			`reportingController: Invalid value: "": ` + qualifiedNameMsg,
			"reportingInstance: Required value",
			"action: Required value",
			"reason: Required value",
		}},
		{"modern long message", longMessage, []string{`message: Invalid value: "": can have at most 1024 characters`}},
	})
}

const qualifiedNameEmptyMsg = "name part must be non-empty"

func TestEventsV1Event(t *testing.T) {
	now := metav1.NewMicroTime(metav1.Unix(1000, 0).Time)
	valid := func() *eventsv1.Event {
		return &eventsv1.Event{
			ObjectMeta: om("e", "ns"), EventTime: now, Type: corev1.EventTypeNormal,
			Regarding:           corev1.ObjectReference{Kind: "Pod", Name: "p", Namespace: "ns"},
			ReportingController: "example.com/ctrl", ReportingInstance: "i", Action: "Act", Reason: "Why", Note: "hello",
		}
	}
	badType := valid()
	badType.Type = "Info"
	deprecated := valid()
	deprecated.DeprecatedCount = 3
	deprecated.DeprecatedSource = corev1.EventSource{Component: "x"}
	series := valid()
	series.Series = &eventsv1.EventSeries{Count: 1}
	noTime := valid()
	noTime.EventTime = metav1.MicroTime{}
	badName := valid()
	badName.Name = "Bad"
	runCreate(t, []createCase{
		{"valid", valid(), nil},
		{"type", badType, []string{`type: Invalid value: "": has invalid value: Info`}},
		{"deprecated fields", deprecated, []string{
			`count: Invalid value: "": needs to be unset`,
			`source: Invalid value: "": needs to be unset`,
		}},
		{"series", series, []string{
			`series.count: Invalid value: "": should be at least 2`,
			"series.lastObservedTime: Required value",
		}},
		{"no eventTime", noTime, []string{"eventTime: Required value"}},
		{"name", badName, []string{`metadata.name: Invalid value: "Bad": ` + dns1123SubdomainMsg}},
	})

	changedNote := valid()
	changedNote.Note = "changed"
	runUpdate(t, []updateCase{
		{"series may be added", func() *eventsv1.Event {
			e := valid()
			e.Series = &eventsv1.EventSeries{Count: 2, LastObservedTime: now}
			return e
		}(), valid(), nil},
		// The path names the internal field, as upstream reports it.
		{"note", changedNote, valid(), []string{`message: Invalid value: "changed": field is immutable`}},
	})
}
