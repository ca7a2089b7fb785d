package printers

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// now is the virtual time every test prints at.
var now = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// ago returns the API time d before now.
func ago(d time.Duration) metav1.Time { return metav1.NewTime(now.Add(-d)) }

// agoPtr is ago for optional fields.
func agoPtr(d time.Duration) *metav1.Time {
	t := ago(d)
	return &t
}

// objectMeta names an object created an hour ago.
func objectMeta(name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: "default", CreationTimestamp: ago(time.Hour)}
}

func ptr[T any](v T) *T { return &v }

// cells prints obj alone and returns its row's cells.
func cells(t *testing.T, obj runtime.Object) []any {
	t.Helper()
	table, err := ToTable([]runtime.Object{obj}, now, Options{})
	if err != nil {
		t.Fatalf("ToTable(%T): %v", obj, err)
	}
	if len(table.Rows) != 1 {
		t.Fatalf("ToTable(%T): %d rows, want 1", obj, len(table.Rows))
	}
	if len(table.Rows[0].Cells) != len(table.ColumnDefinitions) {
		t.Fatalf("ToTable(%T): %d cells for %d columns", obj, len(table.Rows[0].Cells), len(table.ColumnDefinitions))
	}
	return table.Rows[0].Cells
}

// columnNames lists the column names of obj's table, marking wide ones.
func columnNames(obj runtime.Object) []string {
	var names []string
	for _, c := range Columns(obj) {
		name := c.Name
		if c.Priority > 0 {
			name += " (wide)"
		}
		names = append(names, name)
	}
	return names
}
