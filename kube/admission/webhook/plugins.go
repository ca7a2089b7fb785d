package webhook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/apiserver/pkg/admission/initializer"
	"k8s.io/apiserver/pkg/admission/plugin/policy/validating"
	webhookinit "k8s.io/apiserver/pkg/admission/plugin/webhook/initializer"
	"k8s.io/apiserver/pkg/admission/plugin/webhook/mutating"
	validatingwebhook "k8s.io/apiserver/pkg/admission/plugin/webhook/validating"
	"k8s.io/apiserver/pkg/authorization/authorizer"
	"k8s.io/apiserver/pkg/authorization/authorizerfactory"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"

	"github.com/kubesim/kubesim/store"
)

// The plugins' names, as kube-apiserver's --enable-admission-plugins
// knows them.
const (
	MutatingWebhookName   = mutating.PluginName          // MutatingAdmissionWebhook
	ValidatingPolicyName  = validating.PluginName        // ValidatingAdmissionPolicy
	ValidatingWebhookName = validatingwebhook.PluginName // ValidatingAdmissionWebhook
)

// Config configures New.
type Config struct {
	// Store holds the webhook configurations, policies, namespaces and
	// services the plugins read.
	Store *store.Store
	// RESTConfig reaches the API server the plugins are part of. They
	// call it only for what the store cannot answer: the objects that
	// policies' paramKinds name, and the discovery that maps those kinds
	// to resources. The server need not be up until the first request.
	RESTConfig *rest.Config
	// Authorizer answers the authorizer variable of CEL expressions
	// (matchConditions, policy validations): the API server's own; nil
	// allows everything.
	Authorizer authorizer.UnconditionalAuthorizer
}

// Plugins are upstream's dynamic admission plugins, wired to kubesim's
// store. Register them into an admission.Plugins registry to build a
// chain; Close stops them.
//
// Each upstream plugin is built at the first request that finds a
// configuration of its kind (a webhook configuration, a policy binding)
// in the store. Building one costs milliseconds, mostly CEL environments,
// and most clusters a test starts never need one; until then a request
// costs the plugin one look into the store.
type Plugins struct {
	config  Config
	factory *informerFactory
	stop    chan struct{}

	mutating   *lazyPlugin
	validating *lazyPlugin
	policy     *lazyPlugin

	initOnce    sync.Once
	initializer admission.PluginInitializers
	initErr     error

	mu     sync.Mutex
	closed bool
}

// New returns the plugins; they build nothing until needed.
func New(c Config) (*Plugins, error) {
	if c.Store == nil || c.RESTConfig == nil {
		return nil, errors.New("webhook: Config needs a Store and a RESTConfig")
	}
	p := &Plugins{config: c, factory: newInformerFactory(c.Store), stop: make(chan struct{})}
	p.mutating = &lazyPlugin{name: MutatingWebhookName, plugins: p,
		needed: func(v *store.View) bool { return holds(v, mutatingWebhooksResource) },
		sync:   p.factory.mutatingWebhooks.sync,
		build: func() (admission.Interface, error) {
			return mutating.NewMutatingWebhook(nil)
		},
	}
	p.validating = &lazyPlugin{name: ValidatingWebhookName, plugins: p,
		needed: func(v *store.View) bool { return holds(v, validatingWebhooksResource) },
		sync:   p.factory.validatingWebhooks.sync,
		build: func() (admission.Interface, error) {
			return validatingwebhook.NewValidatingAdmissionWebhook(nil)
		},
	}
	p.policy = &lazyPlugin{name: ValidatingPolicyName, plugins: p,
		needed: func(v *store.View) bool { return holds(v, policyBindingsResource) },
		build:  func() (admission.Interface, error) { return newPolicyPlugin(c.Store), nil },
	}
	return p, nil
}

// Register adds the plugins to ps under their upstream names.
func (p *Plugins) Register(ps *admission.Plugins) {
	ps.Register(MutatingWebhookName, func(io.Reader) (admission.Interface, error) { return mutatingPlugin{p.mutating}, nil })
	ps.Register(ValidatingPolicyName, func(io.Reader) (admission.Interface, error) { return validatingPlugin{p.policy}, nil })
	ps.Register(ValidatingWebhookName, func(io.Reader) (admission.Interface, error) { return validatingPlugin{p.validating}, nil })
}

// Close stops the plugins' goroutines. It is safe to call more than once,
// and on a nil *Plugins.
func (p *Plugins) Close() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.closed {
		p.closed = true
		close(p.stop)
	}
}

// initializers returns what upstream's plugins are initialized with, as
// kube-apiserver's: clients, the informer factory (over the store here),
// the service resolver and the stop channel. Webhooks get no
// authentication info: they are called without credentials, as by a
// kube-apiserver without --admission-control-config-file kubeconfigs.
func (p *Plugins) initializers() (admission.PluginInitializers, error) {
	p.initOnce.Do(func() {
		c := p.config
		client, err := kubernetes.NewForConfig(c.RESTConfig)
		if err != nil {
			p.initErr = fmt.Errorf("client: %w", err)
			return
		}
		dyn, err := dynamic.NewForConfig(c.RESTConfig)
		if err != nil {
			p.initErr = fmt.Errorf("dynamic client: %w", err)
			return
		}
		disco, err := discovery.NewDiscoveryClientForConfig(c.RESTConfig)
		if err != nil {
			p.initErr = fmt.Errorf("discovery client: %w", err)
			return
		}
		mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(disco))
		var authz authorizer.Authorizer = authorizerfactory.NewAlwaysAllowAuthorizer()
		if c.Authorizer != nil {
			authz = unconditional{c.Authorizer}
		}
		p.initializer = admission.PluginInitializers{
			initializer.New(client, dyn, p.factory, authz, utilfeature.DefaultFeatureGate, nil, p.stop, mapper),
			webhookinit.NewPluginInitializer(nil, serviceResolver{c.Store}),
		}
	})
	return p.initializer, p.initErr
}

// holds reports whether the store holds an object of resource.
func holds(v *store.View, resource string) bool {
	found := false
	v.List(resource, "", func(runtime.Object) bool { found = true; return false })
	return found
}

// unconditional is an authorizer that knows nothing of conditions, as
// the upstream interface asks such an authorizer to behave.
type unconditional struct {
	authorizer.UnconditionalAuthorizer
}

func (u unconditional) ConditionsAwareAuthorize(ctx context.Context, a authorizer.Attributes) authorizer.ConditionsAwareDecision {
	return authorizer.ConditionsAwareDecisionFromParts(u.Authorize(ctx, a))
}

func (unconditional) EvaluateConditions(context.Context, authorizer.ConditionsAwareDecision, authorizer.ConditionsData) (authorizer.Decision, string, error) {
	return authorizer.DecisionDeny, "", authorizer.ErrorConditionEvaluationNotSupported
}
