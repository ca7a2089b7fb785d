package registry

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"k8s.io/apimachinery/pkg/util/validation/field"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
)

// scalable says where a kind keeps what the scale subresource shows.
type scalable struct {
	replicas    func(obj runtime.Object) *int32 // spec.replicas, nil when unset
	setReplicas func(obj runtime.Object, n int32)
	status      func(obj runtime.Object) int32 // status.replicas
	selector    func(obj runtime.Object) (labels.Selector, error)
}

func labelSelector(s *metav1.LabelSelector) (labels.Selector, error) {
	return metav1.LabelSelectorAsSelector(s)
}

// scalables are the built-in kinds with a scale subresource.
var scalables = map[schema.GroupVersionResource]scalable{
	appsv1.SchemeGroupVersion.WithResource("deployments"): {
		replicas:    func(o runtime.Object) *int32 { return o.(*appsv1.Deployment).Spec.Replicas },
		setReplicas: func(o runtime.Object, n int32) { o.(*appsv1.Deployment).Spec.Replicas = &n },
		status:      func(o runtime.Object) int32 { return o.(*appsv1.Deployment).Status.Replicas },
		selector: func(o runtime.Object) (labels.Selector, error) {
			return labelSelector(o.(*appsv1.Deployment).Spec.Selector)
		},
	},
	appsv1.SchemeGroupVersion.WithResource("replicasets"): {
		replicas:    func(o runtime.Object) *int32 { return o.(*appsv1.ReplicaSet).Spec.Replicas },
		setReplicas: func(o runtime.Object, n int32) { o.(*appsv1.ReplicaSet).Spec.Replicas = &n },
		status:      func(o runtime.Object) int32 { return o.(*appsv1.ReplicaSet).Status.Replicas },
		selector: func(o runtime.Object) (labels.Selector, error) {
			return labelSelector(o.(*appsv1.ReplicaSet).Spec.Selector)
		},
	},
	appsv1.SchemeGroupVersion.WithResource("statefulsets"): {
		replicas:    func(o runtime.Object) *int32 { return o.(*appsv1.StatefulSet).Spec.Replicas },
		setReplicas: func(o runtime.Object, n int32) { o.(*appsv1.StatefulSet).Spec.Replicas = &n },
		status:      func(o runtime.Object) int32 { return o.(*appsv1.StatefulSet).Status.Replicas },
		selector: func(o runtime.Object) (labels.Selector, error) {
			return labelSelector(o.(*appsv1.StatefulSet).Spec.Selector)
		},
	},
	corev1.SchemeGroupVersion.WithResource("replicationcontrollers"): {
		replicas:    func(o runtime.Object) *int32 { return o.(*corev1.ReplicationController).Spec.Replicas },
		setReplicas: func(o runtime.Object, n int32) { o.(*corev1.ReplicationController).Spec.Replicas = &n },
		status:      func(o runtime.Object) int32 { return o.(*corev1.ReplicationController).Status.Replicas },
		selector: func(o runtime.Object) (labels.Selector, error) {
			return labels.SelectorFromSet(o.(*corev1.ReplicationController).Spec.Selector), nil
		},
	},
}

// scaleREST serves the scale subresource of a scalable kind, as
// pkg/registry/apps/deployment/storage.ScaleREST does: reads show the
// parent as an autoscaling/v1 Scale, and writes change only spec.replicas,
// through the parent's own update path.
type scaleREST struct {
	store *genericregistry.Store
	gvr   schema.GroupVersionResource
	s     scalable
}

var _ rest.Patcher = (*scaleREST)(nil)

func (r *scaleREST) New() runtime.Object { return &autoscalingv1.Scale{} }
func (r *scaleREST) Destroy()            {}

// GroupVersionKind implements rest.GroupVersionKindProvider.
func (r *scaleREST) GroupVersionKind(schema.GroupVersion) schema.GroupVersionKind {
	return autoscalingv1.SchemeGroupVersion.WithKind("Scale")
}

func (r *scaleREST) Get(ctx context.Context, name string, options *metav1.GetOptions) (runtime.Object, error) {
	obj, err := r.store.Get(ctx, name, options)
	if err != nil {
		return nil, err
	}
	return r.toScale(obj)
}

func (r *scaleREST) Update(ctx context.Context, name string, objInfo rest.UpdatedObjectInfo, createValidation rest.ValidateObjectFunc,
	updateValidation rest.ValidateObjectUpdateFunc, forceAllowCreate bool, options *metav1.UpdateOptions) (runtime.Object, bool, error) {
	obj, _, err := r.store.Update(ctx, name, &scaleUpdate{rest: r, name: name, req: objInfo},
		func(ctx context.Context, obj runtime.Object) error {
			sc, err := r.toScale(obj)
			if err != nil {
				return err
			}
			return createValidation(ctx, sc)
		},
		func(ctx context.Context, obj, old runtime.Object) error {
			sc, err := r.toScale(obj)
			if err != nil {
				return err
			}
			oldSc, err := r.toScale(old)
			if err != nil {
				return err
			}
			return updateValidation(ctx, sc, oldSc)
		}, false, options)
	if err != nil {
		return nil, false, err
	}
	sc, err := r.toScale(obj)
	return sc, false, err
}

func (r *scaleREST) toScale(obj runtime.Object) (*autoscalingv1.Scale, error) {
	m, err := apimeta.Accessor(obj)
	if err != nil {
		return nil, err
	}
	sel, err := r.s.selector(obj)
	if err != nil {
		return nil, apierrors.NewBadRequest(err.Error())
	}
	sc := &autoscalingv1.Scale{
		ObjectMeta: metav1.ObjectMeta{
			Name:              m.GetName(),
			Namespace:         m.GetNamespace(),
			UID:               m.GetUID(),
			ResourceVersion:   m.GetResourceVersion(),
			CreationTimestamp: m.GetCreationTimestamp(),
		},
		Status: autoscalingv1.ScaleStatus{Replicas: r.s.status(obj), Selector: sel.String()},
	}
	if n := r.s.replicas(obj); n != nil {
		sc.Spec.Replicas = *n
	}
	return sc, nil
}

// scaleUpdate turns the parent into a Scale, lets the request update it,
// and carries the new replicas (and the managed fields of the scale
// subresource) back into the parent.
type scaleUpdate struct {
	rest *scaleREST
	name string
	req  rest.UpdatedObjectInfo
}

func (u *scaleUpdate) Preconditions() *metav1.Preconditions { return u.req.Preconditions() }

func (u *scaleUpdate) UpdatedObject(ctx context.Context, oldObj runtime.Object) (runtime.Object, error) {
	parent := oldObj.DeepCopyObject()
	m, err := apimeta.Accessor(parent)
	if err != nil {
		return nil, err
	}
	gr := schema.GroupResource{Group: u.rest.gvr.Group, Resource: u.rest.gvr.Resource + "/scale"}
	if m.GetResourceVersion() == "" {
		return nil, apierrors.NewNotFound(gr, u.name)
	}
	mappings := managedfields.ResourcePathMappings{
		u.rest.gvr.GroupVersion().String(): fieldpath.MakePathOrDie("spec", "replicas"),
	}
	handler := managedfields.NewScaleHandler(m.GetManagedFields(), u.rest.gvr.GroupVersion(), mappings)
	oldScale, err := u.rest.toScale(parent)
	if err != nil {
		return nil, err
	}
	if oldScale.ManagedFields, err = handler.ToSubresource(); err != nil {
		return nil, err
	}
	newObj, err := u.req.UpdatedObject(ctx, oldScale)
	if err != nil {
		return nil, err
	}
	scale, ok := newObj.(*autoscalingv1.Scale)
	if !ok {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("expected input object type to be Scale, but %T", newObj))
	}
	if scale.Spec.Replicas < 0 {
		errs := field.ErrorList{field.Invalid(field.NewPath("spec", "replicas"), scale.Spec.Replicas, "must be greater than or equal to 0")}
		return nil, apierrors.NewInvalid(autoscalingv1.SchemeGroupVersion.WithKind("Scale").GroupKind(), u.name, errs)
	}
	if scale.UID != "" && scale.UID != m.GetUID() {
		return nil, apierrors.NewConflict(gr, u.name,
			fmt.Errorf("Precondition failed: UID in precondition: %v, UID in object meta: %v", scale.UID, m.GetUID()))
	}
	u.rest.s.setReplicas(parent, scale.Spec.Replicas)
	m.SetResourceVersion(scale.ResourceVersion)
	entries, err := handler.ToParent(scale.ManagedFields)
	if err != nil {
		return nil, err
	}
	m.SetManagedFields(entries)
	return parent, nil
}
