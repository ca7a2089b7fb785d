package registry

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"
	apistorage "k8s.io/apiserver/pkg/storage"
	utilclock "k8s.io/utils/clock"
)

// bindingREST serves pods/binding (and the namespaced bindings resource):
// it assigns a pod to a node, as the scheduler does
// (pkg/registry/core/pod/storage.BindingREST).
type bindingREST struct {
	store *genericregistry.Store
	clock utilclock.PassiveClock
}

var _ rest.NamedCreater = (*bindingREST)(nil)

func (r *bindingREST) New() runtime.Object     { return &corev1.Binding{} }
func (r *bindingREST) Destroy()                {}
func (r *bindingREST) NamespaceScoped() bool   { return true }
func (r *bindingREST) GetSingularName() string { return "binding" }

// Create binds the pod named by the URL to binding.Target.
func (r *bindingREST) Create(ctx context.Context, name string, obj runtime.Object, createValidation rest.ValidateObjectFunc, options *metav1.CreateOptions) (runtime.Object, error) {
	binding, ok := obj.(*corev1.Binding)
	if !ok {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("not a Binding object: %T", obj))
	}
	if name != binding.Name {
		return nil, apierrors.NewBadRequest("name in URL does not match name in Binding object")
	}
	if errs := validateBinding(binding); len(errs) > 0 {
		return nil, apierrors.NewInvalid(corev1.SchemeGroupVersion.WithKind("Binding").GroupKind(), binding.Name, errs)
	}
	if createValidation != nil {
		if err := createValidation(ctx, binding.DeepCopyObject()); err != nil {
			return nil, err
		}
	}
	if err := r.assign(ctx, binding, options); err != nil {
		return nil, err
	}
	return &metav1.Status{Status: metav1.StatusSuccess, Code: 201}, nil
}

func validateBinding(b *corev1.Binding) field.ErrorList {
	var errs field.ErrorList
	if b.Target.Kind != "" && b.Target.Kind != "Node" {
		errs = append(errs, field.NotSupported(field.NewPath("target", "kind"), b.Target.Kind, []string{"Node", "<empty>"}))
	}
	if b.Target.Name == "" {
		errs = append(errs, field.Required(field.NewPath("target", "name"), ""))
	}
	return errs
}

// assign sets spec.nodeName and the PodScheduled condition, unless the pod
// is already bound or being deleted.
func (r *bindingREST) assign(ctx context.Context, b *corev1.Binding, options *metav1.CreateOptions) error {
	key, err := r.store.KeyFunc(ctx, b.Name)
	if err != nil {
		return err
	}
	var pre *apistorage.Preconditions
	if b.UID != "" || b.ResourceVersion != "" {
		pre = &apistorage.Preconditions{}
		if b.UID != "" {
			pre.UID = &b.UID
		}
		if b.ResourceVersion != "" {
			pre.ResourceVersion = &b.ResourceVersion
		}
	}
	dryRun := len(options.DryRun) > 0
	err = r.store.Storage.GuaranteedUpdate(ctx, key, &corev1.Pod{}, false, pre, apistorage.SimpleUpdate(func(obj runtime.Object) (runtime.Object, error) {
		pod := obj.(*corev1.Pod)
		if pod.DeletionTimestamp != nil {
			return nil, fmt.Errorf("pod %s is being deleted, cannot be assigned to a host", pod.Name)
		}
		if pod.Spec.NodeName != "" {
			return nil, apierrors.NewConflict(corev1.Resource("pods/binding"), pod.Name,
				fmt.Errorf("pod %v is already assigned to node %q", pod.Name, pod.Spec.NodeName))
		}
		pod.Spec.NodeName = b.Target.Name
		for k, v := range b.Annotations {
			if pod.Annotations == nil {
				pod.Annotations = map[string]string{}
			}
			pod.Annotations[k] = v
		}
		setPodCondition(&pod.Status, corev1.PodCondition{Type: corev1.PodScheduled, Status: corev1.ConditionTrue}, r.clock)
		return pod, nil
	}), dryRun, nil)
	if apistorage.IsNotFound(err) {
		return apierrors.NewNotFound(corev1.Resource("pods"), b.Name)
	}
	return err
}

// setPodCondition adds or replaces a condition, stamping the transition
// time when the status changes, as upstream's podutil.UpdatePodCondition.
func setPodCondition(status *corev1.PodStatus, c corev1.PodCondition, clock utilclock.PassiveClock) {
	now := metav1.NewTime(clock.Now().Truncate(time.Second))
	c.LastProbeTime = metav1.Time{}
	for i := range status.Conditions {
		old := &status.Conditions[i]
		if old.Type != c.Type {
			continue
		}
		if old.Status == c.Status {
			c.LastTransitionTime = old.LastTransitionTime
		} else {
			c.LastTransitionTime = now
		}
		*old = c
		return
	}
	c.LastTransitionTime = now
	status.Conditions = append(status.Conditions, c)
}

// legacyBindingREST serves POST .../namespaces/{ns}/bindings, which names
// the pod in the body instead of the URL.
type legacyBindingREST struct{ *bindingREST }

var _ rest.Creater = legacyBindingREST{}

func (r legacyBindingREST) Create(ctx context.Context, obj runtime.Object, createValidation rest.ValidateObjectFunc, options *metav1.CreateOptions) (runtime.Object, error) {
	b, ok := obj.(*corev1.Binding)
	if !ok {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("not a Binding object: %T", obj))
	}
	return r.bindingREST.Create(ctx, b.Name, obj, createValidation, options)
}
