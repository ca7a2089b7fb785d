package kube

import (
	"k8s.io/apiserver/pkg/admission"

	kubeadmission "github.com/kubesim/kubesim/kube/admission"
	"github.com/kubesim/kubesim/store"
)

// Admission returns kubesim's default admission chain for a store.
func Admission(st *store.Store) admission.Interface { return kubeadmission.Chain(st) }
