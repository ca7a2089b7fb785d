package registry

import (
	"context"
	"reflect"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/apiserver/pkg/storage/names"

	"github.com/kubesim/kubesim/kube/scheme"
	"github.com/kubesim/kubesim/kube/validation"
)

// strategy is the create, update and delete strategy of one resource's main
// endpoint; statusStrategy is that of its /status subresource.
type strategy struct {
	runtime.ObjectTyper
	names.NameGenerator
	res *Resource
}

var (
	_ rest.RESTCreateStrategy         = (*strategy)(nil)
	_ rest.RESTUpdateStrategy         = (*strategy)(nil)
	_ rest.RESTDeleteStrategy         = (*strategy)(nil)
	_ rest.RESTGracefulDeleteStrategy = (*strategy)(nil)
)

func newStrategy(res *Resource, gen names.NameGenerator) *strategy {
	return &strategy{ObjectTyper: scheme.Scheme, NameGenerator: gen, res: res}
}

func (s *strategy) NamespaceScoped() bool { return s.res.Namespaced }

// PrepareForCreate clears the status of resources with a status
// subresource: a client creates the spec, controllers write the status.
func (s *strategy) PrepareForCreate(ctx context.Context, obj runtime.Object) {
	if s.res.Status && !s.res.KeepStatusOnCreate {
		resetStatus(obj)
	}
	if s.res.Hooks.PrepareForCreate != nil {
		s.res.Hooks.PrepareForCreate(ctx, obj)
	}
	// Upstream decodes objects from etcd with defaulting, so fields a
	// strategy resets come back defaulted; default again to match.
	scheme.Scheme.Default(obj)
}

// PrepareForUpdate keeps the stored status when the main resource of a
// resource with a status subresource is updated.
func (s *strategy) PrepareForUpdate(ctx context.Context, obj, old runtime.Object) {
	if s.res.Status {
		copyStatus(obj, old)
	}
	if s.res.Hooks.PrepareForUpdate != nil {
		s.res.Hooks.PrepareForUpdate(ctx, obj, old)
	}
	scheme.Scheme.Default(obj)
}

// Validate runs the resource's upstream validation (metadata included,
// as upstream strategies do; rest.BeforeCreate adds its generic metadata
// checks only when this returns nothing), then the resource's own hook.
func (s *strategy) Validate(ctx context.Context, obj runtime.Object) field.ErrorList {
	errs := validation.ValidateCreate(obj)
	if s.res.Hooks.Validate != nil {
		errs = append(errs, s.res.Hooks.Validate(ctx, obj)...)
	}
	return errs
}

// ValidateUpdate runs the resource's upstream update validation.
func (s *strategy) ValidateUpdate(ctx context.Context, obj, old runtime.Object) field.ErrorList {
	return validation.ValidateUpdate(obj, old)
}

func (s *strategy) WarningsOnCreate(ctx context.Context, obj runtime.Object) []string { return nil }

func (s *strategy) WarningsOnUpdate(ctx context.Context, obj, old runtime.Object) []string {
	return nil
}

func (s *strategy) Canonicalize(obj runtime.Object) {}

func (s *strategy) AllowCreateOnUpdate(ctx context.Context) bool { return s.res.AllowCreateOnUpdate }

func (s *strategy) AllowUnconditionalUpdate(ctx context.Context) bool { return true }

// CheckGracefulDelete implements rest.RESTGracefulDeleteStrategy.
func (s *strategy) CheckGracefulDelete(ctx context.Context, obj runtime.Object, options *metav1.DeleteOptions) bool {
	if s.res.Hooks.GracefulDelete != nil {
		return s.res.Hooks.GracefulDelete(ctx, obj, options)
	}
	return false
}

// statusStrategy serves /status: only the status of the object changes.
type statusStrategy struct{ *strategy }

func (s statusStrategy) PrepareForUpdate(ctx context.Context, obj, old runtime.Object) {
	keepAllButStatus(obj, old)
	if s.res.Hooks.PrepareForStatusUpdate != nil {
		s.res.Hooks.PrepareForStatusUpdate(ctx, obj, old)
	}
	scheme.Scheme.Default(obj)
}

// ValidateUpdate runs the resource's upstream /status validation.
func (s statusStrategy) ValidateUpdate(ctx context.Context, obj, old runtime.Object) field.ErrorList {
	return validation.ValidateStatusUpdate(obj, old)
}

// resetStatus sets an object's Status field to its zero value.
func resetStatus(obj runtime.Object) {
	v := reflect.ValueOf(obj).Elem()
	if f := v.FieldByName("Status"); f.IsValid() && f.CanSet() {
		f.Set(reflect.Zero(f.Type()))
	}
}

// copyStatus sets obj's Status to old's.
func copyStatus(obj, old runtime.Object) {
	v, o := reflect.ValueOf(obj).Elem(), reflect.ValueOf(old).Elem()
	if f := v.FieldByName("Status"); f.IsValid() && f.CanSet() {
		f.Set(o.FieldByName("Status"))
	}
}

// keepAllButStatus sets every top-level field of obj except its status and
// metadata to old's, and keeps old's owner references, as upstream's
// status strategies do.
func keepAllButStatus(obj, old runtime.Object) {
	v, o := reflect.ValueOf(obj).Elem(), reflect.ValueOf(old).Elem()
	for i := 0; i < v.NumField(); i++ {
		switch v.Type().Field(i).Name {
		case "TypeMeta", "ObjectMeta", "Status":
			continue
		}
		if v.Field(i).CanSet() {
			v.Field(i).Set(o.Field(i))
		}
	}
	om, nm := o.FieldByName("ObjectMeta"), v.FieldByName("ObjectMeta")
	if om.IsValid() && nm.IsValid() {
		nm.FieldByName("OwnerReferences").Set(om.FieldByName("OwnerReferences"))
	}
}
