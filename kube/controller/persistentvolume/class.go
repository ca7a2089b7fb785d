package persistentvolume

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/store"
)

// DefaultClassName is the StorageClass a cluster with controllers starts
// with, as kind's and minikube's clusters do.
const DefaultClassName = "standard"

// DefaultClass is the default StorageClass: kubesim's provisioner,
// node-local volumes made once a pod is scheduled (WaitForFirstConsumer,
// as kind's local-path class), deleted with their claim, and growable.
func DefaultClass() *storagev1.StorageClass {
	return &storagev1.StorageClass{
		ObjectMeta:           metav1.ObjectMeta{Name: DefaultClassName, Annotations: map[string]string{AnnDefaultClass: "true"}},
		Provisioner:          Provisioner,
		ReclaimPolicy:        ptr.To(corev1.PersistentVolumeReclaimDelete),
		VolumeBindingMode:    ptr.To(storagev1.VolumeBindingWaitForFirstConsumer),
		AllowVolumeExpansion: ptr.To(true),
	}
}

// EnsureDefaultClass creates DefaultClass unless a class of that name
// exists. Like the cluster add-ons that install a default class, it is
// not part of the API server: a bare API server (envtest's mode) has no
// class.
func EnsureDefaultClass(client kubernetes.Interface) error {
	_, err := client.StorageV1().StorageClasses().Create(context.Background(), DefaultClass(), metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create the default storage class: %w", err)
	}
	return nil
}

// ClaimClass is the claim's class name: the beta annotation wins over
// spec.storageClassName, as upstream's GetPersistentVolumeClaimClass.
func ClaimClass(pvc *corev1.PersistentVolumeClaim) string {
	if c, ok := pvc.Annotations[corev1.BetaStorageClassAnnotation]; ok {
		return c
	}
	return ptr.Deref(pvc.Spec.StorageClassName, "")
}

// volumeClass is GetPersistentVolumeClass.
func volumeClass(pv *corev1.PersistentVolume) string {
	if c, ok := pv.Annotations[corev1.BetaStorageClassAnnotation]; ok {
		return c
	}
	return pv.Spec.StorageClassName
}

func getClass(view *store.View, name string) *storagev1.StorageClass {
	c, _ := view.Get(classesResource, "", name).(*storagev1.StorageClass)
	return c
}

// isDelayBinding is IsDelayBindingMode: the claim's class waits for the
// first consumer.
func isDelayBinding(view *store.View, pvc *corev1.PersistentVolumeClaim) bool {
	name := ClaimClass(pvc)
	if name == "" {
		return false
	}
	class := getClass(view, name)
	return class != nil && class.VolumeBindingMode != nil && *class.VolumeBindingMode == storagev1.VolumeBindingWaitForFirstConsumer
}
