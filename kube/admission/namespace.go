package admission

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/admission"

	"github.com/kubesim/kubesim/store"
)

// NamespaceLifecycle reproduces upstream's NamespaceLifecycle plugin
// (k8s.io/apiserver/pkg/admission/plugin/namespace/lifecycle): objects may
// not be created in a namespace that does not exist (404) or is being
// terminated (403), and the default, kube-system and kube-public
// namespaces may not be deleted.
type NamespaceLifecycle struct {
	Store *store.Store
}

// Upstream's plugin is a mutating one (it runs before the object is
// decoded into storage), so that it also guards deletions that storage
// turns into updates, such as a namespace's.
var _ admission.MutationInterface = NamespaceLifecycle{}

var (
	namespaceKind = corev1.SchemeGroupVersion.WithKind("Namespace").GroupKind()
	immortal      = map[string]bool{metav1.NamespaceDefault: true, metav1.NamespaceSystem: true, metav1.NamespacePublic: true}
	accessReviews = map[schema.GroupResource]bool{{Group: "authorization.k8s.io", Resource: "localsubjectaccessreviews"}: true}
)

// Handles implements admission.Interface.
func (NamespaceLifecycle) Handles(op admission.Operation) bool {
	return op == admission.Create || op == admission.Update || op == admission.Delete
}

// Admit implements admission.MutationInterface; it changes nothing.
func (l NamespaceLifecycle) Admit(ctx context.Context, a admission.Attributes, o admission.ObjectInterfaces) error {
	isNamespace := a.GetKind().GroupKind() == namespaceKind
	if a.GetOperation() == admission.Delete && isNamespace && immortal[a.GetName()] {
		return apierrors.NewForbidden(a.GetResource().GroupResource(), a.GetName(), fmt.Errorf("this namespace may not be deleted"))
	}
	if isNamespace || a.GetNamespace() == "" || a.GetOperation() == admission.Delete || accessReviews[a.GetResource().GroupResource()] {
		return nil
	}
	obj, err := l.Store.Get("namespaces", "", a.GetNamespace())
	if err != nil {
		if apierrors.IsNotFound(err) {
			return err
		}
		return apierrors.NewInternalError(err)
	}
	ns := obj.(*corev1.Namespace)
	if a.GetOperation() != admission.Create || ns.Status.Phase != corev1.NamespaceTerminating {
		return nil
	}
	err = admission.NewForbidden(a, fmt.Errorf("unable to create new content in namespace %s because it is being terminated", a.GetNamespace()))
	if se, ok := err.(*apierrors.StatusError); ok {
		se.ErrStatus.Details.Causes = append(se.ErrStatus.Details.Causes, metav1.StatusCause{
			Type:    corev1.NamespaceTerminatingCause,
			Message: fmt.Sprintf("namespace %s is being terminated", a.GetNamespace()),
			Field:   "metadata.namespace",
		})
	}
	return err
}
