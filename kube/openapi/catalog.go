package openapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"

	autoscalingv1 "k8s.io/api/autoscaling/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// catalog is everything derived from one list of built-in kinds: their
// definitions, the group-versions with their REST paths, and (lazily) the
// rendered JSON. It never changes once built, so builders with the same
// kinds share one (see sharedCatalog).
type catalog struct {
	defs   map[string]*definition
	groups map[string]*group // by GroupVersionPath
	info   info

	defJSON3 func() (map[string][]byte, error)
	defJSON2 func() (map[string][]byte, error)
	// docs3 are the documents of the group-versions without custom kinds,
	// v2doc the v2 document without custom kinds.
	docs3 map[string]docFunc
	v2doc docFunc
}

// group is one group-version of built-in kinds.
type group struct {
	gv    schema.GroupVersion
	roots []string // definitions the document must contain
	paths []pathItem

	pathJSON3 func() (map[string][]byte, error)
	pathJSON2 func() (map[string][]byte, error)
}

// extraRoots are defined whatever the kinds: REST operations and custom
// kinds refer to them.
var extraRoots = []reflect.Type{
	reflect.TypeFor[metav1.ObjectMeta](),
	reflect.TypeFor[metav1.ListMeta](),
	reflect.TypeFor[metav1.Status](),
	reflect.TypeFor[metav1.DeleteOptions](),
	reflect.TypeFor[metav1.Patch](),
	reflect.TypeFor[autoscalingv1.Scale](),
}

func buildCatalog(kinds []Kind, st *Structure, inf info) (*catalog, error) {
	g := newGenerator(st)
	gvks := map[string][]schema.GroupVersionKind{}
	kindDef := map[schema.GroupVersionKind]string{}
	for _, k := range kinds {
		name := g.define(k.Type)
		gvks[name] = append(gvks[name], k.GVK)
		kindDef[k.GVK] = name
		for _, s := range k.Subresources {
			g.define(s.Type)
		}
	}
	for _, t := range extraRoots {
		g.define(t)
	}
	if len(g.errs) > 0 {
		return nil, errors.Join(g.errs...)
	}
	c := &catalog{defs: g.defs, groups: map[string]*group{}, info: inf, docs3: map[string]docFunc{}}
	for name, d := range c.defs {
		finishDefinition(d, gvks[name])
	}
	for _, k := range kinds {
		c.addKind(k, kindDef)
	}
	c.defJSON3 = sync.OnceValues(func() (map[string][]byte, error) { return renderDefs(c.defs, true) })
	c.defJSON2 = sync.OnceValues(func() (map[string][]byte, error) { return renderDefs(c.defs, false) })
	for path := range c.groups {
		c.docs3[path] = sync.OnceValues(func() (*servedDoc, error) { return c.buildV3(path, nil) })
	}
	c.v2doc = sync.OnceValues(func() (*servedDoc, error) { return c.buildV2(nil) })
	return c, nil
}

// finishDefinition attaches the GVKs of a definition, derives its v2 form
// and records what it references.
func finishDefinition(d *definition, gvks []schema.GroupVersionKind) {
	if len(gvks) > 0 {
		gvks = slices.Clone(gvks)
		slices.SortFunc(gvks, compareGVK)
		gvks = slices.Compact(gvks)
		d.v3.AddExtension("x-kubernetes-group-version-kind", gvkExtension(gvks))
		if d.v2 != nil {
			d.v2.AddExtension("x-kubernetes-group-version-kind", gvkExtension(gvks))
		}
	}
	if d.v2 == nil {
		d.v2 = toV2(d.v3)
	}
	seen := map[string]bool{}
	collectRefs(d.v3, func(n string) {
		if !seen[n] && n != d.name {
			seen[n] = true
			d.deps = append(d.deps, n)
		}
	})
	sort.Strings(d.deps)
}

func (c *catalog) addKind(k Kind, kindDef map[schema.GroupVersionKind]string) {
	gv := k.GVK.GroupVersion()
	path := GroupVersionPath(gv)
	gr, ok := c.groups[path]
	if !ok {
		gr = &group{gv: gv}
		gr.pathJSON3 = sync.OnceValues(func() (map[string][]byte, error) { return renderPaths(gr.paths, true) })
		gr.pathJSON2 = sync.OnceValues(func() (map[string][]byte, error) { return renderPaths(gr.paths, false) })
		c.groups[path] = gr
	}
	def := kindDef[k.GVK]
	gr.roots = append(gr.roots, def)
	if k.Resource == "" {
		return
	}
	r := resource{
		gvk: k.GVK, def: def, plural: k.Resource, namespaced: k.Namespaced, verbs: k.Verbs,
		listDef: kindDef[gv.WithKind(k.GVK.Kind+"List")],
	}
	for _, s := range k.Subresources {
		r.subresources = append(r.subresources, subresource{name: s.Name, gvk: s.GVK, def: definitionName(s.Type)})
	}
	items := resourcePaths(r)
	gr.paths = append(gr.paths, items...)
	gr.roots = append(gr.roots, pathRefs(items)...)
}

func renderDefs(defs map[string]*definition, v3 bool) (map[string][]byte, error) {
	out := make(map[string][]byte, len(defs))
	for name, d := range defs {
		s := d.v2
		if v3 {
			s = d.v3
		}
		b, err := json.Marshal(s)
		if err != nil {
			return nil, fmt.Errorf("openapi: rendering definition %s: %w", name, err)
		}
		out[name] = b
	}
	return out, nil
}

func renderPaths(items []pathItem, v3 bool) (map[string][]byte, error) {
	out := make(map[string][]byte, len(items))
	for _, p := range items {
		var v interface{} = renderV2(p)
		if v3 {
			v = renderV3(p)
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("openapi: rendering path %s: %w", p.path, err)
		}
		out[p.path] = b
	}
	return out, nil
}

// closure returns the sorted names of roots and of every definition they
// reach through lookup.
func closure(roots []string, lookup func(string) *definition) ([]string, error) {
	seen := map[string]bool{}
	var missing []string
	var visit func(string)
	visit = func(name string) {
		if seen[name] {
			return
		}
		seen[name] = true
		d := lookup(name)
		if d == nil {
			missing = append(missing, name)
			return
		}
		for _, dep := range d.deps {
			visit(dep)
		}
	}
	for _, r := range roots {
		visit(r)
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("openapi: undefined definitions referenced: %s", strings.Join(missing, ", "))
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out, nil
}

// sharedCatalogs caches one catalog per distinct kind list and structure
// for the life of the process: every API server of a test binary shares
// the work of describing the built-in types.
var sharedCatalogs sync.Map // string -> *catalogEntry

type catalogEntry struct {
	get func() (*catalog, error)
}

func sharedCatalog(kinds []Kind, st *Structure, inf info) (*catalog, error) {
	key := catalogKey(kinds, st, inf)
	e, _ := sharedCatalogs.LoadOrStore(key, &catalogEntry{
		get: sync.OnceValues(func() (*catalog, error) { return buildCatalog(kinds, st, inf) }),
	})
	return e.(*catalogEntry).get()
}

func catalogKey(kinds []Kind, st *Structure, inf info) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%p|%q|%q\n", st, inf.Title, inf.Version)
	for _, k := range kinds {
		fmt.Fprintf(&b, "%s|%s.%s|%s|%t|%v", k.GVK, k.Type.PkgPath(), k.Type.Name(), k.Resource, k.Namespaced, k.Verbs)
		for _, s := range k.Subresources {
			fmt.Fprintf(&b, "|%s=%s:%s.%s", s.Name, s.GVK, s.Type.PkgPath(), s.Type.Name())
		}
		b.WriteByte('\n')
	}
	return b.String()
}
