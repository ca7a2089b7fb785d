package registry

import (
	"context"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Resource describes one built-in resource.
type Resource struct {
	schema.GroupVersionResource
	Kind         string
	Singular     string
	ShortNames   []string
	Categories   []string
	Namespaced   bool
	New, NewList func() runtime.Object

	// Status is true when the resource has a status subresource: the main
	// resource then ignores status changes and /status ignores the rest.
	Status bool
	// KeepStatusOnCreate keeps the status a client creates the object with
	// (a kubelet registers its Node with its status).
	KeepStatusOnCreate bool
	// Generation is true when metadata.generation counts spec changes.
	Generation bool
	// ReturnDeletedObject makes DELETE answer with the object rather than
	// a Status, as upstream does for pods, namespaces and a few others.
	ReturnDeletedObject bool
	// AllowCreateOnUpdate lets PUT create a missing object.
	AllowCreateOnUpdate bool
	// Verbs limits the verbs served; nil means all the standard ones.
	Verbs []string
	// TTL, when set, is how long an object lives after its last write
	// (kube-apiserver's --event-ttl for events); the registry's Leases end
	// it.
	TTL time.Duration

	// Hooks customise the strategy of the resource.
	Hooks Hooks
}

// Hooks are the parts of a strategy that differ between resources. Every
// field is optional.
type Hooks struct {
	// PrepareForCreate adjusts a new object after the system fields are
	// set, e.g. a Pod starts Pending.
	PrepareForCreate func(ctx context.Context, obj runtime.Object)
	// PrepareForUpdate adjusts an update of the main resource after the
	// status has been carried over from old.
	PrepareForUpdate func(ctx context.Context, obj, old runtime.Object)
	// PrepareForStatusUpdate adjusts an update of the status subresource
	// after everything but the status has been carried over from old.
	PrepareForStatusUpdate func(ctx context.Context, obj, old runtime.Object)
	// Validate adds resource-specific validation to the default.
	Validate func(ctx context.Context, obj runtime.Object) field.ErrorList
	// GracefulDelete sets the grace period of a deletion and reports
	// whether the deletion is graceful (see rest.RESTGracefulDeleteStrategy).
	GracefulDelete func(ctx context.Context, obj runtime.Object, options *metav1.DeleteOptions) bool
	// ShouldDeleteDuringUpdate decides whether an update of an object
	// that is being deleted removes it (e.g. its last finalizer went away).
	ShouldDeleteDuringUpdate func(ctx context.Context, key string, obj, existing runtime.Object) bool
}

// GroupResource returns the resource's group and plural name.
func (r *Resource) GroupResource() schema.GroupResource {
	return r.GroupVersionResource.GroupResource()
}

// GroupVersionKind returns the resource's kind with its group and version.
func (r *Resource) GroupVersionKind() schema.GroupVersionKind {
	return r.GroupVersion().WithKind(r.Kind)
}

// StoreKey is the name the object store files the resource under:
// "pods", "deployments.apps".
func (r *Resource) StoreKey() string { return r.GroupResource().String() }
