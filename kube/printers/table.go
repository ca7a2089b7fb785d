package printers

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// Options tunes ToTable. The zero value is what a first `kubectl get` page
// asks for.
type Options struct {
	// NoHeaders omits the column definitions, as TableOptions.noHeaders
	// does upstream (kubectl sets it on later pages of a chunked list).
	NoHeaders bool

	// ItemType is an object of the type being listed; only its Go type is
	// used. ToTable needs it to choose the columns when objs is empty and
	// ignores it otherwise.
	ItemType runtime.Object

	// DefaultStorageClass names the effective default StorageClass, the
	// newest one annotated as default (see EffectiveDefaultStorageClass);
	// only it gets " (default)" after its name, and "" means none does.
	// When nil, ToTable works it out from the StorageClasses it is given,
	// which is right for a list but not for a single GET while another
	// class is also annotated: upstream then lists every class
	// (pkg/registry/storage/storageclass/tableconvertor.go), and so should
	// the caller (Convertor.StorageClasses does).
	DefaultStorageClass *string
}

// ToTable converts objs, which must all have the same Go type, into the
// table kube-apiserver would return for them, with AGE-style cells computed
// against now. Built-in types come from k8s.io/api; *unstructured.Unstructured
// and types without a printer get the default NAME / CREATED AT table
// (custom resources with printer columns go through CustomColumns).
//
// Each row's Object holds the object itself; replacing it by the full object
// or its metadata, per the request's includeObject, is the server's job, as
// is setting the table's TypeMeta and list metadata (NewTableConvertor does
// the latter). An object without ObjectMeta yields a 406 NotAcceptable
// *errors.StatusError, as upstream.
func ToTable(objs []runtime.Object, now time.Time, opts Options) (*metav1.Table, error) {
	proto := opts.ItemType
	if len(objs) > 0 {
		proto = objs[0]
	}
	if proto == nil {
		return nil, errors.New("printers: no objects and no Options.ItemType, so no columns to choose")
	}
	typ := reflect.TypeOf(proto)
	for i, obj := range objs {
		if reflect.TypeOf(obj) != typ {
			return nil, fmt.Errorf("printers: object %d is a %T but object 0 is a %v: a table holds one type", i, obj, typ)
		}
		if v := reflect.ValueOf(obj); v.Kind() == reflect.Pointer && v.IsNil() {
			return nil, fmt.Errorf("printers: object %d is a nil %v", i, typ)
		}
	}
	p, ok := builtin[typ]
	if !ok {
		p = defaultPrinter
	}
	e := env{now: now, defaultStorageClass: opts.DefaultStorageClass}
	if p.prepare != nil {
		p.prepare(objs, &e)
	}
	table := &metav1.Table{Rows: make([]metav1.TableRow, 0, len(objs))}
	if !opts.NoHeaders {
		table.ColumnDefinitions = slices.Clone(p.columns)
	}
	for _, obj := range objs {
		row, err := p.row(obj, e)
		if err != nil {
			return nil, err
		}
		row.Object = runtime.RawExtension{Object: obj}
		table.Rows = append(table.Rows, row)
	}
	return table, nil
}

// Columns returns the column definitions ToTable uses for objects of obj's
// type.
func Columns(obj runtime.Object) []metav1.TableColumnDefinition {
	if p, ok := builtin[reflect.TypeOf(obj)]; ok {
		return slices.Clone(p.columns)
	}
	return slices.Clone(defaultPrinter.columns)
}

// env is what a row needs besides its object.
type env struct {
	now time.Time
	// defaultStorageClass is the name that gets " (default)"; nil until
	// known.
	defaultStorageClass *string
}

// age formats the time since t as the AGE column does.
func (e env) age(t metav1.Time) string { return Age(t, e.now) }

// printer renders one Go type: upstream's pair of column definitions and
// print function (pkg/printers/tablegenerator.go keys them by type too).
type printer struct {
	columns []metav1.TableColumnDefinition
	row     func(obj runtime.Object, e env) (metav1.TableRow, error)
	// prepare, when set, looks at all objects before any row is printed.
	prepare func(objs []runtime.Object, e *env)
}

// registry maps a Go type to its printer.
type registry map[reflect.Type]printer

// builtin holds a printer for every built-in type kubesim can print.
var builtin = newRegistry()

func newRegistry() registry {
	r := registry{}
	for _, add := range []func(registry){
		addPodPrinters, addWorkloadPrinters, addBatchPrinters, addNetworkPrinters,
		addNodePrinters, addCorePrinters, addEventPrinters, addStoragePrinters,
		addPolicyPrinters, addRBACPrinters, addAutoscalingPrinters, addAdmissionPrinters,
		addCRDPrinters,
	} {
		add(r)
	}
	return r
}

// add registers a printer whose rows are just cells.
func add[T runtime.Object](r registry, columns []metav1.TableColumnDefinition, cells func(T, env) []any) {
	addRow(r, columns, func(obj T, e env) (metav1.TableRow, error) {
		return metav1.TableRow{Cells: cells(obj, e)}, nil
	})
}

// addRow registers a printer that builds whole rows (conditions included)
// or can fail.
func addRow[T runtime.Object](r registry, columns []metav1.TableColumnDefinition, row func(T, env) (metav1.TableRow, error)) {
	r[reflect.TypeFor[T]()] = printer{
		columns: columns,
		row: func(obj runtime.Object, e env) (metav1.TableRow, error) {
			return row(obj.(T), e)
		},
	}
}
