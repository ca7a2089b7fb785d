package admission

import (
	"fmt"
	"io"

	"k8s.io/apiserver/pkg/admission"

	"github.com/kubesim/kubesim/kube/admission/webhook"
	"github.com/kubesim/kubesim/kube/auth"
	"github.com/kubesim/kubesim/store"
)

// Names of kubesim's own plugins, as kube-apiserver's
// --enable-admission-plugins knows them.
const (
	NamespaceLifecycleName = "NamespaceLifecycle"
	PriorityName           = "Priority"
	RBACEscalationName     = "RBACEscalation"
)

// Chain returns kubesim's built-in admission plugins in kube-apiserver's
// order, without the dynamic ones (webhooks, policies): NewChain adds
// those.
func Chain(st *store.Store) admission.Interface {
	var plugins []admission.Interface
	for _, p := range builtins(st) {
		plugins = append(plugins, p.plugin)
	}
	return admission.NewChainHandler(plugins...)
}

type namedPlugin struct {
	name   string
	plugin admission.Interface
}

func builtins(st *store.Store) []namedPlugin {
	return []namedPlugin{
		{NamespaceLifecycleName, NamespaceLifecycle{Store: st}},
		{PriorityName, Priority{Store: st}},
		{DefaultTolerationSecondsName, DefaultTolerationSeconds{}},
		// Upstream checks RBAC escalation in the RBAC resources' storage;
		// here it is a plugin that sees the same writes.
		{RBACEscalationName, auth.Escalation{Store: st}},
	}
}

// NewChain returns the admission chain of kube-apiserver: kubesim's
// built-in plugins, then, when dynamic is not nil, the mutating webhooks
// after the built-in mutating plugins and the ValidatingAdmissionPolicy
// and validating webhooks after the built-in validating ones
// (kube-apiserver's AllOrderedPlugins). The mutating phase runs again
// when a webhook with reinvocationPolicy IfNeeded asks for it.
func NewChain(st *store.Store, dynamic *webhook.Plugins) (admission.Interface, error) {
	ps := admission.NewPlugins()
	var names []string
	for _, p := range builtins(st) {
		ps.Register(p.name, func(io.Reader) (admission.Interface, error) { return p.plugin, nil })
		names = append(names, p.name)
	}
	if dynamic != nil {
		dynamic.Register(ps)
		names = append(names, webhook.MutatingWebhookName, webhook.ValidatingPolicyName, webhook.ValidatingWebhookName)
	}
	// Not ps.NewFromPlugins, which would do the same but log two lines
	// at every environment's start.
	var plugins []admission.Interface
	for _, name := range names {
		p, err := ps.InitPlugin(name, nil, admission.PluginInitializers{})
		if err != nil {
			return nil, fmt.Errorf("admission chain: %w", err)
		}
		plugins = append(plugins, p)
	}
	return reinvoker{admission.NewChainHandler(plugins...)}, nil
}
