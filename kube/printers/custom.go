package printers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/util/jsonpath"
)

// DefaultCustomColumns are the columns the apiextensions server gives a
// CRD version without additionalPrinterColumns: just AGE.
func DefaultCustomColumns() []apiextensionsv1.CustomResourceColumnDefinition {
	return []apiextensionsv1.CustomResourceColumnDefinition{
		{Name: "Age", Type: "date", Description: ageDoc, JSONPath: ".metadata.creationTimestamp"},
	}
}

// CustomColumns builds the table of custom resources from the
// additionalPrinterColumns of their CRD version, as k8s.io/apiextensions-
// apiserver pkg/registry/customresource/tableconvertor does: NAME, then one
// column per definition, each cell the first result of the column's
// JSONPath formatted after the column type ("date" cells are ages against
// now). Empty cols means DefaultCustomColumns. Like upstream, a column
// whose JSONPath does not parse drops it and the columns after it (CRD
// validation rejects such paths anyway). Of opts only NoHeaders is used.
func CustomColumns(cols []apiextensionsv1.CustomResourceColumnDefinition, objs []*unstructured.Unstructured, now time.Time, opts Options) (*metav1.Table, error) {
	headers, paths := customHeaders(cols)
	table := &metav1.Table{Rows: make([]metav1.TableRow, 0, len(objs))}
	if !opts.NoHeaders {
		table.ColumnDefinitions = slices.Clone(headers)
	}
	var buf bytes.Buffer
	for _, obj := range objs {
		cells := make([]any, 1, 1+len(paths))
		cells[0] = obj.GetName()
		for i, path := range paths {
			cells = append(cells, customCell(path, headers[i+1].Type, obj.UnstructuredContent(), now, &buf))
		}
		table.Rows = append(table.Rows, metav1.TableRow{Cells: cells, Object: runtime.RawExtension{Object: obj}})
	}
	return table, nil
}

// customHeaders parses the columns. JSONPath parsers keep state while
// they search, so each call gets its own.
func customHeaders(cols []apiextensionsv1.CustomResourceColumnDefinition) ([]metav1.TableColumnDefinition, []*jsonpath.JSONPath) {
	if len(cols) == 0 {
		cols = DefaultCustomColumns()
	}
	headers := []metav1.TableColumnDefinition{nameColumn()}
	var paths []*jsonpath.JSONPath
	for _, col := range cols {
		path := jsonpath.New(col.Name)
		if err := path.Parse(fmt.Sprintf("{%s}", col.JSONPath)); err != nil {
			break
		}
		path.AllowMissingKeys(true)
		desc := col.Description
		if desc == "" {
			desc = "Custom resource definition column (in JSONPath format): " + col.JSONPath
		}
		paths = append(paths, path)
		headers = append(headers, metav1.TableColumnDefinition{
			Name: col.Name, Type: col.Type, Format: col.Format, Description: desc, Priority: col.Priority,
		})
	}
	return headers, paths
}

// customCell evaluates one column for one object: nil when the path finds
// nothing or the value does not fit the column type.
func customCell(path *jsonpath.JSONPath, typ string, content map[string]any, now time.Time, buf *bytes.Buffer) any {
	results, err := path.FindResults(content)
	if err != nil || len(results) == 0 || len(results[0]) == 0 {
		return nil
	}
	value := results[0][0].Interface()
	if typ == "string" {
		buf.Reset()
		if err := path.PrintResults(buf, []reflect.Value{reflect.ValueOf(value)}); err != nil {
			return nil
		}
		return buf.String()
	}
	return jsonCell(typ, value, now)
}

// jsonCell converts a JSON value to a cell of the column type (upstream's
// cellForJSONValue, with ages against now instead of the wall clock).
func jsonCell(typ string, value any, now time.Time) any {
	switch typ {
	case "integer":
		switch v := value.(type) {
		case int64:
			return v
		case float64:
			return int64(v)
		case json.Number:
			if i, err := v.Int64(); err == nil {
				return i
			}
		}
	case "number":
		switch v := value.(type) {
		case int64:
			return float64(v)
		case float64:
			return v
		case json.Number:
			if f, err := v.Float64(); err == nil {
				return f
			}
		}
	case "boolean":
		if b, ok := value.(bool); ok {
			return b
		}
	case "date":
		if s, ok := value.(string); ok {
			var t metav1.Time
			if err := t.UnmarshalQueryParameter(s); err != nil {
				return "<invalid>"
			}
			return Age(t, now)
		}
	}
	return nil
}
