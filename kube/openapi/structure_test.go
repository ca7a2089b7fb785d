package openapi

import (
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"k8s.io/kube-openapi/pkg/schemaconv"
	"k8s.io/kube-openapi/pkg/validation/spec"
	smdschema "sigs.k8s.io/structured-merge-diff/v6/schema"
)

// TestStructureMatchesClientGo converts the v3 definitions to a
// structured-merge-diff schema, as an API server does for server-side
// apply, and compares every named type with the schema client-go ships
// for the same type.
func TestStructureMatchesClientGo(t *testing.T) {
	t.Parallel()
	b := newTestBuilder(t)
	paths, err := b.V3Paths()
	if err != nil {
		t.Fatal(err)
	}
	all := map[string]*spec.Schema{}
	for _, p := range paths {
		schemas, err := b.V3Schemas(p)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range schemas {
			all[k] = v
		}
	}
	converted, err := schemaconv.ToSchemaFromOpenAPI(all, false)
	if err != nil {
		t.Fatal(err)
	}
	ours := NewStructure(converted)
	reference, err := DefaultStructure()
	if err != nil {
		t.Fatal(err)
	}

	// Upstream's own v3 definitions differ from client-go's schema (built
	// from v2) in the same way for these: schemaconv hard-codes
	// RawExtension, and IntOrString's oneOf reads as untyped.
	skip := map[string]bool{
		"io.k8s.apimachinery.pkg.runtime.RawExtension":    true,
		"io.k8s.apimachinery.pkg.util.intstr.IntOrString": true,
	}
	rawExtension, untypedAtomic, untypedDeduced := "io.k8s.apimachinery.pkg.runtime.RawExtension", "__untyped_atomic_", "__untyped_deduced_"
	deducedAtom := reference.types[untypedDeduced].Atom
	opts := cmp.Options{
		cmpopts.IgnoreUnexported(smdschema.Map{}),
		cmpopts.IgnoreFields(smdschema.StructField{}, "Default"), // checked in TestV3Definitions
		cmpopts.IgnoreFields(smdschema.Map{}, "Unions"),          // x-kubernetes-unions are not published
		cmpopts.SortSlices(func(a, b smdschema.StructField) bool { return a.Name < b.Name }),
		cmp.Transformer("typeRef", func(tr smdschema.TypeRef) smdschema.TypeRef {
			switch {
			case tr.NamedType != nil && *tr.NamedType == rawExtension:
				tr.NamedType = &untypedAtomic
			case tr.NamedType == nil && cmp.Equal(tr.Inlined, deducedAtom, cmpopts.IgnoreUnexported(smdschema.Map{})):
				tr.NamedType, tr.Inlined = &untypedDeduced, smdschema.Atom{}
			}
			return tr
		}),
	}
	var names []string
	for n := range reference.types {
		if _, ok := ours.types[n]; ok && !skip[n] {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	if len(names) < 900 {
		t.Fatalf("only %d types in common with client-go's schema", len(names))
	}
	for _, n := range names {
		if diff := cmp.Diff(reference.types[n].Atom, ours.types[n].Atom, opts); diff != "" {
			t.Errorf("%s (-client-go +ours):\n%s", n, diff)
		}
	}
}
