package printers

import (
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/duration"
)

// Age formats the time elapsed from t to now the way every AGE-like column
// does (upstream's translateTimestampSince): "<unknown>" for a zero time,
// otherwise duration.HumanDuration, e.g. "45s", "3m20s", "5h", "12d".
func Age(t metav1.Time, now time.Time) string {
	if t.IsZero() {
		return "<unknown>"
	}
	return duration.HumanDuration(now.Sub(t.Time))
}

// MicroAge is Age for the MicroTime fields of events.
func MicroAge(t metav1.MicroTime, now time.Time) string {
	if t.IsZero() {
		return "<unknown>"
	}
	return duration.HumanDuration(now.Sub(t.Time))
}

// Descriptions of the common columns, taken from the API's own docs as
// upstream does.
var (
	objectMetaDoc = metav1.ObjectMeta{}.SwaggerDoc()
	nameDoc       = objectMetaDoc["name"]
	ageDoc        = objectMetaDoc["creationTimestamp"]
)

// column is a definition kubectl always shows.
func column(name, typ, description string) metav1.TableColumnDefinition {
	return metav1.TableColumnDefinition{Name: name, Type: typ, Description: description}
}

// wide is a definition kubectl shows only with -o wide (Priority 1).
func wide(name, typ, description string) metav1.TableColumnDefinition {
	return metav1.TableColumnDefinition{Name: name, Type: typ, Priority: 1, Description: description}
}

// nameColumn is the NAME column every printer but Event's starts with.
func nameColumn() metav1.TableColumnDefinition {
	return metav1.TableColumnDefinition{Name: "Name", Type: "string", Format: "name", Description: nameDoc}
}

// ageColumn is the AGE column.
func ageColumn() metav1.TableColumnDefinition { return column("Age", "string", ageDoc) }

// Wide columns shared by the workload printers.
func containersColumn() metav1.TableColumnDefinition {
	return wide("Containers", "string", "Names of each container in the template.")
}

func imagesColumn() metav1.TableColumnDefinition {
	return wide("Images", "string", "Images referenced by each container in the template.")
}

// containerCells lays out container names and images on one line each,
// comma separated (upstream's layoutContainerCells).
func containerCells(containers []corev1.Container) (names, images string) {
	n := make([]string, len(containers))
	im := make([]string, len(containers))
	for i, c := range containers {
		n[i], im[i] = c.Name, c.Image
	}
	return strings.Join(n, ","), strings.Join(im, ",")
}

// boolPtr prints an optional boolean as upstream's printBoolPtr.
func boolPtr(b *bool) string {
	switch {
	case b == nil:
		return "<unset>"
	case *b:
		return "True"
	default:
		return "False"
	}
}

// deref returns *p, or 0 for nil (what converting to the internal,
// non-pointer field gives).
func deref(p *int32) int32 {
	if p == nil {
		return 0
	}
	return *p
}

// listWithMore joins up to limit items and says how many more there were
// (upstream's listWithMoreString); an empty list reads "<unset>".
func listWithMore(list []string, more bool, count, limit int) string {
	ret := strings.Join(list, ",")
	if more {
		return fmt.Sprintf("%s + %d more...", ret, count-limit)
	}
	if ret == "" {
		return "<unset>"
	}
	return ret
}

// orNone replaces an empty string by "<none>".
func orNone(s string) string {
	if s == "" {
		return "<none>"
	}
	return s
}

// firstNonEmpty returns the first non-empty string, or "".
func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
