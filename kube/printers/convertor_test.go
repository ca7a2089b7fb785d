package printers

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	clocktesting "k8s.io/utils/clock/testing"
)

func TestConvertorList(t *testing.T) {
	c := NewTableConvertor(clocktesting.NewFakePassiveClock(now))
	list := &corev1.PodList{
		ListMeta: metav1.ListMeta{ResourceVersion: "42", Continue: "next", RemainingItemCount: ptr(int64(7))},
		Items:    []corev1.Pod{*pod([]string{"a"}), *pod([]string{"b"})},
	}
	list.Items[1].Name = "second"
	table, err := c.ConvertToTable(context.Background(), list, &metav1.TableOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if table.ResourceVersion != "42" || table.Continue != "next" || table.RemainingItemCount == nil || *table.RemainingItemCount != 7 {
		t.Errorf("list meta = %+v", table.ListMeta)
	}
	if len(table.ColumnDefinitions) != 9 || len(table.Rows) != 2 || table.Rows[1].Cells[0] != "second" {
		t.Fatalf("table: %d columns, %d rows", len(table.ColumnDefinitions), len(table.Rows))
	}
	if table.Rows[1].Object.Object != &list.Items[1] {
		t.Error("row 1 does not carry the list's item")
	}

	// An empty list still names its columns; NoHeaders drops them.
	table, err = c.ConvertToTable(context.Background(), &corev1.NodeList{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(table.ColumnDefinitions) != 10 || len(table.Rows) != 0 {
		t.Errorf("empty node list: %d columns, %d rows", len(table.ColumnDefinitions), len(table.Rows))
	}
	table, err = c.ConvertToTable(context.Background(), list, &metav1.TableOptions{NoHeaders: true})
	if err != nil {
		t.Fatal(err)
	}
	if table.ColumnDefinitions != nil {
		t.Error("NoHeaders kept the column definitions")
	}

	if _, err := c.ConvertToTable(context.Background(), list, &metav1.ListOptions{}); err == nil {
		t.Error("ConvertToTable accepted ListOptions as table options")
	}
}

func TestConvertorSingleObject(t *testing.T) {
	clock := clocktesting.NewFakePassiveClock(now)
	c := NewTableConvertor(clock)
	p := pod([]string{"app"})
	p.ResourceVersion = "9"
	clock.SetTime(now.Add(2 * time.Hour))
	table, err := c.ConvertToTable(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if table.ResourceVersion != "9" || table.Rows[0].Cells[4] != "3h" {
		t.Errorf("resourceVersion %q, age %v", table.ResourceVersion, table.Rows[0].Cells[4])
	}
}

func TestConvertorStorageClasses(t *testing.T) {
	old := &storagev1.StorageClass{ObjectMeta: objectMeta("old")}
	old.Annotations = map[string]string{"storageclass.kubernetes.io/is-default-class": "true"}
	newer := old.DeepCopy()
	newer.Name, newer.CreationTimestamp = "newer", ago(time.Minute)

	c := NewTableConvertor(clocktesting.NewFakePassiveClock(now))
	name := func() any {
		t.Helper()
		table, err := c.ConvertToTable(context.Background(), old, nil)
		if err != nil {
			t.Fatal(err)
		}
		return table.Rows[0].Cells[0]
	}
	if got := name(); got != "old (default)" {
		t.Errorf("without a lister: %v", got)
	}
	c.StorageClasses = func(context.Context) ([]*storagev1.StorageClass, error) {
		return []*storagev1.StorageClass{old, newer}, nil
	}
	if got := name(); got != "old" {
		t.Errorf("with a newer default: %v", got)
	}
	c.StorageClasses = func(context.Context) ([]*storagev1.StorageClass, error) { return nil, nil }
	if got := name(); got != "old" {
		t.Errorf("when the lister finds no default: %v", got)
	}
	c.StorageClasses = func(context.Context) ([]*storagev1.StorageClass, error) { return nil, errors.New("boom") }
	if got := name(); got != "old (default)" {
		t.Errorf("when listing fails: %v", got)
	}
}

func TestCustomResourceConvertor(t *testing.T) {
	cols := []apiextensionsv1.CustomResourceColumnDefinition{{Name: "Color", Type: "string", JSONPath: ".spec.color"}}
	c := NewCustomResourceTableConvertor(cols, clocktesting.NewFakePassiveClock(now))
	list := &unstructured.UnstructuredList{Items: []unstructured.Unstructured{*widget("w1", time.Hour)}}
	list.SetResourceVersion("17")
	table, err := c.ConvertToTable(context.Background(), list, &metav1.TableOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if table.ResourceVersion != "17" {
		t.Errorf("resourceVersion %q", table.ResourceVersion)
	}
	if diff := cmp.Diff([]any{"w1", "blue"}, table.Rows[0].Cells); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}

	// A typed object goes through its unstructured form.
	typed := &corev1.ConfigMap{ObjectMeta: objectMeta("cm")}
	c.Columns = []apiextensionsv1.CustomResourceColumnDefinition{{Name: "NS", Type: "string", JSONPath: ".metadata.namespace"}}
	table, err = c.ConvertToTable(context.Background(), typed, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]any{"cm", "default"}, table.Rows[0].Cells); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
	if table.Rows[0].Object.Object != typed {
		t.Error("row does not carry the typed object")
	}
}
