package apiserver

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/apiserver/pkg/authentication/authenticator"
	"k8s.io/apiserver/pkg/authorization/authorizer"
	"k8s.io/apiserver/pkg/endpoints/handlers"
	"k8s.io/apiserver/pkg/endpoints/handlers/responsewriters"
	"k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/apiserver/pkg/registry/rest"

	"github.com/kubesim/kubesim/clock"
	"github.com/kubesim/kubesim/kube/openapi"
	"github.com/kubesim/kubesim/kube/registry"
	"github.com/kubesim/kubesim/kube/scheme"
)

// minRequestTimeout bounds how long a watch without timeoutSeconds lasts
// before the server closes it, as kube-apiserver's --min-request-timeout
// (1800 s) does; clients re-establish it.
const minRequestTimeout = 1800 * time.Second

// Config configures New.
type Config struct {
	Registry *registry.Registry
	// Admission runs on every write; nil admits everything.
	Admission admission.Interface
	// Activity, when set, counts requests in flight so that the environment
	// does not move virtual time while one is being served.
	Activity *clock.Activity
	// NonResource serves paths outside /api and /apis that the server does
	// not serve itself (e.g. /openapi); nil answers 404.
	NonResource http.Handler
	// Custom serves the resources the registry does not have: those of
	// CustomResourceDefinitions. Nil answers 404.
	Custom CustomResources
	// Authenticator identifies requests that carry credentials; requests
	// without any run as Admin. Nil treats every request as Admin's.
	Authenticator authenticator.Request
	// Authorizer decides what the identified user may do; nil allows
	// everything.
	Authorizer authorizer.UnconditionalAuthorizer
}

// CustomResources serves the resources CustomResourceDefinitions define
// (package apiextensions) and lists them for discovery.
type CustomResources interface {
	http.Handler
	// Generation changes whenever Entries may have.
	Generation() uint64
	// Entries describes the served custom resources for discovery.
	Entries() []*registry.Entry
}

// Server is the API server's http.Handler.
type Server struct {
	resolver    *request.RequestInfoFactory
	routes      map[routeKey]func() http.HandlerFunc
	entries     map[schema.GroupVersionResource]*registry.Entry
	discovery   *discoveryHandlers
	openapi     *openapi.Builder
	nonResource http.Handler
	custom      CustomResources
	activity    *clock.Activity
	authn       authenticator.Request
	authz       authorizer.UnconditionalAuthorizer
	handler     http.Handler
}

type routeKey struct {
	gvr         schema.GroupVersionResource
	subresource string
	verb        string
}

// New builds the API server for a registry.
func New(c Config) (*Server, error) {
	if c.Registry == nil {
		return nil, fmt.Errorf("apiserver: a Registry is required")
	}
	admit := c.Admission
	if admit == nil {
		admit = admission.NewChainHandler()
	}
	s := &Server{
		resolver: &request.RequestInfoFactory{
			APIPrefixes:          sets.NewString("api", "apis"),
			GrouplessAPIPrefixes: sets.NewString("api"),
		},
		routes:      map[routeKey]func() http.HandlerFunc{},
		entries:     map[schema.GroupVersionResource]*registry.Entry{},
		nonResource: c.NonResource,
		custom:      c.Custom,
		activity:    c.Activity,
		authn:       c.Authenticator,
		authz:       c.Authorizer,
	}
	equivalents := runtime.NewEquivalentResourceRegistry()
	for _, e := range c.Registry.Entries() {
		s.entries[e.GroupVersionResource] = e
		if err := s.addRoutes(e, "", e.Main, admit, equivalents); err != nil {
			return nil, err
		}
		for sub, st := range e.Subresources {
			if err := s.addRoutes(e, sub, st, admit, equivalents); err != nil {
				return nil, err
			}
		}
	}
	s.discovery = newDiscoveryHandlers(c.Registry.Entries(), c.Custom)
	s.openapi = openapi.NewBuilder(openAPIKinds(c.Registry.Entries()))
	s.handler = s.withFilters(http.HandlerFunc(s.serve))
	return s, nil
}

// patchTypes are the patch content types the server accepts.
var patchTypes = []string{
	string(types.JSONPatchType), string(types.MergePatchType),
	string(types.StrategicMergePatchType), string(types.ApplyYAMLPatchType),
}

// addRoutes registers the handlers of every verb the storage supports.
// Upstream's handlers wrap the admission chain they are given anew on
// every request, so, as kube-apiserver's installer does, a handler is made
// per request rather than once.
func (s *Server) addRoutes(e *registry.Entry, sub string, st rest.Storage, admit admission.Interface, eq runtime.EquivalentResourceMapper) error {
	scope, err := newScope(e, sub, st, eq)
	if err != nil {
		return err
	}
	if eq, ok := eq.(runtime.EquivalentResourceRegistry); ok {
		eq.RegisterKindFor(e.GroupVersionResource, sub, scope.Kind)
	}
	add := func(verb string, h func() http.HandlerFunc) {
		s.routes[routeKey{e.GroupVersionResource, sub, verb}] = h
	}
	if g, ok := st.(rest.Getter); ok {
		add("get", func() http.HandlerFunc { return handlers.GetResource(g, scope) })
	}
	if g, ok := st.(rest.GetterWithOptions); ok {
		add("get", func() http.HandlerFunc { return handlers.GetResourceWithOptions(g, scope, sub != "") })
	}
	if l, ok := st.(rest.Lister); ok {
		w, _ := st.(rest.Watcher)
		add("list", func() http.HandlerFunc { return handlers.ListResource(l, w, scope, false, minRequestTimeout) })
		if w != nil {
			add("watch", func() http.HandlerFunc { return handlers.ListResource(l, w, scope, true, minRequestTimeout) })
		}
	}
	switch c := st.(type) {
	case rest.NamedCreater:
		add("create", func() http.HandlerFunc { return handlers.CreateNamedResource(c, scope, admit) })
	case rest.Creater:
		add("create", func() http.HandlerFunc { return handlers.CreateResource(c, scope, admit) })
	}
	if u, ok := st.(rest.Updater); ok {
		add("update", func() http.HandlerFunc { return handlers.UpdateResource(u, scope, admit) })
	}
	if p, ok := st.(rest.Patcher); ok {
		add("patch", func() http.HandlerFunc { return handlers.PatchResource(p, scope, admit, patchTypes) })
	}
	if d, ok := st.(rest.GracefulDeleter); ok {
		add("delete", func() http.HandlerFunc { return handlers.DeleteResource(d, true, scope, admit) })
	}
	if d, ok := st.(rest.CollectionDeleter); ok {
		add("deletecollection", func() http.HandlerFunc { return handlers.DeleteCollection(d, true, scope, admit) })
	}
	return nil
}

// OpenAPI returns the builder of the server's OpenAPI documents, to which
// custom resources add their kinds.
func (s *Server) OpenAPI() *openapi.Builder { return s.openapi }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	info, _ := request.RequestInfoFrom(r.Context())
	if info == nil || !info.IsResourceRequest {
		s.serveNonResource(w, r)
		return
	}
	gvr := schema.GroupVersionResource{Group: info.APIGroup, Version: info.APIVersion, Resource: info.Resource}
	e, ok := s.entries[gvr]
	if !ok && s.custom != nil {
		s.custom.ServeHTTP(w, r)
		return
	}
	// RequestInfo reports a namespace's own name as its namespace.
	isNamespace := gvr.Group == "" && gvr.Resource == "namespaces"
	if !ok || (info.Namespace != "" && !e.Namespaced && !isNamespace) || (info.Namespace == "" && e.Namespaced && needsNamespace(info)) {
		s.notFound(w, r)
		return
	}
	h, ok := s.routes[routeKey{gvr, info.Subresource, info.Verb}]
	if !ok {
		if _, known := e.Subresources[info.Subresource]; info.Subresource != "" && !known {
			s.notFound(w, r)
			return
		}
		s.methodNotAllowed(w, r, info)
		return
	}
	h()(w, r)
}

// needsNamespace reports whether a request for a namespaced resource must
// name a namespace: only list, watch and deletecollection may span all.
func needsNamespace(info *request.RequestInfo) bool {
	switch info.Verb {
	case "list", "watch":
		return info.Name != ""
	}
	return true
}

func (s *Server) serveNonResource(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimSuffix(r.URL.Path, "/")
	if s.discovery.serve(w, r, path) {
		return
	}
	switch path {
	case "/version":
		responsewriters.WriteRawJSON(http.StatusOK, serverVersion(), w)
		return
	case "/healthz", "/livez", "/readyz":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write([]byte("ok"))
		return
	}
	if path == "/openapi/v2" || strings.HasPrefix(path, "/openapi/v3") {
		s.openapi.ServeHTTP(w, r)
		return
	}
	if strings.HasPrefix(path, "/healthz/") || strings.HasPrefix(path, "/livez/") || strings.HasPrefix(path, "/readyz/") {
		_, _ = w.Write([]byte("ok"))
		return
	}
	if s.nonResource != nil {
		s.nonResource.ServeHTTP(w, r)
		return
	}
	s.notFound(w, r)
}

// notFound answers like kube-apiserver for a path it does not serve.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) { notFound(w, r) }

// NotFound answers like kube-apiserver for a path it does not serve.
var NotFound http.Handler = http.HandlerFunc(notFound)

func notFound(w http.ResponseWriter, r *http.Request) {
	status := metav1.Status{
		Status:  metav1.StatusFailure,
		Code:    http.StatusNotFound,
		Reason:  metav1.StatusReasonNotFound,
		Message: "the server could not find the requested resource",
		Details: &metav1.StatusDetails{},
	}
	responsewriters.WriteRawJSON(http.StatusNotFound, status, w)
}

func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request, info *request.RequestInfo) {
	err := apierrors.NewMethodNotSupported(schema.GroupResource{Group: info.APIGroup, Resource: info.Resource}, info.Verb)
	responsewriters.ErrorNegotiated(err, scheme.Codecs, schema.GroupVersion{Group: info.APIGroup, Version: info.APIVersion}, w, r)
}
