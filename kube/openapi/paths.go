package openapi

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Definitions that REST operations refer to, whatever the kinds.
const (
	objectMetaDef    = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
	listMetaDef      = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"
	statusDef        = "io.k8s.apimachinery.pkg.apis.meta.v1.Status"
	deleteOptionsDef = "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions"
	patchDef         = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch"
	scaleDef         = "io.k8s.api.autoscaling.v1.Scale"
)

var scaleGVK = schema.GroupVersionKind{Group: "autoscaling", Version: "v1", Kind: "Scale"}

// pathItem is one REST path with its operations, independent of the
// document flavour; renderV2 and renderV3 turn it into spec types.
type pathItem struct {
	path       string
	pathParams []string // "name", "namespace"
	kind       string   // for the description of the name parameter
	ops        []operation
}

type operation struct {
	method   string // get, put, post, patch, delete
	id       string
	desc     string
	action   string // x-kubernetes-action
	gvk      schema.GroupVersionKind
	tag      string
	query    []string // names in queryParams
	body     string   // definition of the request body
	patch    bool     // the body is a patch document
	response string   // definition returned with codes
	codes    []int
}

// resource is what the path generator needs to know about a served kind.
type resource struct {
	gvk          schema.GroupVersionKind
	def          string // definition of the kind
	listDef      string // definition of its list kind, "" if unknown
	plural       string
	namespaced   bool
	verbs        []string
	subresources []subresource
}

type subresource struct {
	name string
	gvk  schema.GroupVersionKind
	def  string
}

var (
	writeParams  = []string{"dryRun", "fieldManager", "fieldValidation"}
	patchParams  = []string{"dryRun", "fieldManager", "fieldValidation", "force"}
	deleteParams = []string{"dryRun", "gracePeriodSeconds", "ignoreStoreReadErrorWithClusterBreakingPotential", "orphanDependents", "propagationPolicy"}
	listParams   = []string{"allowWatchBookmarks", "continue", "fieldSelector", "labelSelector", "limit", "resourceVersion", "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds", "watch"}
)

// resourcePaths lists the REST paths upstream serves for a resource
// (k8s.io/apiserver pkg/endpoints/installer.go), minus the deprecated
// /watch/ paths and connect subresources.
func resourcePaths(r resource) []pathItem {
	gv := r.gvk.GroupVersion()
	prefix := "/" + GroupVersionPath(gv)
	opPrefix := operationGroupName(gv.Group) + strings.ToUpper(gv.Version[:1]) + gv.Version[1:]
	tag := strings.ToLower(strings.ReplaceAll(operationGroupName(gv.Group), ".", "_")) + "_" + gv.Version
	scope, collectionParams := "", []string(nil)
	base := prefix
	if r.namespaced {
		scope, collectionParams = "Namespaced", []string{"namespace"}
		base = prefix + "/namespaces/{namespace}"
	}
	id := func(verb, suffix string) string { return verb + opPrefix + scope + r.gvk.Kind + suffix }
	mk := func(method, verb, action, desc string, query []string, body, response string, codes ...int) operation {
		return operation{method: method, id: id(verb, ""), desc: desc, action: action, gvk: r.gvk, tag: tag,
			query: query, body: body, response: response, codes: codes}
	}

	collection := pathItem{path: base + "/" + r.plural, pathParams: collectionParams, kind: r.gvk.Kind}
	if hasVerb(r.verbs, "list") {
		collection.ops = append(collection.ops, mk("get", "list", "list", "list or watch objects of kind "+r.gvk.Kind, listParams, "", r.listDef, 200))
	}
	if hasVerb(r.verbs, "create") {
		collection.ops = append(collection.ops, mk("post", "create", "post", "create a "+r.gvk.Kind, writeParams, r.def, r.def, 200, 201, 202))
	}
	if hasVerb(r.verbs, "deletecollection") {
		op := mk("delete", "deleteCollection", "deletecollection", "delete collection of "+r.gvk.Kind, append(cloneStrings(deleteParams), listParams...), deleteOptionsDef, statusDef, 200)
		collection.ops = append(collection.ops, op)
	}

	item := pathItem{path: collection.path + "/{name}", pathParams: append([]string{"name"}, collectionParams...), kind: r.gvk.Kind}
	if hasVerb(r.verbs, "get") {
		op := mk("get", "read", "get", "read the specified "+r.gvk.Kind, nil, "", r.def, 200)
		item.ops = append(item.ops, op)
	}
	if hasVerb(r.verbs, "update") {
		item.ops = append(item.ops, mk("put", "replace", "put", "replace the specified "+r.gvk.Kind, writeParams, r.def, r.def, 200, 201))
	}
	if hasVerb(r.verbs, "patch") {
		op := mk("patch", "patch", "patch", "partially update the specified "+r.gvk.Kind, patchParams, patchDef, r.def, 200, 201)
		op.patch = true
		item.ops = append(item.ops, op)
	}
	if hasVerb(r.verbs, "delete") {
		item.ops = append(item.ops, mk("delete", "delete", "delete", "delete a "+r.gvk.Kind, deleteParams, deleteOptionsDef, statusDef, 200, 202))
	}

	var items []pathItem
	for _, p := range []pathItem{collection, item} {
		if len(p.ops) > 0 {
			items = append(items, p)
		}
	}
	if r.namespaced && hasVerb(r.verbs, "list") {
		all := pathItem{path: prefix + "/" + r.plural, kind: r.gvk.Kind}
		op := mk("get", "list", "list", "list or watch objects of kind "+r.gvk.Kind, listParams, "", r.listDef, 200)
		op.id = "list" + opPrefix + r.gvk.Kind + "ForAllNamespaces"
		all.ops = append(all.ops, op)
		items = append(items, all)
	}
	for _, sub := range r.subresources {
		items = append(items, subresourcePath(r, sub, item, id, tag))
	}
	return items
}

func subresourcePath(r resource, sub subresource, item pathItem, id func(verb, suffix string) string, tag string) pathItem {
	suffix := strings.ToUpper(sub.name[:1]) + sub.name[1:]
	p := pathItem{path: item.path + "/" + sub.name, pathParams: item.pathParams, kind: r.gvk.Kind}
	what := fmt.Sprintf("%s of the specified %s", sub.name, r.gvk.Kind)
	p.ops = []operation{
		{method: "get", id: id("read", suffix), desc: "read " + what, action: "get", gvk: sub.gvk, tag: tag, response: sub.def, codes: []int{200}},
		{method: "put", id: id("replace", suffix), desc: "replace " + what, action: "put", gvk: sub.gvk, tag: tag, query: writeParams, body: sub.def, response: sub.def, codes: []int{200, 201}},
		{method: "patch", id: id("patch", suffix), desc: "partially update " + what, action: "patch", gvk: sub.gvk, tag: tag, query: patchParams, body: patchDef, patch: true, response: sub.def, codes: []int{200, 201}},
	}
	return p
}

func cloneStrings(s []string) []string { return append([]string(nil), s...) }

// pathRefs returns the definitions the operations of items refer to.
func pathRefs(items []pathItem) []string {
	var out []string
	for _, p := range items {
		for _, op := range p.ops {
			for _, d := range []string{op.body, op.response} {
				if d != "" {
					out = append(out, d)
				}
			}
		}
	}
	return out
}

type queryParam struct {
	typ, desc string
}

// queryParams describes the query parameters of the operations; the
// descriptions summarise upstream's (k8s.io/apimachinery meta/v1 types).
var queryParams = map[string]queryParam{
	"pretty":               {"string", "If 'true', then the output is pretty printed."},
	"dryRun":               {"string", "When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed"},
	"fieldManager":         {"string", "fieldManager is a name associated with the actor or entity that is making these changes. It is required for apply requests (application/apply-patch)."},
	"fieldValidation":      {"string", "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn (the default) - Strict"},
	"force":                {"boolean", "Force is going to \"force\" Apply requests. It means user will re-acquire conflicting fields owned by other people. It must be unset for non-apply patch requests."},
	"gracePeriodSeconds":   {"integer", "The duration in seconds before the object should be deleted. Zero means delete immediately; unset means the default grace period of the type."},
	"propagationPolicy":    {"string", "Whether and how garbage collection will be performed: 'Orphan', 'Background' or 'Foreground'."},
	"orphanDependents":     {"boolean", "Deprecated: please use the PropagationPolicy. Should the dependent objects be orphaned."},
	"allowWatchBookmarks":  {"boolean", "allowWatchBookmarks requests watch events with type \"BOOKMARK\"."},
	"continue":             {"string", "The continue option should be set when retrieving more results from the server, with the value of the previous list's metadata.continue."},
	"fieldSelector":        {"string", "A selector to restrict the list of returned objects by their fields. Defaults to everything."},
	"labelSelector":        {"string", "A selector to restrict the list of returned objects by their labels. Defaults to everything."},
	"limit":                {"integer", "limit is a maximum number of responses to return for a list call."},
	"resourceVersion":      {"string", "resourceVersion sets a constraint on what resource versions a request may be served from. Defaults to unset"},
	"resourceVersionMatch": {"string", "resourceVersionMatch determines how resourceVersion is applied to list calls."},
	"sendInitialEvents":    {"boolean", "sendInitialEvents=true may be set together with watch=true to begin the watch stream with synthetic events producing the current state of objects in the collection."},
	"timeoutSeconds":       {"integer", "Timeout for the list/watch call."},
	"watch":                {"boolean", "Watch for changes to the described resources and return them as a stream of add, update, and remove notifications."},
	"ignoreStoreReadErrorWithClusterBreakingPotential": {"boolean", "if set to true, it will trigger an unsafe deletion of the resource in case the normal deletion flow fails with a corrupt object error."},
}

var (
	responseContentTypes = []string{"application/json", "application/yaml", "application/vnd.kubernetes.protobuf"}
	patchContentTypes    = []string{"application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json"}
)

func pathParamDesc(name, kind string) string {
	if name == "namespace" {
		return "object name and auth scope, such as for teams and projects"
	}
	return "name of the " + kind
}

var statusText = map[int]string{200: "OK", 201: "Created", 202: "Accepted", 401: "Unauthorized"}
