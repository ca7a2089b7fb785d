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
	for _, p := range builtins(st, nil) {
		plugins = append(plugins, p.plugin)
	}
	return admission.NewChainHandler(plugins...)
}

type namedPlugin struct {
	name   string
	plugin admission.Interface
}

// builtins lists the plugins in kube-apiserver's order. The
// ServiceAccount plugin is on once sa holds the serviceaccount controller.
func builtins(st *store.Store, sa *DefaultAccounts) []namedPlugin {
	return []namedPlugin{
		{NamespaceLifecycleName, NamespaceLifecycle{Store: st}},
		{LimitRangerName, LimitRanger{Store: st}},
		{ServiceAccountName, ServiceAccount{Store: st, Defaults: sa}},
		{PodSecurityName, NewPodSecurity(st)},
		{PriorityName, Priority{Store: st}},
		{DefaultTolerationSecondsName, DefaultTolerationSeconds{}},
		{DefaultStorageClassName, DefaultStorageClass{Store: st}},
		{StorageObjectInUseProtectionName, StorageObjectInUseProtection{}},
		{PersistentVolumeClaimResizeName, PersistentVolumeClaimResize{Store: st}},
		// Upstream checks RBAC escalation in the RBAC resources' storage;
		// here it is a plugin that sees the same writes.
		{RBACEscalationName, auth.Escalation{Store: st}},
		// The dynamic plugins go here, before ResourceQuota: quota is
		// charged last, for the object as the webhooks left it.
		{ResourceQuotaName, NewResourceQuota(st)},
	}
}

// dynamicBefore is the built-in plugin the dynamic ones precede.
const dynamicBefore = ResourceQuotaName

// NewChain returns the admission chain of kube-apiserver: kubesim's
// built-in plugins, with, when dynamic is not nil, the mutating webhooks,
// ValidatingAdmissionPolicy and the validating webhooks just before
// ResourceQuota (kube-apiserver's AllOrderedPlugins). The mutating phase
// runs again when a webhook with reinvocationPolicy IfNeeded asks for it.
func NewChain(st *store.Store, sa *DefaultAccounts, dynamic *webhook.Plugins) (admission.Interface, error) {
	ps := admission.NewPlugins()
	var names, dynamicNames []string
	if dynamic != nil {
		dynamic.Register(ps)
		dynamicNames = []string{webhook.MutatingWebhookName, webhook.ValidatingPolicyName, webhook.ValidatingWebhookName}
	}
	for _, p := range builtins(st, sa) {
		ps.Register(p.name, func(io.Reader) (admission.Interface, error) { return p.plugin, nil })
		if p.name == dynamicBefore {
			names, dynamicNames = append(names, dynamicNames...), nil
		}
		names = append(names, p.name)
	}
	names = append(names, dynamicNames...)
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
