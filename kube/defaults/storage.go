package defaults

import (
	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/utils/ptr"
)

// The storage/v1 defaults follow pkg/apis/storage/v1/defaults.go.

// defaultStorageClass is SetDefaults_StorageClass: dynamically provisioned
// volumes are deleted with their claim and provisioned as soon as it is
// created.
func defaultStorageClass(sc *storagev1.StorageClass) {
	if sc.ReclaimPolicy == nil {
		sc.ReclaimPolicy = ptr.To(corev1.PersistentVolumeReclaimDelete)
	}
	if sc.VolumeBindingMode == nil {
		sc.VolumeBindingMode = ptr.To(storagev1.VolumeBindingImmediate)
	}
}

// defaultCSIDriver is SetDefaults_CSIDriver.
func defaultCSIDriver(d *storagev1.CSIDriver) {
	spec := &d.Spec
	setBoolIfNil(&spec.AttachRequired, true)
	setBoolIfNil(&spec.PodInfoOnMount, false)
	setBoolIfNil(&spec.StorageCapacity, false)
	if spec.FSGroupPolicy == nil {
		spec.FSGroupPolicy = ptr.To(storagev1.ReadWriteOnceWithFSTypeFSGroupPolicy)
	}
	if len(spec.VolumeLifecycleModes) == 0 {
		spec.VolumeLifecycleModes = []storagev1.VolumeLifecycleMode{storagev1.VolumeLifecyclePersistent}
	}
	setBoolIfNil(&spec.RequiresRepublish, false)
	// Feature gate SELinuxMountReadWriteOncePod: GA since 1.36.
	setBoolIfNil(&spec.SELinuxMount, false)
}

// defaultVolumeAttachment defaults an inline (migrated in-tree) volume the
// way a PersistentVolume's spec is defaulted. SetDefaults_PersistentVolume
// itself does not run: it belongs to the PersistentVolume kind.
func defaultVolumeAttachment(va *storagev1.VolumeAttachment) {
	if spec := va.Spec.Source.InlineVolumeSpec; spec != nil {
		roundResourceList(spec.Capacity)
		defaultPersistentVolumeSource(&spec.PersistentVolumeSource)
	}
}

func setBoolIfNil(b **bool, value bool) {
	if *b == nil {
		*b = ptr.To(value)
	}
}
