package admission

import (
	"k8s.io/apiserver/pkg/admission"

	"github.com/kubesim/kubesim/store"
)

// Chain returns kubesim's admission plugins in kube-apiserver's order.
func Chain(st *store.Store) admission.Interface {
	return admission.NewChainHandler(
		NamespaceLifecycle{Store: st},
		Priority{Store: st},
	)
}
