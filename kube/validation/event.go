package validation

import (
	"fmt"
	"reflect"

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Events, as pkg/apis/core/validation/events.go validates them. Upstream
// validates both APIs on the internal type: core/v1 Events get only the
// legacy checks, events.k8s.io/v1 Events the strict ones as well, and the
// field paths are those of the internal (core) type.

const (
	reportingInstanceLengthLimit = 128
	actionLengthLimit            = 128
	reasonLengthLimit            = 128
	noteLengthLimit              = 1024
)

func validateCoreEvent(e *corev1.Event) field.ErrorList { return legacyValidateEvent(e) }

func validateCoreEventUpdate(e, _ *corev1.Event) field.ErrorList { return legacyValidateEvent(e) }

func validateEventsV1Event(e *eventsv1.Event) field.ErrorList {
	return validateStrictEventCreate(coreEventOf(e))
}

func validateEventsV1EventUpdate(e, old *eventsv1.Event) field.ErrorList {
	return validateStrictEventUpdate(coreEventOf(e), coreEventOf(old))
}

// coreEventOf converts an events.k8s.io/v1 Event the way upstream's
// conversion to the internal type does.
func coreEventOf(e *eventsv1.Event) *corev1.Event {
	out := &corev1.Event{
		ObjectMeta:          e.ObjectMeta,
		InvolvedObject:      e.Regarding,
		Reason:              e.Reason,
		Message:             e.Note,
		Source:              e.DeprecatedSource,
		FirstTimestamp:      e.DeprecatedFirstTimestamp,
		LastTimestamp:       e.DeprecatedLastTimestamp,
		Count:               e.DeprecatedCount,
		Type:                e.Type,
		EventTime:           e.EventTime,
		Action:              e.Action,
		Related:             e.Related,
		ReportingController: e.ReportingController,
		ReportingInstance:   e.ReportingInstance,
	}
	if e.Series != nil {
		out.Series = &corev1.EventSeries{Count: e.Series.Count, LastObservedTime: e.Series.LastObservedTime}
	}
	return out
}

func validateStrictEventCreate(e *corev1.Event) field.ErrorList {
	allErrs := legacyValidateEvent(e)
	allErrs = append(allErrs, validateObjectMeta(&e.ObjectMeta, true, apimachineryvalidation.NameIsDNSSubdomain, metadataPath)...)
	allErrs = append(allErrs, validateV1EventSeries(e)...)
	if e.EventTime.Time.IsZero() {
		allErrs = append(allErrs, field.Required(field.NewPath("eventTime"), ""))
	}
	if e.Type != corev1.EventTypeNormal && e.Type != corev1.EventTypeWarning {
		allErrs = append(allErrs, field.Invalid(field.NewPath("type"), "", fmt.Sprintf("has invalid value: %v", e.Type)))
	}
	if !e.FirstTimestamp.Time.IsZero() {
		allErrs = append(allErrs, field.Invalid(field.NewPath("firstTimestamp"), "", "needs to be unset"))
	}
	if !e.LastTimestamp.Time.IsZero() {
		allErrs = append(allErrs, field.Invalid(field.NewPath("lastTimestamp"), "", "needs to be unset"))
	}
	if e.Count != 0 {
		allErrs = append(allErrs, field.Invalid(field.NewPath("count"), "", "needs to be unset"))
	}
	if e.Source.Component != "" || e.Source.Host != "" {
		allErrs = append(allErrs, field.Invalid(field.NewPath("source"), "", "needs to be unset"))
	}
	return allErrs
}

func validateStrictEventUpdate(e, old *corev1.Event) field.ErrorList {
	allErrs := legacyValidateEvent(e)
	allErrs = append(allErrs, validateObjectMetaUpdate(&e.ObjectMeta, &old.ObjectMeta, metadataPath)...)
	if !reflect.DeepEqual(e.Series, old.Series) {
		allErrs = append(allErrs, validateV1EventSeries(e)...)
	}
	immutable := []struct {
		name     string
		new, old any
	}{
		{"involvedObject", e.InvolvedObject, old.InvolvedObject},
		{"reason", e.Reason, old.Reason},
		{"message", e.Message, old.Message},
		{"source", e.Source, old.Source},
		{"firstTimestamp", e.FirstTimestamp, old.FirstTimestamp},
		{"lastTimestamp", e.LastTimestamp, old.LastTimestamp},
		{"count", e.Count, old.Count},
		{"reason", e.Reason, old.Reason},
		{"type", e.Type, old.Type},
		{"eventTime", e.EventTime, old.EventTime},
		{"action", e.Action, old.Action},
		{"related", e.Related, old.Related},
		{"reportingController", e.ReportingController, old.ReportingController},
		{"reportingInstance", e.ReportingInstance, old.ReportingInstance},
	}
	for _, f := range immutable {
		allErrs = append(allErrs, validateImmutableField(f.new, f.old, field.NewPath(f.name))...)
	}
	return allErrs
}

func validateV1EventSeries(e *corev1.Event) field.ErrorList {
	var allErrs field.ErrorList
	if e.Series != nil {
		if e.Series.Count < 2 {
			allErrs = append(allErrs, field.Invalid(field.NewPath("series.count"), "", "should be at least 2"))
		}
		if e.Series.LastObservedTime.Time.IsZero() {
			allErrs = append(allErrs, field.Required(field.NewPath("series.lastObservedTime"), ""))
		}
	}
	return allErrs
}

// legacyValidateEvent holds the checks every Event passes, whichever API
// wrote it.
func legacyValidateEvent(e *corev1.Event) field.ErrorList {
	var allErrs field.ErrorList
	nsPath := field.NewPath("involvedObject", "namespace")
	if e.EventTime.Time.IsZero() {
		// An old-style event: its namespace must agree with the object's
		// ("default" is tolerated for cluster-scoped objects).
		if e.InvolvedObject.Namespace == "" {
			if e.Namespace != metav1.NamespaceNone && e.Namespace != metav1.NamespaceDefault {
				allErrs = append(allErrs, field.Invalid(nsPath, e.InvolvedObject.Namespace, "does not match event.namespace"))
			}
		} else if e.Namespace != e.InvolvedObject.Namespace {
			allErrs = append(allErrs, field.Invalid(nsPath, e.InvolvedObject.Namespace, "does not match event.namespace"))
		}
	} else {
		if e.InvolvedObject.Namespace == "" && e.Namespace != metav1.NamespaceDefault && e.Namespace != metav1.NamespaceSystem {
			allErrs = append(allErrs, field.Invalid(nsPath, e.InvolvedObject.Namespace, "does not match event.namespace"))
		}
		allErrs = append(allErrs, validateEventReporting(e)...)
	}
	for _, msg := range validation.IsDNS1123Subdomain(e.Namespace) {
		allErrs = append(allErrs, field.Invalid(field.NewPath("namespace"), e.Namespace, msg))
	}
	return allErrs
}

// validateEventReporting checks the fields a new-style event (one with an
// eventTime) must fill.
func validateEventReporting(e *corev1.Event) field.ErrorList {
	var allErrs field.ErrorList
	if len(e.ReportingController) == 0 {
		allErrs = append(allErrs, field.Required(field.NewPath("reportingController"), ""))
	}
	for _, msg := range validation.IsQualifiedName(e.ReportingController) {
		allErrs = append(allErrs, field.Invalid(field.NewPath("reportingController"), e.ReportingController, msg))
	}
	limits := []struct {
		name     string
		value    string
		limit    int
		required bool
	}{
		{"reportingInstance", e.ReportingInstance, reportingInstanceLengthLimit, true},
		{"action", e.Action, actionLengthLimit, true},
		{"reason", e.Reason, reasonLengthLimit, true},
		{"message", e.Message, noteLengthLimit, false},
	}
	for _, l := range limits {
		if l.required && len(l.value) == 0 {
			allErrs = append(allErrs, field.Required(field.NewPath(l.name), ""))
		}
		if len(l.value) > l.limit {
			allErrs = append(allErrs, field.Invalid(field.NewPath(l.name), "", fmt.Sprintf("can have at most %v characters", l.limit)))
		}
	}
	return allErrs
}
