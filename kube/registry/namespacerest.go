package registry

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"
	apistorage "k8s.io/apiserver/pkg/storage"
	utilclock "k8s.io/utils/clock"
)

// namespaceREST is the namespaces endpoint: the generic store, except that
// deleting a namespace first only marks it Terminating, as
// pkg/registry/core/namespace/storage.REST does. The namespace controller
// empties it and removes the "kubernetes" finalizer through /finalize;
// deleting it again then removes it.
type namespaceREST struct {
	*genericregistry.Store
	clock utilclock.PassiveClock
}

// Delete implements rest.GracefulDeleter.
func (r *namespaceREST) Delete(ctx context.Context, name string, deleteValidation rest.ValidateObjectFunc, options *metav1.DeleteOptions) (runtime.Object, bool, error) {
	obj, err := r.Get(ctx, name, &metav1.GetOptions{})
	if err != nil {
		return nil, false, err
	}
	ns := obj.(*corev1.Namespace)
	if deleteValidation != nil {
		if err := deleteValidation(ctx, ns); err != nil {
			return nil, false, err
		}
	}
	if options == nil {
		options = metav1.NewDeleteOptions(0)
	}
	if options.Preconditions == nil {
		options.Preconditions = &metav1.Preconditions{}
	}
	if options.Preconditions.UID == nil {
		options.Preconditions.UID = &ns.UID
	} else if *options.Preconditions.UID != ns.UID {
		return nil, false, apierrors.NewConflict(corev1.Resource("namespaces"), name,
			fmt.Errorf("Precondition failed: UID in precondition: %v, UID in object meta: %v", *options.Preconditions.UID, ns.UID))
	}
	if rv := options.Preconditions.ResourceVersion; rv != nil && *rv != ns.ResourceVersion {
		return nil, false, apierrors.NewConflict(corev1.Resource("namespaces"), name,
			fmt.Errorf("Precondition failed: ResourceVersion in precondition: %v, ResourceVersion in object meta: %v", *rv, ns.ResourceVersion))
	}
	if ns.DeletionTimestamp.IsZero() {
		return r.markTerminating(ctx, name, options)
	}
	if len(ns.Spec.Finalizers) != 0 {
		return nil, false, apierrors.NewConflict(corev1.Resource("namespaces"), name, fmt.Errorf(
			"The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system."))
	}
	return r.Store.Delete(ctx, name, deleteValidation, options)
}

// markTerminating sets the deletion timestamp and the Terminating phase,
// and the garbage collection finalizer the propagation policy asks for.
func (r *namespaceREST) markTerminating(ctx context.Context, name string, options *metav1.DeleteOptions) (runtime.Object, bool, error) {
	key, err := r.KeyFunc(ctx, name)
	if err != nil {
		return nil, false, err
	}
	pre := apistorage.Preconditions{UID: options.Preconditions.UID, ResourceVersion: options.Preconditions.ResourceVersion}
	out := r.NewFunc()
	err = r.Storage.GuaranteedUpdate(ctx, key, out, false, &pre, apistorage.SimpleUpdate(func(existing runtime.Object) (runtime.Object, error) {
		ns := existing.(*corev1.Namespace)
		if ns.DeletionTimestamp.IsZero() {
			now := metav1.NewTime(r.clock.Now().Truncate(time.Second))
			ns.DeletionTimestamp = &now
		}
		ns.Status.Phase = corev1.NamespaceTerminating
		switch {
		case options.PropagationPolicy != nil && *options.PropagationPolicy == metav1.DeletePropagationOrphan,
			options.OrphanDependents != nil && *options.OrphanDependents:
			ns.Finalizers = addString(ns.Finalizers, metav1.FinalizerOrphanDependents)
		case options.PropagationPolicy != nil && *options.PropagationPolicy == metav1.DeletePropagationForeground:
			ns.Finalizers = addString(ns.Finalizers, metav1.FinalizerDeleteDependents)
		}
		return ns, nil
	}), len(options.DryRun) > 0, nil)
	if err != nil {
		if apistorage.IsNotFound(err) {
			return nil, false, apierrors.NewNotFound(corev1.Resource("namespaces"), name)
		}
		return nil, false, err
	}
	return out, false, nil
}

func addString(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// finalizeREST is namespaces/finalize: it changes spec.finalizers only.
type finalizeREST struct{ store *genericregistry.Store }

var _ rest.Updater = (*finalizeREST)(nil)

func (r *finalizeREST) New() runtime.Object { return &corev1.Namespace{} }
func (r *finalizeREST) Destroy()            {}

func (r *finalizeREST) Update(ctx context.Context, name string, objInfo rest.UpdatedObjectInfo, createValidation rest.ValidateObjectFunc,
	updateValidation rest.ValidateObjectUpdateFunc, forceAllowCreate bool, options *metav1.UpdateOptions) (runtime.Object, bool, error) {
	return r.store.Update(ctx, name, objInfo, createValidation, updateValidation, false, options)
}

// finalizeStrategy keeps everything of the stored namespace but
// spec.finalizers.
type finalizeStrategy struct{ *strategy }

func (finalizeStrategy) PrepareForUpdate(ctx context.Context, obj, old runtime.Object) {
	ns, oldNS := obj.(*corev1.Namespace), old.(*corev1.Namespace)
	finalizers := ns.Spec.Finalizers
	*ns = *oldNS.DeepCopy()
	ns.Spec.Finalizers = finalizers
}
