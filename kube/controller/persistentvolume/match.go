package persistentvolume

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kubesim/kubesim/kube/volumeutil"
	"github.com/kubesim/kubesim/store"
)

// findBestMatch is the binder's findBestMatchForClaim: a volume pre-bound
// to the claim wins; otherwise the smallest Available volume of the
// claim's class whose access modes include the claim's (preferring
// volumes with fewer modes, as upstream's index walks mode sets from the
// smallest), that is big enough, has the claim's volume mode and matches
// its selector. For a claim that waits for its first consumer only a
// pre-bound volume counts: the scheduler picks the others.
func findBestMatch(view *store.View, pvc *corev1.PersistentVolumeClaim, delayBinding bool) *corev1.PersistentVolume {
	selector, err := volumeutil.Selector(pvc)
	if err != nil {
		return nil
	}
	class := ClaimClass(pvc)
	var best *corev1.PersistentVolume
	var prebound *corev1.PersistentVolume
	view.List(volumesResource, "", func(obj runtime.Object) bool {
		pv := obj.(*corev1.PersistentVolume)
		if !volumeutil.Fits(pv, pvc) {
			return true
		}
		if volumeutil.IsVolumeBoundToClaim(pv, pvc) {
			prebound = pv
			return false
		}
		if delayBinding || pv.Status.Phase != corev1.VolumeAvailable || volumeClass(pv) != class {
			return true
		}
		if selector != nil && !selector.Matches(labels.Set(pv.Labels)) {
			return true
		}
		if volumeutil.Better(pv, best) {
			best = pv
		}
		return true
	})
	if prebound != nil {
		return prebound
	}
	return best
}

// checkVolumeSatisfyClaim is upstream's check of a volume the claim asked
// for by name (spec.volumeName).
func checkVolumeSatisfyClaim(pv *corev1.PersistentVolume, pvc *corev1.PersistentVolumeClaim) error {
	if pv.DeletionTimestamp != nil {
		return fmt.Errorf("the volume is marked for deletion %q", pv.Name)
	}
	want, have := pvc.Spec.Resources.Requests[corev1.ResourceStorage], pv.Spec.Capacity[corev1.ResourceStorage]
	if have.Value() < want.Value() {
		return fmt.Errorf("requested PV is too small")
	}
	if volumeClass(pv) != ClaimClass(pvc) {
		return fmt.Errorf("storageClassName does not match")
	}
	if volumeutil.VolumeMode(pv.Spec.VolumeMode) != volumeutil.VolumeMode(pvc.Spec.VolumeMode) {
		return fmt.Errorf("incompatible volumeMode")
	}
	if !volumeutil.AccessModesContain(pv.Spec.AccessModes, pvc.Spec.AccessModes) {
		return fmt.Errorf("incompatible accessMode")
	}
	return nil
}
