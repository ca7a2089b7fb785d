package store

import (
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// optimisticLockMsg is the message etcd-backed API servers give on a stale
// resourceVersion (k8s.io/apiserver/pkg/storage.OptimisticLockErrorMsg).
const optimisticLockMsg = "the object has been modified; please apply your changes to the latest version and try again"

func groupResource(resource string) schema.GroupResource {
	return schema.ParseGroupResource(resource)
}

func errNotFound(resource, name string) error {
	return apierrors.NewNotFound(groupResource(resource), name)
}

func errAlreadyExists(resource, name string) error {
	return apierrors.NewAlreadyExists(groupResource(resource), name)
}

func errConflict(resource, name string) error {
	return apierrors.NewConflict(groupResource(resource), name, fmt.Errorf("%s", optimisticLockMsg))
}

func errPrecondition(resource, name, what, want, got string) error {
	return apierrors.NewConflict(groupResource(resource), name,
		fmt.Errorf("Precondition failed: %s in precondition: %v, %s in object meta: %v", what, want, what, got))
}
