package defaults

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime"
)

// quantities compares resource quantities by value and by their canonical
// text, so a test sees whether a quantity was rounded.
var quantities = cmp.Comparer(func(a, b resource.Quantity) bool {
	return a.Cmp(b) == 0 && a.String() == b.String()
})

// defaultCase is one table row: in, after Default, must equal want.
type defaultCase struct {
	name     string
	in, want runtime.Object
}

// runCases defaults a copy of each input, compares it with the expected
// object, then defaults it again to check that Default is idempotent.
func runCases(t *testing.T, cases []defaultCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.in.DeepCopyObject()
			Default(got)
			if diff := cmp.Diff(tc.want, got, quantities); diff != "" {
				t.Fatalf("Default() mismatch (-want +got):\n%s", diff)
			}
			Default(got)
			if diff := cmp.Diff(tc.want, got, quantities); diff != "" {
				t.Errorf("second Default() changed the object (-want +got):\n%s", diff)
			}
		})
	}
}

func cmpDiff(want, got any) string { return cmp.Diff(want, got, quantities) }
