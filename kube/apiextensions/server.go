package apiextensions

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"sync"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensionsapiserver "k8s.io/apiextensions-apiserver/pkg/apiserver"
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset/typed/apiextensions/v1"
	"k8s.io/apiextensions-apiserver/pkg/controller/establish"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/apiserver/pkg/authorization/authorizer"
	"k8s.io/apiserver/pkg/storage/storagebackend"
	"k8s.io/apiserver/pkg/util/webhook"
	"k8s.io/client-go/rest"
	"k8s.io/kube-openapi/pkg/validation/spec"
	utilclock "k8s.io/utils/clock"

	"github.com/kubesim/kubesim/kube/openapi"
	"github.com/kubesim/kubesim/kube/registry"
	"github.com/kubesim/kubesim/kube/storage"
	"github.com/kubesim/kubesim/store"
)

// Timeouts of custom resource requests, kube-apiserver's defaults: a
// request's (--request-timeout) and the least a watch lasts
// (--min-request-timeout).
const (
	requestTimeout    = 60 * time.Second
	minRequestTimeout = 1800 * time.Second
)

// Config configures New.
type Config struct {
	Store *store.Store
	Clock utilclock.PassiveClock
	// Admission runs on every write of a custom resource.
	Admission admission.Interface
	// Authorizer answers the few checks the handlers make themselves.
	Authorizer authorizer.UnconditionalAuthorizer
	// NotFound answers requests for resources no CRD defines.
	NotFound http.Handler
}

// Server serves custom resources: it is apiextensions-apiserver's CRD
// handler over kubesim's store.
type Server struct {
	store    *store.Store
	informer *crdInformer
	handler  http.Handler
	// lister is handed to the finalizer: it deletes custom resources
	// through their storage, as upstream's does.
	lister collectionDeleterGetter

	// staticSpec holds the definitions custom resources' apply schemas
	// refer to (ObjectMeta and the like); filled on the first request.
	staticSpec     map[string]*spec.Schema
	staticSpecOnce sync.Once

	establishing *establish.EstablishingController

	mu        sync.Mutex
	gen       uint64 // counts changes of the CRDs, for discovery
	openapi   OpenAPIPublisher
	published map[types.UID]map[schema.GroupVersionKind]bool
	client    apiextensionsclient.ApiextensionsV1Interface
	cancel    context.CancelFunc
	finished  chan struct{}
}

// New returns the server; Start connects it to the API server it is part of.
func New(c Config) (*Server, error) {
	if c.Store == nil || c.Clock == nil || c.NotFound == nil {
		return nil, fmt.Errorf("apiextensions: Store, Clock and NotFound are required")
	}
	s := &Server{store: c.Store, informer: newCRDInformer(c.Store), staticSpec: map[string]*spec.Schema{},
		published: map[types.UID]map[schema.GroupVersionKind]bool{}}
	getter := registry.RESTOptions{
		Store: c.Store, Clock: c.Clock,
		Codec:      unstructured.UnstructuredJSONScheme,
		Namespaced: s.namespaced,
		Transform: func(config *storagebackend.ConfigForResource) storage.Transformer {
			return storage.CodecTransformer{Codec: config.Codec, Stored: unstructured.UnstructuredJSONScheme}
		},
	}
	// The establishing controller is upstream's, for the rare CRD whose
	// names are accepted but which is not yet established when the
	// handler sees it; kubesim's naming controller establishes CRDs
	// itself. It is given its client in Start.
	s.establishing = establish.NewEstablishingController(s.informer, s)
	h, err := apiextensionsapiserver.NewCustomResourceDefinitionHandler(
		nil, nil, // discovery is the API server's (Groups)
		s.informer, c.NotFound, getter, c.Admission, s.establishing,
		webhook.NewDefaultServiceResolver(), nil,
		1, c.Authorizer, requestTimeout, minRequestTimeout, s.staticSpec, 3*1024*1024)
	if err != nil {
		return nil, fmt.Errorf("apiextensions: %w", err)
	}
	s.handler = h
	s.lister = h
	return s, nil
}

// CustomResourceDefinitions implements the establishing controller's
// client getter with the client Start gives.
func (s *Server) CustomResourceDefinitions() apiextensionsclient.CustomResourceDefinitionInterface {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.client.CustomResourceDefinitions()
}

// Start runs what needs a client of the API server until Stop.
func (s *Server) Start(config *rest.Config) error {
	client, err := apiextensionsclient.NewForConfig(config)
	if err != nil {
		return fmt.Errorf("apiextensions: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.mu.Lock()
	s.client, s.cancel, s.finished = client, cancel, make(chan struct{})
	s.mu.Unlock()
	go func() {
		defer close(s.finished)
		s.establishing.RunWithContext(ctx)
	}()
	return nil
}

// Stop stops what Start started.
func (s *Server) Stop() {
	s.mu.Lock()
	cancel, finished := s.cancel, s.finished
	s.mu.Unlock()
	if cancel != nil {
		cancel()
		<-finished
	}
}

// ServeHTTP serves a request for a resource kubesim does not have built
// in: a custom resource, or a 404.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.loadStaticSpec()
	s.handler.ServeHTTP(w, r)
}

// loadStaticSpec fills the definitions the CRD handler merges into custom
// resources' apply schemas. It runs before the handler first reads them.
func (s *Server) loadStaticSpec() {
	s.staticSpecOnce.Do(func() {
		defs, err := openapi.Definitions(reflect.TypeFor[metav1.ObjectMeta]())
		if err != nil {
			return // apply then deduces the schema from objects
		}
		for name, def := range defs {
			s.staticSpec[name] = def
		}
	})
}

// namespaced reports whether the custom resource is namespaced.
func (s *Server) namespaced(gr schema.GroupResource) bool {
	crd, err := crdLister{s.store}.Get(gr.String())
	return err == nil && crd.Spec.Scope == apiextensionsv1.NamespaceScoped
}
