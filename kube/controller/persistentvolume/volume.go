package persistentvolume

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/klog/v2"

	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/kube/volumeutil"
)

// syncVolumeObject is upstream's syncVolume: a free volume is Available;
// one whose claim is gone is Released and reclaimed; one whose claim is
// bound elsewhere is freed (or, if it was provisioned for that claim,
// deleted); otherwise the claim's sync finishes the binding.
func (b *Binder) syncVolumeObject(ctx context.Context, pv *corev1.PersistentVolume) error {
	ref := pv.Spec.ClaimRef
	if ref == nil || ref.UID == "" {
		// Free, or pre-bound by the user to a claim that may not exist
		// yet: either way it waits for its claim.
		_, err := b.updateVolumePhase(ctx, pv, corev1.VolumeAvailable, "")
		return err
	}
	pvc, _ := b.store.View().Get(claimsResource, ref.Namespace, ref.Name).(*corev1.PersistentVolumeClaim)
	if pvc != nil && pvc.UID != ref.UID {
		pvc = nil // the claim was deleted and a new one took its name
	}
	switch {
	case pvc == nil:
		return b.releaseVolume(ctx, pv)
	case pvc.Spec.VolumeName == "":
		if volumeutil.VolumeMode(pvc.Spec.VolumeMode) != volumeutil.VolumeMode(pv.Spec.VolumeMode) {
			b.recorder.Event(pv, corev1.EventTypeWarning, reasonVolumeMismatch,
				fmt.Sprintf("Cannot bind PersistentVolume to requested PersistentVolumeClaim %q due to incompatible volumeMode.", pvc.Name))
			b.recorder.Event(pvc, corev1.EventTypeWarning, reasonVolumeMismatch,
				fmt.Sprintf("Cannot bind PersistentVolume %q to requested PersistentVolumeClaim due to incompatible volumeMode.", pv.Name))
			return nil
		}
		// The claim's sync binds it; a provisioned volume gets there
		// sooner this way.
		b.claims.Add(controller.Request{Namespace: pvc.Namespace, Name: pvc.Name})
		return nil
	case pvc.Spec.VolumeName == pv.Name:
		_, err := b.updateVolumePhase(ctx, pv, corev1.VolumeBound, "")
		return err
	case hasAnnotation(pv, AnnDynamicallyProvisioned) && pv.Spec.PersistentVolumeReclaimPolicy == corev1.PersistentVolumeReclaimDelete:
		// Provisioned for a claim that got another volume: not needed.
		return b.releaseVolume(ctx, pv)
	default:
		klog.V(4).InfoS("Volume is bound to a claim that is bound to another volume, unbinding", "volumeName", pv.Name, "PVC", ref.Namespace+"/"+ref.Name)
		return b.unbindVolume(ctx, pv)
	}
}

// releaseVolume marks a volume whose claim is gone Released (keeping a
// Failed phase, so that the user sees what went wrong) and reclaims it.
func (b *Binder) releaseVolume(ctx context.Context, pv *corev1.PersistentVolume) error {
	if pv.Status.Phase != corev1.VolumeReleased && pv.Status.Phase != corev1.VolumeFailed {
		klog.V(2).InfoS("Volume is released and reclaim policy will be executed", "volumeName", pv.Name, "reclaimPolicy", pv.Spec.PersistentVolumeReclaimPolicy)
		var err error
		if pv, err = b.updateVolumePhase(ctx, pv, corev1.VolumeReleased, ""); err != nil {
			return err
		}
	}
	return b.reclaimVolume(ctx, pv)
}

// reclaimVolume applies the reclaim policy. Retain keeps the volume
// Released. Recycle fails, as upstream's does now that no volume plugin
// recycles. Delete is left to the provisioner that made the volume (the
// simulated one deletes it, see provisioner.go); a volume no provisioner
// made has no deleter and fails.
func (b *Binder) reclaimVolume(ctx context.Context, pv *corev1.PersistentVolume) error {
	var err error
	switch pv.Spec.PersistentVolumeReclaimPolicy {
	case corev1.PersistentVolumeReclaimRetain:
		klog.V(4).InfoS("Volume is retained", "volumeName", pv.Name)
	case corev1.PersistentVolumeReclaimRecycle:
		_, err = b.updateVolumePhaseWithEvent(ctx, pv, corev1.VolumeFailed, corev1.EventTypeWarning, reasonFailedRecycle, "No recycler plugin found for the volume!")
	case corev1.PersistentVolumeReclaimDelete:
		if !hasAnnotation(pv, AnnDynamicallyProvisioned) {
			msg := fmt.Sprintf("error getting deleter volume plugin for volume %q: no deletable volume plugin matched", pv.Name)
			_, err = b.updateVolumePhaseWithEvent(ctx, pv, corev1.VolumeFailed, corev1.EventTypeWarning, reasonFailedDelete, msg)
		}
	default:
		_, err = b.updateVolumePhaseWithEvent(ctx, pv, corev1.VolumeFailed, corev1.EventTypeWarning, reasonUnknownReclaimPolicy, "Volume has unrecognized PersistentVolumeReclaimPolicy")
	}
	return err
}
