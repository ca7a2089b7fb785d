package printers

import (
	"context"
	"fmt"
	"reflect"

	storagev1 "k8s.io/api/storage/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/utils/clock"
)

// Convertor is the rest.TableConvertor of built-in resources: ToTable at
// the clock's time, for a single object or a list, with the list's
// resourceVersion, continue token and remaining item count copied over
// (what upstream's pkg/printers/storage TableConvertor and
// tablegenerator.go do).
type Convertor struct {
	// Clock gives the time AGE columns count to. Required.
	Clock clock.PassiveClock

	// StorageClasses, when set, lists every StorageClass, so that a GET of
	// one class marks it " (default)" only if it is the effective default.
	// Nil marks a single class by its own annotation, which is what
	// upstream falls back to when it cannot list.
	StorageClasses func(ctx context.Context) ([]*storagev1.StorageClass, error)
}

var _ rest.TableConvertor = (*Convertor)(nil)

// NewTableConvertor returns a Convertor reading the time from c.
func NewTableConvertor(c clock.PassiveClock) *Convertor { return &Convertor{Clock: c} }

// ConvertToTable implements rest.TableConvertor.
func (c *Convertor) ConvertToTable(ctx context.Context, obj runtime.Object, tableOptions runtime.Object) (*metav1.Table, error) {
	opts, err := tableOptionsOf(tableOptions)
	if err != nil {
		return nil, err
	}
	items, err := listItems(obj)
	if err != nil {
		return nil, err
	}
	opts.ItemType = itemType(obj)
	if _, single := obj.(*storagev1.StorageClass); single && c.StorageClasses != nil {
		// Like upstream, fall back to the object's own annotation when
		// the classes cannot be listed.
		if all, err := c.StorageClasses(ctx); err == nil {
			name := EffectiveDefaultStorageClass(all)
			opts.DefaultStorageClass = &name
		}
	}
	table, err := ToTable(items, c.Clock.Now(), opts)
	if err != nil {
		return nil, err
	}
	copyListMeta(table, obj)
	return table, nil
}

// CustomResourceConvertor is the rest.TableConvertor of one version of a
// custom resource: CustomColumns with that version's printer columns.
type CustomResourceConvertor struct {
	// Columns are the version's additionalPrinterColumns; empty means
	// DefaultCustomColumns.
	Columns []apiextensionsv1.CustomResourceColumnDefinition
	// Clock gives the time "date" columns count to. Required.
	Clock clock.PassiveClock
}

var _ rest.TableConvertor = (*CustomResourceConvertor)(nil)

// NewCustomResourceTableConvertor returns a CustomResourceConvertor.
func NewCustomResourceTableConvertor(cols []apiextensionsv1.CustomResourceColumnDefinition, c clock.PassiveClock) *CustomResourceConvertor {
	return &CustomResourceConvertor{Columns: cols, Clock: c}
}

// ConvertToTable implements rest.TableConvertor. Typed objects are
// converted to unstructured content first, as upstream does; rows still
// carry the objects given.
func (c *CustomResourceConvertor) ConvertToTable(_ context.Context, obj runtime.Object, tableOptions runtime.Object) (*metav1.Table, error) {
	// Upstream's custom resource convertor ignores options of other types.
	opts, _ := tableOptionsOf(tableOptions)
	items, err := listItems(obj)
	if err != nil {
		return nil, err
	}
	us := make([]*unstructured.Unstructured, len(items))
	for i, item := range items {
		if u, ok := item.(*unstructured.Unstructured); ok {
			us[i] = u
			continue
		}
		content, err := runtime.DefaultUnstructuredConverter.ToUnstructured(item)
		if err != nil {
			return nil, fmt.Errorf("printers: custom resource table: %w", err)
		}
		us[i] = &unstructured.Unstructured{Object: content}
	}
	table, err := CustomColumns(c.Columns, us, c.Clock.Now(), opts)
	if err != nil {
		return nil, err
	}
	for i := range table.Rows {
		table.Rows[i].Object.Object = items[i]
	}
	copyListMeta(table, obj)
	return table, nil
}

// tableOptionsOf reads TableOptions; upstream refuses options of any other
// type.
func tableOptionsOf(tableOptions runtime.Object) (Options, error) {
	switch t := tableOptions.(type) {
	case nil:
		return Options{}, nil
	case *metav1.TableOptions:
		if t == nil {
			return Options{}, nil
		}
		return Options{NoHeaders: t.NoHeaders}, nil
	default:
		return Options{}, fmt.Errorf("unrecognized type %T for table options, can't display tabular output", tableOptions)
	}
}

// listItems returns the items of a list, or the object itself.
func listItems(obj runtime.Object) ([]runtime.Object, error) {
	if obj == nil {
		return nil, fmt.Errorf("printers: no object to convert to a table")
	}
	if !meta.IsListType(obj) {
		return []runtime.Object{obj}, nil
	}
	items, err := meta.ExtractList(obj)
	if err != nil {
		return nil, fmt.Errorf("printers: items of %T: %w", obj, err)
	}
	return items, nil
}

// itemType returns an empty object of the type a list holds (or obj itself
// when it is no list), so an empty list still gets its columns.
func itemType(obj runtime.Object) runtime.Object {
	if _, ok := obj.(*unstructured.UnstructuredList); ok {
		return &unstructured.Unstructured{}
	}
	if !meta.IsListType(obj) {
		return obj
	}
	v := reflect.ValueOf(obj)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return nil
	}
	field := v.Elem().FieldByName("Items")
	if !field.IsValid() || field.Kind() != reflect.Slice {
		return nil
	}
	elem := field.Type().Elem()
	if elem.Kind() == reflect.Pointer {
		elem = elem.Elem()
	}
	item, _ := reflect.New(elem).Interface().(runtime.Object)
	return item
}

// copyListMeta copies the list (or object) metadata a table carries.
func copyListMeta(table *metav1.Table, obj runtime.Object) {
	if m, err := meta.ListAccessor(obj); err == nil {
		table.ResourceVersion = m.GetResourceVersion()
		table.Continue = m.GetContinue()
		table.RemainingItemCount = m.GetRemainingItemCount()
		return
	}
	if m, err := meta.CommonAccessor(obj); err == nil {
		table.ResourceVersion = m.GetResourceVersion()
	}
}
