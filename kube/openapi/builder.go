package openapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/kube-openapi/pkg/spec3"
	"k8s.io/kube-openapi/pkg/validation/spec"
)

// Builder produces the OpenAPI documents of an API server: one swagger 2.0
// document (/openapi/v2) and one OpenAPI 3 document per group-version
// (/openapi/v3/apis/<group>/<version>), for a fixed list of built-in kinds
// plus custom kinds added and removed at run time.
//
// Nothing is computed until a document is asked for. The built-in part is
// computed once per process for a given kind list and shared by every
// Builder given the same list; adding a custom kind re-renders only its
// group-version document, and the v2 and root documents on their next
// request. A Builder is safe for concurrent use; it is also the
// http.Handler of the /openapi/ paths (see ServeHTTP).
type Builder struct {
	kinds   []Kind
	catalog func() (*catalog, error)
	info    info

	mu     sync.Mutex
	custom map[string]map[schema.GroupVersionKind]*customKind // by group-version path
	docs3  map[string]docFunc                                 // group-versions with custom kinds
	v2     docFunc                                            // nil: the shared built-in one
	root   docFunc

	v2Handler http.Handler
}

// Option configures a Builder.
type Option func(*builderConfig)

type builderConfig struct {
	structure *Structure
	info      info
}

// WithStructure replaces DefaultStructure as the source of list and map
// semantics and +default values (see Structure).
func WithStructure(s *Structure) Option { return func(c *builderConfig) { c.structure = s } }

// WithInfo sets the title and version in the documents' info object
// (default "Kubernetes", "unversioned").
func WithInfo(title, version string) Option {
	return func(c *builderConfig) { c.info = info{Title: title, Version: version} }
}

// NewBuilder returns a Builder for the given built-in kinds. It only
// records them: an invalid kind is reported by the first document
// request, as is any failure to describe a type.
func NewBuilder(kinds []Kind, opts ...Option) *Builder {
	cfg := builderConfig{info: info{Title: "Kubernetes", Version: "unversioned"}}
	for _, o := range opts {
		o(&cfg)
	}
	b := &Builder{
		kinds:  append([]Kind(nil), kinds...),
		info:   cfg.info,
		custom: map[string]map[schema.GroupVersionKind]*customKind{},
		docs3:  map[string]docFunc{},
	}
	b.catalog = sync.OnceValues(func() (*catalog, error) { return b.loadCatalog(cfg.structure) })
	b.root = b.newRoot()
	b.v2Handler = b.newV2Handler()
	return b
}

func (b *Builder) loadCatalog(st *Structure) (*catalog, error) {
	kinds := make([]Kind, 0, len(b.kinds))
	var errs []error
	for _, k := range b.kinds {
		v, err := k.validate()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		kinds = append(kinds, v)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if st == nil {
		var err error
		if st, err = DefaultStructure(); err != nil {
			return nil, err
		}
	}
	return sharedCatalog(kinds, st, b.info)
}

// AddCustomKind adds or replaces a custom kind. Only the documents that
// contain it are rebuilt, on their next request.
func (b *Builder) AddCustomKind(ck CustomKind) error {
	ck, err := ck.validate()
	if err != nil {
		return err
	}
	c, err := newCustomKind(ck, typeMetaProperties())
	if err != nil {
		return err
	}
	path := GroupVersionPath(ck.GVK.GroupVersion())
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.custom[path] == nil {
		b.custom[path] = map[schema.GroupVersionKind]*customKind{}
	}
	b.custom[path][ck.GVK] = c
	b.invalidateLocked(path)
	return nil
}

// RemoveCustomKind removes a custom kind; it reports whether there was one.
func (b *Builder) RemoveCustomKind(gvk schema.GroupVersionKind) bool {
	path := GroupVersionPath(gvk.GroupVersion())
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.custom[path][gvk]; !ok {
		return false
	}
	delete(b.custom[path], gvk)
	if len(b.custom[path]) == 0 {
		delete(b.custom, path)
	}
	b.invalidateLocked(path)
	return true
}

func (b *Builder) invalidateLocked(path string) {
	if kinds := b.customKindsLocked(path); len(kinds) > 0 {
		b.docs3[path] = sync.OnceValues(func() (*servedDoc, error) { return b.buildV3(path, kinds) })
	} else {
		delete(b.docs3, path)
	}
	var all []*customKind
	for p := range b.custom {
		all = append(all, b.customKindsLocked(p)...)
	}
	b.v2 = nil
	if len(all) > 0 {
		b.v2 = sync.OnceValues(func() (*servedDoc, error) { return b.buildV2(all) })
	}
	b.root = b.newRoot()
}

// customKindsLocked returns the custom kinds of a group-version path in a
// stable order.
func (b *Builder) customKindsLocked(path string) []*customKind {
	var out []*customKind
	for _, c := range b.custom[path] {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ck.GVK.Kind < out[j].ck.GVK.Kind })
	return out
}

func (b *Builder) newRoot() docFunc {
	return sync.OnceValues(func() (*servedDoc, error) {
		docs, err := b.v3Docs()
		if err != nil {
			return nil, err
		}
		return discoveryDoc(docs)
	})
}

// v3Docs returns the document of every group-version path.
func (b *Builder) v3Docs() (map[string]docFunc, error) {
	cat, err := b.catalog()
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	docs := make(map[string]docFunc, len(cat.groups)+len(b.docs3))
	for path := range cat.groups {
		docs[path] = cat.docs3[path]
	}
	for path, d := range b.docs3 {
		docs[path] = d
	}
	return docs, nil
}

func (b *Builder) v3Doc(path string) (*servedDoc, bool, error) {
	b.mu.Lock()
	d, ok := b.docs3[path]
	b.mu.Unlock()
	if ok {
		doc, err := d()
		return doc, true, err
	}
	cat, err := b.catalog()
	if err != nil {
		return nil, false, err
	}
	if d, ok := cat.docs3[path]; ok {
		doc, err := d()
		return doc, true, err
	}
	return nil, false, nil
}

func (b *Builder) v2Doc() (*servedDoc, error) {
	b.mu.Lock()
	d := b.v2
	b.mu.Unlock()
	if d != nil {
		return d()
	}
	cat, err := b.catalog()
	if err != nil {
		return nil, err
	}
	return cat.v2doc()
}

func (b *Builder) rootDoc() (*servedDoc, error) {
	b.mu.Lock()
	d := b.root
	b.mu.Unlock()
	return d()
}

// buildV3 builds the document of a group-version that has custom kinds.
func (b *Builder) buildV3(path string, kinds []*customKind) (*servedDoc, error) {
	cat, err := b.catalog()
	if err != nil {
		return nil, err
	}
	return cat.buildV3(path, kinds)
}

func (b *Builder) buildV2(kinds []*customKind) (*servedDoc, error) {
	cat, err := b.catalog()
	if err != nil {
		return nil, err
	}
	return cat.buildV2(kinds)
}

// V2 returns a copy of the swagger 2.0 document.
func (b *Builder) V2() (*spec.Swagger, error) {
	d, err := b.v2Doc()
	if err != nil {
		return nil, err
	}
	out := &spec.Swagger{}
	if err := json.Unmarshal(d.json, out); err != nil {
		return nil, fmt.Errorf("openapi: decoding /openapi/v2: %w", err)
	}
	return out, nil
}

// V3Paths returns the group-version paths that have a v3 document
// ("api/v1", "apis/apps/v1", ...), sorted.
func (b *Builder) V3Paths() ([]string, error) {
	docs, err := b.v3Docs()
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(docs))
	for p := range docs {
		out = append(out, p)
	}
	sort.Strings(out)
	return out, nil
}

// V3 returns a copy of the OpenAPI v3 document of a group-version path
// such as "apis/apps/v1" (see GroupVersionPath).
func (b *Builder) V3(path string) (*spec3.OpenAPI, error) {
	d, ok, err := b.v3Doc(path)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("openapi: no document for %q", path)
	}
	out := &spec3.OpenAPI{}
	if err := json.Unmarshal(d.json, out); err != nil {
		return nil, fmt.Errorf("openapi: decoding /openapi/v3/%s: %w", path, err)
	}
	return out, nil
}

// V3Schemas returns the component schemas of a group-version's v3
// document, the input managedfields.NewTypeConverter expects for
// server-side apply. The map is the caller's; its schemas are copies.
func (b *Builder) V3Schemas(path string) (map[string]*spec.Schema, error) {
	doc, err := b.V3(path)
	if err != nil {
		return nil, err
	}
	return doc.Components.Schemas, nil
}

// typeMetaProperties are the v3 apiVersion and kind properties; custom
// kinds get them without the built-in catalog being built.
var typeMetaProperties = sync.OnceValue(func() map[string]spec.Schema {
	return newGenerator(nil).structSchema(reflect.TypeFor[metav1.TypeMeta](), "").Properties
})

// Definitions returns the OpenAPI v3 definitions of the given Go types
// and of every type they refer to, by definition name: for example the
// ObjectMeta that apiextensions-apiserver merges into custom resources'
// apply schemas.
func Definitions(types ...reflect.Type) (map[string]*spec.Schema, error) {
	st, err := DefaultStructure()
	if err != nil {
		return nil, err
	}
	g := newGenerator(st)
	for _, t := range types {
		g.define(deref(t))
	}
	if len(g.errs) > 0 {
		return nil, errors.Join(g.errs...)
	}
	out := make(map[string]*spec.Schema, len(g.defs))
	for name, d := range g.defs {
		finishDefinition(d, nil)
		out[name] = d.v3
	}
	return out, nil
}
