package admission

import (
	"context"

	"k8s.io/apiserver/pkg/admission"
)

// reinvoker runs the mutating phase of a chain a second time when a
// plugin asks for it, as kube-apiserver's chain does
// (k8s.io/apiserver/pkg/admission/reinvocation.go): a webhook with
// reinvocationPolicy IfNeeded, called before another plugin changed the
// object, sees the changed object once more. Every plugin runs again;
// webhooks themselves decide, from the attributes' reinvocation context,
// whether they are to be called.
type reinvoker struct {
	chain admission.Interface
}

var (
	_ admission.MutationInterface   = reinvoker{}
	_ admission.ValidationInterface = reinvoker{}
)

// Handles implements admission.Interface.
func (r reinvoker) Handles(op admission.Operation) bool { return r.chain.Handles(op) }

// Admit implements admission.MutationInterface.
func (r reinvoker) Admit(ctx context.Context, a admission.Attributes, o admission.ObjectInterfaces) error {
	m, ok := r.chain.(admission.MutationInterface)
	if !ok {
		return nil
	}
	if err := m.Admit(ctx, a, o); err != nil {
		return err
	}
	if rc := a.GetReinvocationContext(); rc.ShouldReinvoke() {
		rc.SetIsReinvoke()
		return m.Admit(ctx, a, o)
	}
	return nil
}

// Validate implements admission.ValidationInterface.
func (r reinvoker) Validate(ctx context.Context, a admission.Attributes, o admission.ObjectInterfaces) error {
	if v, ok := r.chain.(admission.ValidationInterface); ok {
		return v.Validate(ctx, a, o)
	}
	return nil
}
