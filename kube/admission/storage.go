package admission

import (
	"context"
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apiserver/pkg/admission"

	"github.com/kubesim/kubesim/kube/volumeutil"
	"github.com/kubesim/kubesim/store"
)

// Names of the storage plugins in kube-apiserver's
// --enable-admission-plugins.
const (
	DefaultStorageClassName          = "DefaultStorageClass"
	StorageObjectInUseProtectionName = "StorageObjectInUseProtection"
	PersistentVolumeClaimResizeName  = "PersistentVolumeClaimResize"
)

const (
	pvcProtectionFinalizer = "kubernetes.io/pvc-protection"
	pvProtectionFinalizer  = "kubernetes.io/pv-protection"
	storageClassesResource = "storageclasses.storage.k8s.io"
)

var (
	claimsResource  = corev1.Resource("persistentvolumeclaims")
	volumesResource = corev1.Resource("persistentvolumes")
)

// DefaultStorageClass reproduces upstream's plugin of that name
// (plugin/pkg/admission/storage/storageclass/setdefault): a new claim
// that names no class, neither in spec.storageClassName nor in the beta
// annotation, gets the default class, the one annotated
// storageclass.kubernetes.io/is-default-class "true"; of several, the
// newest, then the first by name. A claim that asks for no class with
// an empty string keeps it.
type DefaultStorageClass struct {
	Store *store.Store
}

var _ admission.MutationInterface = DefaultStorageClass{}

// Handles implements admission.Interface.
func (DefaultStorageClass) Handles(op admission.Operation) bool { return op == admission.Create }

// Admit sets the default class.
func (d DefaultStorageClass) Admit(ctx context.Context, a admission.Attributes, o admission.ObjectInterfaces) error {
	if a.GetResource().GroupResource() != claimsResource || a.GetSubresource() != "" {
		return nil
	}
	pvc, ok := a.GetObject().(*corev1.PersistentVolumeClaim)
	if !ok {
		return apierrors.NewBadRequest("resource was marked with kind PersistentVolumeClaim but was unable to be converted")
	}
	if pvc.Spec.StorageClassName != nil {
		return nil
	}
	if _, ok := pvc.Annotations[corev1.BetaStorageClassAnnotation]; ok {
		return nil
	}
	if class := volumeutil.DefaultClass(d.Store.View()); class != nil {
		name := class.Name
		pvc.Spec.StorageClassName = &name
	}
	return nil
}

// StorageObjectInUseProtection reproduces upstream's plugin of that name
// (plugin/pkg/admission/storage/storageobjectinuseprotection): new claims
// get the kubernetes.io/pvc-protection finalizer and new volumes the
// kubernetes.io/pv-protection one, which the pvc-protection and
// pv-protection controllers remove once the object is unused.
type StorageObjectInUseProtection struct{}

var _ admission.MutationInterface = StorageObjectInUseProtection{}

// Handles implements admission.Interface.
func (StorageObjectInUseProtection) Handles(op admission.Operation) bool {
	return op == admission.Create
}

// Admit adds the finalizer.
func (StorageObjectInUseProtection) Admit(ctx context.Context, a admission.Attributes, o admission.ObjectInterfaces) error {
	if a.GetSubresource() != "" {
		return nil
	}
	switch a.GetResource().GroupResource() {
	case claimsResource:
		pvc, ok := a.GetObject().(*corev1.PersistentVolumeClaim)
		if !ok {
			return apierrors.NewBadRequest("resource was marked with kind PersistentVolumeClaim but was unable to be converted")
		}
		if !slices.Contains(pvc.Finalizers, pvcProtectionFinalizer) {
			pvc.Finalizers = append(pvc.Finalizers, pvcProtectionFinalizer)
		}
	case volumesResource:
		pv, ok := a.GetObject().(*corev1.PersistentVolume)
		if !ok {
			return apierrors.NewBadRequest("resource was marked with kind PersistentVolume but was unable to be converted")
		}
		if !slices.Contains(pv.Finalizers, pvProtectionFinalizer) {
			pv.Finalizers = append(pv.Finalizers, pvProtectionFinalizer)
		}
	}
	return nil
}

// PersistentVolumeClaimResize reproduces upstream's plugin of that name
// (plugin/pkg/admission/storage/persistentvolume/resize): a claim may ask
// for more storage only if its class allows volume expansion.
type PersistentVolumeClaimResize struct {
	Store *store.Store
}

var _ admission.ValidationInterface = PersistentVolumeClaimResize{}

// Handles implements admission.Interface.
func (PersistentVolumeClaimResize) Handles(op admission.Operation) bool {
	return op == admission.Update
}

// Validate refuses growing a claim whose class does not allow it.
func (r PersistentVolumeClaimResize) Validate(ctx context.Context, a admission.Attributes, o admission.ObjectInterfaces) error {
	if a.GetResource().GroupResource() != claimsResource || a.GetSubresource() != "" {
		return nil
	}
	pvc, ok := a.GetObject().(*corev1.PersistentVolumeClaim)
	if !ok {
		return apierrors.NewBadRequest("resource was marked with kind PersistentVolumeClaim but was unable to be converted")
	}
	old, ok := a.GetOldObject().(*corev1.PersistentVolumeClaim)
	if !ok {
		return apierrors.NewBadRequest("resource was marked with kind PersistentVolumeClaim but was unable to be converted")
	}
	want, had := pvc.Spec.Resources.Requests[corev1.ResourceStorage], old.Spec.Resources.Requests[corev1.ResourceStorage]
	if want.Cmp(had) <= 0 {
		return nil
	}
	if !r.allowResize(old) {
		return admission.NewForbidden(a, fmt.Errorf("only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize"))
	}
	return nil
}

func (r PersistentVolumeClaimResize) allowResize(pvc *corev1.PersistentVolumeClaim) bool {
	name := pvc.Annotations[corev1.BetaStorageClassAnnotation]
	if name == "" && pvc.Spec.StorageClassName != nil {
		name = *pvc.Spec.StorageClassName
	}
	if name == "" {
		return false
	}
	class, _ := r.Store.View().Get(storageClassesResource, "", name).(*storagev1.StorageClass)
	return class != nil && class.AllowVolumeExpansion != nil && *class.AllowVolumeExpansion
}
