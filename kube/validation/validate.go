package validation

import (
	"fmt"
	"reflect"

	"k8s.io/apimachinery/pkg/api/meta"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// ValidateCreate validates an object about to be created, as the create
// strategy of its resource does upstream. It returns nil for a valid
// object, and for objects of kinds the package does not know: the
// apiserver's rest.BeforeCreate gives those its generic metadata checks
// (names are then path segments, as RBAC names are), and for known kinds
// runs them only when the kind's own validation passed.
func ValidateCreate(obj runtime.Object) field.ErrorList {
	k, ok := kinds[reflect.TypeOf(obj)]
	if !ok {
		return nil
	}
	return nilIfEmpty(k.create(obj))
}

// ValidateUpdate validates an update of an object's main resource (not a
// subresource): the new object's own rules and what may not change,
// metadata included as in upstream's strategies. It returns nil for kinds
// the package does not know; rest.BeforeUpdate checks their metadata.
func ValidateUpdate(obj, old runtime.Object) field.ErrorList {
	if reflect.TypeOf(obj) != reflect.TypeOf(old) {
		return field.ErrorList{field.InternalError(nil, fmt.Errorf("cannot update a %T with a %T", old, obj))}
	}
	k, ok := kinds[reflect.TypeOf(obj)]
	if !ok {
		return nil
	}
	return nilIfEmpty(k.update(obj, old))
}

// ValidateStatusUpdate validates an update through an object's /status
// subresource. Known kinds without status rules of their own get the
// metadata update checks; unknown kinds nothing (see ValidateUpdate).
func ValidateStatusUpdate(obj, old runtime.Object) field.ErrorList {
	if reflect.TypeOf(obj) != reflect.TypeOf(old) {
		return field.ErrorList{field.InternalError(nil, fmt.Errorf("cannot update a %T with a %T", old, obj))}
	}
	k, ok := kinds[reflect.TypeOf(obj)]
	if !ok {
		return nil
	}
	if k.status == nil {
		return genericUpdate(obj, old)
	}
	return nilIfEmpty(k.status(obj, old))
}

// ValidateObjectMeta validates the metadata of a new object of any kind:
// name (a DNS subdomain), generateName, namespace (required when
// namespaced, forbidden otherwise), labels, annotations, owner references,
// finalizers and managed fields.
func ValidateObjectMeta(obj runtime.Object, namespaced bool) field.ErrorList {
	accessor, err := meta.Accessor(obj)
	if err != nil {
		return field.ErrorList{field.InternalError(metadataPath, err)}
	}
	return nilIfEmpty(apimachineryvalidation.ValidateObjectMetaAccessor(accessor, namespaced, nameIsDNSSubdomain, metadataPath))
}

// genericUpdate checks what no update may change in an object's metadata.
func genericUpdate(obj, old runtime.Object) field.ErrorList {
	accessor, err := meta.Accessor(obj)
	if err != nil {
		return field.ErrorList{field.InternalError(metadataPath, err)}
	}
	oldAccessor, err := meta.Accessor(old)
	if err != nil {
		return field.ErrorList{field.InternalError(metadataPath, err)}
	}
	return nilIfEmpty(apimachineryvalidation.ValidateObjectMetaAccessorUpdate(accessor, oldAccessor, metadataPath))
}

func nilIfEmpty(errs field.ErrorList) field.ErrorList {
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// kind holds the validators of one Go type.
type kind struct {
	create func(obj runtime.Object) field.ErrorList
	update func(obj, old runtime.Object) field.ErrorList
	// status validates /status updates; nil means metadata checks only.
	status func(obj, old runtime.Object) field.ErrorList
}

// validators builds the kind of T from typed functions; status may be nil.
func validators[T runtime.Object](create func(T) field.ErrorList, update, status func(T, T) field.ErrorList) kind {
	k := kind{
		create: func(obj runtime.Object) field.ErrorList { return create(obj.(T)) },
		update: func(obj, old runtime.Object) field.ErrorList { return update(obj.(T), old.(T)) },
	}
	if status != nil {
		k.status = func(obj, old runtime.Object) field.ErrorList { return status(obj.(T), old.(T)) }
	}
	return k
}

// typeOf is the key of T in the kinds table.
func typeOf[T runtime.Object]() reflect.Type {
	var zero T
	return reflect.TypeOf(zero)
}
