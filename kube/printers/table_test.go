package printers

import (
	"encoding/json"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

func TestAge(t *testing.T) {
	tests := []struct {
		since time.Duration
		want  string
	}{
		{0, "0s"},
		{-time.Second, "0s"},
		{-5 * time.Second, "<invalid>"},
		{45 * time.Second, "45s"},
		{119 * time.Second, "119s"},
		{200 * time.Second, "3m20s"},
		{5 * time.Minute, "5m"},
		{90 * time.Minute, "90m"},
		{5*time.Hour + 7*time.Minute, "5h7m"},
		{30 * time.Hour, "30h"},
		{3*24*time.Hour + 4*time.Hour, "3d4h"},
		{40 * 24 * time.Hour, "40d"},
		{3 * 365 * 24 * time.Hour, "3y"},
	}
	for _, tt := range tests {
		if got := Age(ago(tt.since), now); got != tt.want {
			t.Errorf("Age(%v ago) = %q, want %q", tt.since, got, tt.want)
		}
	}
	if got := Age(metav1.Time{}, now); got != "<unknown>" {
		t.Errorf("Age(zero) = %q, want <unknown>", got)
	}
	if got := MicroAge(metav1.MicroTime{}, now); got != "<unknown>" {
		t.Errorf("MicroAge(zero) = %q, want <unknown>", got)
	}
	if got := MicroAge(metav1.NewMicroTime(now.Add(-time.Minute)), now); got != "60s" {
		t.Errorf("MicroAge(1m ago) = %q, want 60s", got)
	}
}

func TestToTableOptionsAndErrors(t *testing.T) {
	a, b := pod([]string{"app"}), pod([]string{"app"})
	b.Name = "other"

	table, err := ToTable([]runtime.Object{a, b}, now, Options{NoHeaders: true})
	if err != nil {
		t.Fatal(err)
	}
	if table.ColumnDefinitions != nil || len(table.Rows) != 2 || table.Rows[1].Cells[0] != "other" {
		t.Errorf("NoHeaders table: %d columns, %d rows", len(table.ColumnDefinitions), len(table.Rows))
	}
	if table.Rows[0].Object.Object != a {
		t.Error("row 0 does not carry its object")
	}

	table, err = ToTable(nil, now, Options{ItemType: &corev1.Pod{}})
	if err != nil {
		t.Fatal(err)
	}
	if len(table.ColumnDefinitions) != 9 || table.Rows == nil || len(table.Rows) != 0 {
		t.Errorf("empty pod table: %d columns, rows %#v", len(table.ColumnDefinitions), table.Rows)
	}

	if _, err := ToTable(nil, now, Options{}); err == nil {
		t.Error("ToTable without objects or ItemType succeeded")
	}
	if _, err := ToTable([]runtime.Object{a, (*corev1.Pod)(nil)}, now, Options{}); err == nil {
		t.Error("ToTable of a nil pod succeeded")
	}
	if _, err := ToTable([]runtime.Object{a, &corev1.Node{}}, now, Options{}); err == nil {
		t.Error("ToTable of mixed types succeeded")
	}

	_, err = ToTable([]runtime.Object{&metav1.Status{}}, now, Options{})
	if !apierrors.IsNotAcceptable(err) {
		t.Errorf("ToTable(Status) error = %v, want NotAcceptable", err)
	}

	// Tables do not share their column definitions.
	t1, _ := ToTable([]runtime.Object{a}, now, Options{})
	t1.ColumnDefinitions[0].Name = "changed"
	if Columns(a)[0].Name != "Name" {
		t.Error("changing a table's columns changed the printer's")
	}
}

func TestDefaultTable(t *testing.T) {
	role := &rbacv1.Role{ObjectMeta: objectMeta("reader")}
	table, err := ToTable([]runtime.Object{role}, now, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []metav1.TableColumnDefinition{
		{Name: "Name", Type: "string", Format: "name", Description: metav1.ObjectMeta{}.SwaggerDoc()["name"]},
		{Name: "Created At", Type: "date", Description: metav1.ObjectMeta{}.SwaggerDoc()["creationTimestamp"]},
	}
	if diff := cmp.Diff(want, table.ColumnDefinitions); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]any{"reader", "2025-06-01T11:00:00Z"}, table.Rows[0].Cells); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
}

// TestEveryPrinter prints an empty object of every registered type: no
// panic, one cell per column, and cells that survive DeepCopy and JSON
// (DeepCopy panics on non-JSON values such as int32).
func TestEveryPrinter(t *testing.T) {
	types := make([]reflect.Type, 0, len(builtin))
	for typ := range builtin {
		types = append(types, typ)
	}
	sort.Slice(types, func(i, j int) bool { return types[i].String() < types[j].String() })
	for _, typ := range types {
		t.Run(typ.String(), func(t *testing.T) {
			obj := reflect.New(typ.Elem()).Interface().(runtime.Object)
			table, err := ToTable([]runtime.Object{obj}, now, Options{})
			if err != nil {
				t.Fatalf("empty %v: %v", typ, err)
			}
			if got, want := len(table.Rows[0].Cells), len(table.ColumnDefinitions); got != want {
				t.Fatalf("%d cells for %d columns", got, want)
			}
			for _, c := range table.ColumnDefinitions {
				if c.Priority != 0 && c.Priority != 1 {
					t.Errorf("column %s has priority %d", c.Name, c.Priority)
				}
			}
			copied := table.DeepCopy()
			data, err := json.Marshal(copied)
			if err != nil {
				t.Fatalf("JSON: %v", err)
			}
			var back metav1.Table
			if err := json.Unmarshal(data, &back); err != nil {
				t.Fatalf("JSON round trip: %v", err)
			}
		})
	}
}

func TestColumnsOfUnknownType(t *testing.T) {
	got := Columns(&metav1.PartialObjectMetadata{TypeMeta: metav1.TypeMeta{Kind: "Thing"}})
	if len(got) != 2 || got[1].Name != "Created At" {
		t.Errorf("Columns of a type without printer = %v", got)
	}
}
