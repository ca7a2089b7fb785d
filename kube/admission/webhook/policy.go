package webhook

import (
	"context"
	"fmt"
	"sort"
	"sync"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/apiserver/pkg/admission/plugin/policy/generic"
	"k8s.io/apiserver/pkg/admission/plugin/policy/matching"
	"k8s.io/apiserver/pkg/admission/plugin/policy/validating"
	"k8s.io/apiserver/pkg/authorization/authorizer"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"

	"github.com/kubesim/kubesim/store"
)

// newPolicyPlugin returns upstream's ValidatingAdmissionPolicy plugin
// with one part replaced: the source of its policies. Upstream's source
// recompiles the policies at most once a second of wall-clock time, after
// its informers heard of a change, so a test that creates a policy could
// not know when the next write is checked against it. This source reads
// the store at every request instead, compiling each policy once per
// resourceVersion. Matching, evaluation, params, validationActions and
// the error messages are upstream's.
func newPolicyPlugin(st *store.Store) *validating.Plugin {
	handler := admission.NewHandler(admission.Connect, admission.Create, admission.Delete, admission.Update)
	p := &validating.Plugin{Plugin: generic.NewPlugin(
		handler,
		func(_ informers.SharedInformerFactory, _ kubernetes.Interface, dyn dynamic.Interface, mapper meta.RESTMapper) generic.Source[validating.PolicyHook] {
			return &policySource{store: st, params: &paramResolver{dynamic: dyn, mapper: mapper}, compiled: map[types.UID]compiledPolicy{}}
		},
		func(a authorizer.UnconditionalAuthorizer, m *matching.Matcher, _ kubernetes.Interface) generic.Dispatcher[validating.PolicyHook] {
			return validating.NewDispatcher(a, generic.NewPolicyMatcher(m))
		},
	)}
	p.SetEnabled(true)
	return p
}

// policySource lists the bound policies from the store.
type policySource struct {
	store  *store.Store
	params *paramResolver

	mu       sync.Mutex
	compiled map[types.UID]compiledPolicy
}

type compiledPolicy struct {
	resourceVersion string
	validator       validating.Validator
}

var _ generic.Source[validating.PolicyHook] = (*policySource)(nil)

// Run implements generic.Source: there is nothing to watch.
func (s *policySource) Run(ctx context.Context) error {
	<-ctx.Done()
	return nil
}

// HasSynced implements generic.Source: the store is the cache.
func (s *policySource) HasSynced() bool { return true }

// Hooks implements generic.Source: one hook per policy that has
// bindings, in the order of the policies' names. Bindings of a policy
// that does not exist are ignored, as upstream does.
func (s *policySource) Hooks() []validating.PolicyHook {
	view := s.store.View()
	bindings := map[string][]*admissionregistrationv1.ValidatingAdmissionPolicyBinding{}
	view.List(policyBindingsResource, "", func(obj runtime.Object) bool {
		if b, ok := obj.(*admissionregistrationv1.ValidatingAdmissionPolicyBinding); ok {
			bindings[b.Spec.PolicyName] = append(bindings[b.Spec.PolicyName], b)
		}
		return true
	})
	names := make([]string, 0, len(bindings))
	for name := range bindings {
		names = append(names, name)
	}
	sort.Strings(names)

	s.mu.Lock()
	defer s.mu.Unlock()
	hooks := make([]validating.PolicyHook, 0, len(names))
	live := map[types.UID]bool{}
	for _, name := range names {
		p, ok := view.Get(policiesResource, "", name).(*admissionregistrationv1.ValidatingAdmissionPolicy)
		if !ok {
			continue
		}
		live[p.UID] = true
		hook := validating.PolicyHook{Policy: p, Bindings: bindings[name], Evaluator: s.compileLocked(p)}
		if pk := p.Spec.ParamKind; pk != nil {
			hook.ParamInformer, hook.ParamScope, hook.ConfigurationError = s.params.informerFor(pk)
		}
		hooks = append(hooks, hook)
	}
	for uid := range s.compiled {
		if !live[uid] {
			delete(s.compiled, uid)
		}
	}
	return hooks
}

func (s *policySource) compileLocked(p *admissionregistrationv1.ValidatingAdmissionPolicy) validating.Validator {
	if c, ok := s.compiled[p.UID]; ok && c.resourceVersion == p.ResourceVersion {
		return c.validator
	}
	v := compilePolicy(p)
	s.compiled[p.UID] = compiledPolicy{resourceVersion: p.ResourceVersion, validator: v}
	return v
}

// paramResolver finds the resource a policy's paramKind names.
type paramResolver struct {
	dynamic dynamic.Interface
	mapper  meta.RESTMapper
}

// resettable is the part of a discovery-backed RESTMapper that forgets
// what it learnt, so that kinds of CRDs created since are found.
type resettable interface{ Reset() }

func (r *paramResolver) informerFor(pk *admissionregistrationv1.ParamKind) (informers.GenericInformer, meta.RESTScope, error) {
	gv, err := schema.ParseGroupVersion(pk.APIVersion)
	if err != nil {
		return nil, nil, fmt.Errorf("failed to parse paramKind APIVersion: %w", err)
	}
	gvk := gv.WithKind(pk.Kind)
	mapping, err := r.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if meta.IsNoMatchError(err) {
		if m, ok := r.mapper.(resettable); ok {
			m.Reset()
			mapping, err = r.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		}
	}
	if err != nil {
		// Upstream's message (policy/generic/policy_source.go).
		return nil, nil, fmt.Errorf("failed to find resource referenced by paramKind: '%v'", gvk)
	}
	return liveInformer{client: r.dynamic.Resource(mapping.Resource)}, mapping.Scope, nil
}
