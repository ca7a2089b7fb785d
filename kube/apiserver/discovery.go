package apiserver

import (
	"sort"

	apidiscoveryv2 "k8s.io/api/apidiscovery/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/endpoints/discovery"

	"github.com/kubesim/kubesim/kube/registry"
)

// standardVerbs are the verbs of a resource with the full REST interface.
var standardVerbs = metav1.Verbs{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}

// subresourceVerbs are the verbs each kind of subresource serves.
var subresourceVerbs = map[string]metav1.Verbs{
	"status":   {"get", "patch", "update"},
	"scale":    {"get", "patch", "update"},
	"binding":  {"create"},
	"eviction": {"create"},
	"log":      {"get"},
	"finalize": {"update"},
	"token":    {"create"},
}

// apiResources lists the resources of one group version for legacy
// discovery (/api/v1, /apis/apps/v1), with their subresources.
func apiResources(entries []*registry.Entry, gv schema.GroupVersion) []metav1.APIResource {
	var out []metav1.APIResource
	for _, e := range entries {
		if e.GroupVersion() != gv {
			continue
		}
		verbs := standardVerbs
		if e.Verbs != nil {
			verbs = e.Verbs
		}
		out = append(out, metav1.APIResource{
			Name:               e.Resource.Resource,
			SingularName:       e.Singular,
			Namespaced:         e.Namespaced,
			Kind:               e.Kind,
			Verbs:              verbs,
			ShortNames:         e.ShortNames,
			Categories:         e.Categories,
			StorageVersionHash: discovery.StorageVersionHash(gv.Group, gv.Version, e.Kind),
		})
		for _, sub := range sortedKeys(e.Subresources) {
			kind := e.Kind
			group, version := "", ""
			if k, ok := subresourceKind[sub]; ok {
				kind, group, version = k.Kind, k.Group, k.Version
			}
			out = append(out, metav1.APIResource{
				Name:       e.Resource.Resource + "/" + sub,
				Namespaced: e.Namespaced,
				Kind:       kind,
				Group:      group,
				Version:    version,
				Verbs:      subresourceVerbs[sub],
			})
		}
	}
	return out
}

// subresourceKind names the kinds of subresources whose kind differs from
// their parent's.
var subresourceKind = map[string]schema.GroupVersionKind{
	"scale":    {Group: "autoscaling", Version: "v1", Kind: "Scale"},
	"binding":  {Group: "", Version: "v1", Kind: "Binding"},
	"eviction": {Group: "policy", Version: "v1", Kind: "Eviction"},
	"token":    {Group: "authentication.k8s.io", Version: "v1", Kind: "TokenRequest"},
}

// aggregatedVersion describes one group version for aggregated discovery
// (/apis with the apidiscovery.k8s.io/v2 Accept header).
func aggregatedVersion(entries []*registry.Entry, gv schema.GroupVersion) apidiscoveryv2.APIVersionDiscovery {
	v := apidiscoveryv2.APIVersionDiscovery{Version: gv.Version, Freshness: apidiscoveryv2.DiscoveryFreshnessCurrent}
	for _, e := range entries {
		if e.GroupVersion() != gv {
			continue
		}
		scope := apidiscoveryv2.ScopeCluster
		if e.Namespaced {
			scope = apidiscoveryv2.ScopeNamespace
		}
		verbs := standardVerbs
		if e.Verbs != nil {
			verbs = e.Verbs
		}
		r := apidiscoveryv2.APIResourceDiscovery{
			Resource:         e.Resource.Resource,
			ResponseKind:     &metav1.GroupVersionKind{Group: gv.Group, Version: gv.Version, Kind: e.Kind},
			Scope:            scope,
			SingularResource: e.Singular,
			Verbs:            verbs,
			ShortNames:       e.ShortNames,
			Categories:       e.Categories,
		}
		for _, sub := range sortedKeys(e.Subresources) {
			kind := metav1.GroupVersionKind{Group: gv.Group, Version: gv.Version, Kind: e.Kind}
			if k, ok := subresourceKind[sub]; ok {
				kind = metav1.GroupVersionKind{Group: k.Group, Version: k.Version, Kind: k.Kind}
			}
			r.Subresources = append(r.Subresources, apidiscoveryv2.APISubresourceDiscovery{
				Subresource: sub, ResponseKind: &kind, Verbs: subresourceVerbs[sub],
			})
		}
		v.Resources = append(v.Resources, r)
	}
	sort.Slice(v.Resources, func(i, j int) bool { return v.Resources[i].Resource < v.Resources[j].Resource })
	return v
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
