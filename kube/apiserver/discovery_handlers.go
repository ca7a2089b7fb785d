package apiserver

import (
	"crypto/sha512"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"

	apidiscoveryv2 "k8s.io/api/apidiscovery/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/apiserver/pkg/endpoints/discovery"
	"k8s.io/apiserver/pkg/endpoints/discovery/aggregated"

	"github.com/kubesim/kubesim/kube/registry"
	"github.com/kubesim/kubesim/kube/scheme"
)

// discoveryCodecs encode aggregated discovery documents.
var discoveryCodecs = func() serializer.CodecFactory {
	s := runtime.NewScheme()
	utilruntime.Must(apidiscoveryv2.AddToScheme(s))
	return serializer.NewCodecFactory(s)
}()

// discoveryHandlers serve /api, /apis and the per-group and per-version
// documents, in the legacy form and, when the client's Accept header asks
// for it, in the aggregated apidiscovery.k8s.io/v2 form that client-go and
// kubectl prefer. set rebuilds them when the served resources change.
type discoveryHandlers struct {
	builtin []*registry.Entry
	custom  CustomResources

	mu       sync.RWMutex
	gen      uint64 // of custom, when the documents were built
	api      http.Handler
	apis     http.Handler
	groups   map[string]http.Handler
	versions map[string]http.Handler
}

func newDiscoveryHandlers(builtin []*registry.Entry, custom CustomResources) *discoveryHandlers {
	d := &discoveryHandlers{builtin: builtin, custom: custom}
	d.set(builtin)
	if custom != nil {
		d.refresh()
	}
	return d
}

// refresh rebuilds the documents if the custom resources have changed.
func (d *discoveryHandlers) refresh() {
	gen := d.custom.Generation()
	d.mu.RLock()
	current := d.gen == gen && d.api != nil
	d.mu.RUnlock()
	if current {
		return
	}
	entries := append(append([]*registry.Entry(nil), d.builtin...), d.custom.Entries()...)
	d.set(entries)
	d.mu.Lock()
	d.gen = gen
	d.mu.Unlock()
}

// set rebuilds every discovery document from entries.
func (d *discoveryHandlers) set(entries []*registry.Entry) {
	groups, versions := map[string]http.Handler{}, map[string]http.Handler{}
	root := discovery.NewRootAPIsHandler(discovery.DefaultAddresses{DefaultAddress: "127.0.0.1"}, scheme.Codecs)
	var coreAgg, groupsAgg apidiscoveryv2.APIGroupDiscoveryList
	for _, group := range servedGroups(entries) {
		apiGroup := metav1.APIGroup{Name: group.name}
		aggGroup := apidiscoveryv2.APIGroupDiscovery{ObjectMeta: metav1.ObjectMeta{Name: group.name}}
		for i, gv := range group.versions {
			gvd := metav1.GroupVersionForDiscovery{GroupVersion: gv.String(), Version: gv.Version}
			apiGroup.Versions = append(apiGroup.Versions, gvd)
			if i == 0 {
				apiGroup.PreferredVersion = gvd
			}
			resources := apiResources(entries, gv)
			lister := discovery.APIResourceListerFunc(func() []metav1.APIResource { return resources })
			versions[versionPath(gv)] = discovery.NewAPIVersionHandler(scheme.Codecs, gv, lister)
			aggGroup.Versions = append(aggGroup.Versions, aggregatedVersion(entries, gv))
		}
		if group.name == "" {
			coreAgg.Items = append(coreAgg.Items, aggGroup)
			continue
		}
		groupsAgg.Items = append(groupsAgg.Items, aggGroup)
		root.AddGroup(apiGroup)
		groups["/apis/"+group.name] = discovery.NewAPIGroupHandler(scheme.Codecs, apiGroup)
	}
	legacy := discovery.NewLegacyRootAPIHandler(discovery.DefaultAddresses{DefaultAddress: "127.0.0.1"}, scheme.Codecs, "/api")
	api := aggregated.WrapAggregatedDiscoveryToHandler(legacy, newAggregatedHandler(&coreAgg), nil)
	apis := aggregated.WrapAggregatedDiscoveryToHandler(root, newAggregatedHandler(&groupsAgg), nil)

	d.mu.Lock()
	defer d.mu.Unlock()
	d.api, d.apis, d.groups, d.versions = api, apis, groups, versions
}

type servedGroup struct {
	name     string
	versions []schema.GroupVersion
}

// servedGroups lists the groups and versions of entries in discovery
// order: scheme.GroupVersions first, then any others in the order they
// appear.
func servedGroups(entries []*registry.Entry) []servedGroup {
	var order []schema.GroupVersion
	seen := map[schema.GroupVersion]bool{}
	has := map[schema.GroupVersion]bool{}
	for _, e := range entries {
		has[e.GroupVersion()] = true
	}
	for _, gv := range scheme.GroupVersions {
		if has[gv] && !seen[gv] {
			seen[gv] = true
			order = append(order, gv)
		}
	}
	for _, e := range entries {
		if gv := e.GroupVersion(); !seen[gv] {
			seen[gv] = true
			order = append(order, gv)
		}
	}
	var out []servedGroup
	index := map[string]int{}
	for _, gv := range order {
		i, ok := index[gv.Group]
		if !ok {
			i = len(out)
			index[gv.Group] = i
			out = append(out, servedGroup{name: gv.Group})
		}
		out[i].versions = append(out[i].versions, gv)
	}
	return out
}

func versionPath(gv schema.GroupVersion) string {
	if gv.Group == "" {
		return "/api/" + gv.Version
	}
	return "/apis/" + gv.Group + "/" + gv.Version
}

// serve answers a discovery path and reports whether it was one.
func (d *discoveryHandlers) serve(w http.ResponseWriter, r *http.Request, path string) bool {
	if d.custom != nil && (path == "/api" || strings.HasPrefix(path, "/apis")) {
		d.refresh()
	}
	d.mu.RLock()
	var h http.Handler
	switch {
	case path == "/api":
		h = d.api
	case path == "/apis":
		h = d.apis
	case d.versions[path] != nil:
		h = d.versions[path]
	case d.groups[path] != nil:
		h = d.groups[path]
	}
	d.mu.RUnlock()
	if h == nil {
		return false
	}
	h.ServeHTTP(w, r)
	return true
}

// aggregatedHandler serves one aggregated discovery document with its ETag.
type aggregatedHandler struct {
	list *apidiscoveryv2.APIGroupDiscoveryList
	etag string
}

func newAggregatedHandler(list *apidiscoveryv2.APIGroupDiscoveryList) *aggregatedHandler {
	list.Kind, list.APIVersion = "APIGroupDiscoveryList", apidiscoveryv2.SchemeGroupVersion.String()
	b, _ := json.Marshal(list)
	return &aggregatedHandler{list: list, etag: fmt.Sprintf("%X", sha512.Sum512(b))}
}

// ServeHTTP encodes a copy of the document: the encoder sets the type meta
// of what it encodes, and concurrent requests share the document.
func (h *aggregatedHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	aggregated.ServeHTTPWithETag(h.list.DeepCopy(), h.etag, apidiscoveryv2.SchemeGroupVersion, discoveryCodecs, w, r)
}
