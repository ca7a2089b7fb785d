// Package volumeutil is what the persistent volume binder and the
// scheduler's VolumeBinding plugin both decide about volumes and claims:
// whether a volume can serve a claim, and which of several serves it best
// (upstream's pkg/controller/volume/persistentvolume/util, which both
// share). Start with Fits and Better.
package volumeutil

import (
	"slices"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// IsVolumeBoundToClaim is upstream's helper of that name: the volume's
// claimRef names the claim and, if it has a UID, the claim's UID.
func IsVolumeBoundToClaim(pv *corev1.PersistentVolume, pvc *corev1.PersistentVolumeClaim) bool {
	ref := pv.Spec.ClaimRef
	if ref == nil || ref.Name != pvc.Name || ref.Namespace != pvc.Namespace {
		return false
	}
	return ref.UID == "" || ref.UID == pvc.UID
}

// VolumeMode is the mode a volume or claim has, Filesystem when unset.
func VolumeMode(m *corev1.PersistentVolumeMode) corev1.PersistentVolumeMode {
	if m == nil {
		return corev1.PersistentVolumeFilesystem
	}
	return *m
}

// AccessModesContain reports whether have includes every mode of want.
func AccessModesContain(have, want []corev1.PersistentVolumeAccessMode) bool {
	for _, m := range want {
		if !slices.Contains(have, m) {
			return false
		}
	}
	return true
}

// Fits: the volume is not claimed by another claim, not being deleted,
// at least as big as the claim's request, of its volume mode, and offers
// its access modes. Class, phase and selector are the caller's to check:
// a volume pre-bound to the claim is taken whatever they say.
func Fits(pv *corev1.PersistentVolume, pvc *corev1.PersistentVolumeClaim) bool {
	if pv.Spec.ClaimRef != nil && !IsVolumeBoundToClaim(pv, pvc) {
		return false
	}
	want, size := pvc.Spec.Resources.Requests[corev1.ResourceStorage], pv.Spec.Capacity[corev1.ResourceStorage]
	if size.Cmp(want) < 0 || pv.DeletionTimestamp != nil {
		return false
	}
	return VolumeMode(pv.Spec.VolumeMode) == VolumeMode(pvc.Spec.VolumeMode) &&
		AccessModesContain(pv.Spec.AccessModes, pvc.Spec.AccessModes)
}

// Selector is the claim's volume selector; nil when it has none, and an
// error when it cannot be parsed (then no volume matches).
func Selector(pvc *corev1.PersistentVolumeClaim) (labels.Selector, error) {
	if pvc.Spec.Selector == nil {
		return nil, nil
	}
	return metav1.LabelSelectorAsSelector(pvc.Spec.Selector)
}

// Better orders fitting volumes: fewer access modes (upstream's index
// walks mode sets from the smallest), then smaller, then by name so that
// the choice is repeatable.
func Better(pv, than *corev1.PersistentVolume) bool {
	if than == nil {
		return true
	}
	if len(pv.Spec.AccessModes) != len(than.Spec.AccessModes) {
		return len(pv.Spec.AccessModes) < len(than.Spec.AccessModes)
	}
	a, b := pv.Spec.Capacity[corev1.ResourceStorage], than.Spec.Capacity[corev1.ResourceStorage]
	if c := a.Cmp(b); c != 0 {
		return c < 0
	}
	return pv.Name < than.Name
}
