package printers

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// defaultPrinter is the table of types without a printer
// (k8s.io/apiserver pkg/registry/rest/table.go): name and creation time as
// an RFC 3339 date, which kubectl turns into an age.
var defaultPrinter = printer{
	columns: []metav1.TableColumnDefinition{
		nameColumn(),
		column("Created At", "date", ageDoc),
	},
	row: func(obj runtime.Object, _ env) (metav1.TableRow, error) {
		m, err := meta.Accessor(obj)
		if err != nil {
			return metav1.TableRow{}, notAcceptable(obj)
		}
		return metav1.TableRow{Cells: []any{m.GetName(), createdAt(m.GetCreationTimestamp())}}, nil
	},
}

// createdAt formats a creation time for a "date" column.
func createdAt(t metav1.Time) string { return t.UTC().Format(time.RFC3339) }

// notAcceptable is upstream's answer (406) for objects a table cannot hold.
func notAcceptable(obj runtime.Object) error {
	what := fmt.Sprintf("%T", obj)
	if gvk := obj.GetObjectKind().GroupVersionKind(); !gvk.Empty() {
		what = gvk.Kind
	}
	return &apierrors.StatusError{ErrStatus: metav1.Status{
		Status:  metav1.StatusFailure,
		Code:    http.StatusNotAcceptable,
		Reason:  metav1.StatusReasonNotAcceptable,
		Message: fmt.Sprintf("the resource %s does not support being converted to a Table", what),
	}}
}

// addCRDPrinters reproduces k8s.io/apiextensions-apiserver
// pkg/registry/customresourcedefinition/tableconvertor.
func addCRDPrinters(r registry) {
	add(r, []metav1.TableColumnDefinition{
		nameColumn(),
		column("Scope", "string", "Cluster/Namespaced"),
		column("Versions", "string", "Served versions"),
		column("Created At", "date", ageDoc),
		wide("Group", "string", "API group"),
		wide("Kind", "string", "CustomResource kind"),
		wide("ShortNames", "string", "Short names"),
		wide("Established", "boolean", "Established status"),
	}, func(crd *apiextensionsv1.CustomResourceDefinition, _ env) []any {
		var versions []string
		for _, v := range crd.Spec.Versions {
			if v.Served {
				label := v.Name
				if v.Storage {
					label += "(storage)"
				}
				versions = append(versions, label)
			}
		}
		sort.Strings(versions)
		established := false
		for _, c := range crd.Status.Conditions {
			if c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue {
				established = true
			}
		}
		return []any{crd.Name, string(crd.Spec.Scope), strings.Join(versions, ","), createdAt(crd.CreationTimestamp),
			crd.Spec.Group, crd.Spec.Names.Kind, strings.Join(crd.Spec.Names.ShortNames, ","), established}
	})
}
