package printers

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// widget is a custom resource with fields of every column type.
func widget(name string, created time.Duration) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "example.com/v1",
		"kind":       "Widget",
		"metadata":   map[string]any{"name": name, "namespace": "default"},
		"spec": map[string]any{
			"replicas": int64(3),
			"ratio":    0.5,
			"paused":   true,
			"color":    "blue",
			"sizes":    []any{int64(1), int64(2)},
			"owner":    nil,
		},
		"status": map[string]any{"lastSync": now.Add(-5 * time.Minute).Format(time.RFC3339), "bad": "yesterday"},
	}}
	u.SetCreationTimestamp(ago(created))
	return u
}

func TestCustomColumns(t *testing.T) {
	cols := []apiextensionsv1.CustomResourceColumnDefinition{
		{Name: "Replicas", Type: "integer", JSONPath: ".spec.replicas"},
		{Name: "Ratio", Type: "number", JSONPath: ".spec.ratio", Priority: 1},
		{Name: "Paused", Type: "boolean", JSONPath: ".spec.paused"},
		{Name: "Color", Type: "string", JSONPath: ".spec.color", Description: "The color."},
		{Name: "Sizes", Type: "string", JSONPath: ".spec.sizes"},
		{Name: "Missing", Type: "string", JSONPath: ".spec.nothing"},
		{Name: "Owner", Type: "string", JSONPath: ".spec.owner"},
		{Name: "Wrong", Type: "boolean", JSONPath: ".spec.color"},
		{Name: "Synced", Type: "date", JSONPath: ".status.lastSync"},
		{Name: "Bad", Type: "date", JSONPath: ".status.bad"},
		{Name: "Age", Type: "date", JSONPath: ".metadata.creationTimestamp"},
		{Name: "Replicas as number", Type: "number", JSONPath: ".spec.replicas"},
		{Name: "Ratio as integer", Type: "integer", JSONPath: ".spec.ratio"},
	}
	table, err := CustomColumns(cols, []*unstructured.Unstructured{widget("w1", 3*time.Hour)}, now, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range table.ColumnDefinitions {
		names = append(names, c.Name)
	}
	wantNames := []string{"Name", "Replicas", "Ratio", "Paused", "Color", "Sizes", "Missing", "Owner", "Wrong", "Synced", "Bad", "Age", "Replicas as number", "Ratio as integer"}
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
	wantDefs := []metav1.TableColumnDefinition{
		{Name: "Ratio", Type: "number", Priority: 1, Description: "Custom resource definition column (in JSONPath format): .spec.ratio"},
		{Name: "Paused", Type: "boolean", Description: "Custom resource definition column (in JSONPath format): .spec.paused"},
		{Name: "Color", Type: "string", Description: "The color."},
	}
	if diff := cmp.Diff(wantDefs, table.ColumnDefinitions[2:5]); diff != "" {
		t.Errorf("column definitions (-want +got):\n%s", diff)
	}
	// A null field prints as jsonpath prints it, "<no value>".
	want := []any{"w1", int64(3), 0.5, true, "blue", "[1,2]", nil, "<no value>", nil, "5m", "<invalid>", "3h", float64(3), int64(0)}
	if diff := cmp.Diff(want, table.Rows[0].Cells); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
	if table.Rows[0].Object.Object == nil {
		t.Error("row without its object")
	}
}

func TestCustomColumnsDefaultsAndErrors(t *testing.T) {
	objs := []*unstructured.Unstructured{widget("w1", time.Hour), widget("w2", 10*time.Second)}
	table, err := CustomColumns(nil, objs, now, Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantDefs := []metav1.TableColumnDefinition{
		{Name: "Name", Type: "string", Format: "name", Description: nameDoc},
		{Name: "Age", Type: "date", Description: ageDoc},
	}
	if diff := cmp.Diff(wantDefs, table.ColumnDefinitions); diff != "" {
		t.Errorf("default columns (-want +got):\n%s", diff)
	}
	var got [][]any
	for _, r := range table.Rows {
		got = append(got, r.Cells)
	}
	if diff := cmp.Diff([][]any{{"w1", "60m"}, {"w2", "10s"}}, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}

	// A JSONPath that does not parse drops its column and the later ones.
	cols := []apiextensionsv1.CustomResourceColumnDefinition{
		{Name: "Color", Type: "string", JSONPath: ".spec.color"},
		{Name: "Broken", Type: "string", JSONPath: ".spec[["},
		{Name: "Paused", Type: "boolean", JSONPath: ".spec.paused"},
	}
	table, err = CustomColumns(cols, objs[:1], now, Options{NoHeaders: true})
	if err != nil {
		t.Fatal(err)
	}
	if table.ColumnDefinitions != nil {
		t.Errorf("NoHeaders: got %d column definitions", len(table.ColumnDefinitions))
	}
	if diff := cmp.Diff([]any{"w1", "blue"}, table.Rows[0].Cells); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
}

func TestUnstructuredGetsTheDefaultTable(t *testing.T) {
	got := cells(t, widget("w1", time.Hour))
	if diff := cmp.Diff([]any{"w1", now.Add(-time.Hour).Format(time.RFC3339)}, got); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Name", "Created At"}, columnNames(&unstructured.Unstructured{})); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
}

func TestCRDCells(t *testing.T) {
	crd := &apiextensionsv1.CustomResourceDefinition{ObjectMeta: objectMeta("widgets.example.com")}
	crd.Namespace = ""
	crd.Spec = apiextensionsv1.CustomResourceDefinitionSpec{
		Group: "example.com", Scope: apiextensionsv1.NamespaceScoped,
		Names: apiextensionsv1.CustomResourceDefinitionNames{Kind: "Widget", ShortNames: []string{"wd", "wdg"}},
		Versions: []apiextensionsv1.CustomResourceDefinitionVersion{
			{Name: "v2", Served: true}, {Name: "v1", Served: true, Storage: true}, {Name: "v0"},
		},
	}
	crd.Status.Conditions = []apiextensionsv1.CustomResourceDefinitionCondition{
		{Type: apiextensionsv1.NamesAccepted, Status: apiextensionsv1.ConditionTrue},
		{Type: apiextensionsv1.Established, Status: apiextensionsv1.ConditionTrue},
	}
	want := []any{"widgets.example.com", "Namespaced", "v1(storage),v2", now.Add(-time.Hour).Format(time.RFC3339), "example.com", "Widget", "wd,wdg", true}
	if diff := cmp.Diff(want, cells(t, crd)); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
	wantCols := []string{"Name", "Scope", "Versions", "Created At", "Group (wide)", "Kind (wide)", "ShortNames (wide)", "Established (wide)"}
	if diff := cmp.Diff(wantCols, columnNames(crd)); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
}
