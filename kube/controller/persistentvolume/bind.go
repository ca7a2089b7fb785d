package persistentvolume

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesim/kubesim/kube/volumeutil"
)

// bind binds both sides, each step only if needed, in upstream's order:
// the volume's claimRef, the volume's phase, the claim's volumeName and
// annotations, the claim's status. A failed step is retried from the
// start on the next sync.
func (b *Binder) bind(ctx context.Context, pv *corev1.PersistentVolume, pvc *corev1.PersistentVolumeClaim) error {
	pv, err := b.bindVolumeToClaim(ctx, pv, pvc)
	if err != nil {
		return err
	}
	if pv, err = b.updateVolumePhase(ctx, pv, corev1.VolumeBound, ""); err != nil {
		return err
	}
	if pvc, err = b.bindClaimToVolume(ctx, pvc, pv); err != nil {
		return err
	}
	_, err = b.updateClaimStatus(ctx, pvc, corev1.ClaimBound, pv)
	return err
}

// bindVolumeToClaim points the volume at the claim, marking it
// bound-by-controller unless the user pre-bound it to this claim.
func (b *Binder) bindVolumeToClaim(ctx context.Context, pv *corev1.PersistentVolume, pvc *corev1.PersistentVolumeClaim) (*corev1.PersistentVolume, error) {
	byController := !volumeutil.IsVolumeBoundToClaim(pv, pvc)
	clone := pv.DeepCopy()
	dirty := false
	if ref := pv.Spec.ClaimRef; ref == nil || ref.Name != pvc.Name || ref.Namespace != pvc.Namespace || ref.UID != pvc.UID {
		clone.Spec.ClaimRef = claimRef(pvc)
		dirty = true
	}
	if byController && !hasAnnotation(clone, AnnBoundByController) {
		metav1.SetMetaDataAnnotation(&clone.ObjectMeta, AnnBoundByController, "yes")
		dirty = true
	}
	if !dirty {
		return pv, nil
	}
	out, err := b.client.CoreV1().PersistentVolumes().Update(ctx, clone, metav1.UpdateOptions{})
	if err != nil {
		return nil, fmt.Errorf("bind volume %q to claim %s/%s: %w", pv.Name, pvc.Namespace, pvc.Name, err)
	}
	return out, nil
}

// bindClaimToVolume sets the claim's volumeName and the bind-completed
// annotation (and bound-by-controller when the controller chose the
// volume).
func (b *Binder) bindClaimToVolume(ctx context.Context, pvc *corev1.PersistentVolumeClaim, pv *corev1.PersistentVolume) (*corev1.PersistentVolumeClaim, error) {
	clone := pvc.DeepCopy()
	dirty := false
	if pvc.Spec.VolumeName != pv.Name {
		clone.Spec.VolumeName = pv.Name
		dirty = true
	}
	if pvc.Spec.VolumeName == "" && !hasAnnotation(clone, AnnBoundByController) {
		metav1.SetMetaDataAnnotation(&clone.ObjectMeta, AnnBoundByController, "yes")
		dirty = true
	}
	if !hasAnnotation(clone, AnnBindCompleted) {
		metav1.SetMetaDataAnnotation(&clone.ObjectMeta, AnnBindCompleted, "yes")
		dirty = true
	}
	if !dirty {
		return pvc, nil
	}
	out, err := b.client.CoreV1().PersistentVolumeClaims(pvc.Namespace).Update(ctx, clone, metav1.UpdateOptions{})
	if err != nil {
		return nil, fmt.Errorf("bind claim %s/%s to volume %q: %w", pvc.Namespace, pvc.Name, pv.Name, err)
	}
	return out, nil
}

// updateClaimStatus sets the claim's phase; with a volume it copies the
// volume's access modes, and its capacity when the claim becomes Bound
// (after that a difference may be deliberate, as during a resize).
func (b *Binder) updateClaimStatus(ctx context.Context, pvc *corev1.PersistentVolumeClaim, phase corev1.PersistentVolumeClaimPhase, pv *corev1.PersistentVolume) (*corev1.PersistentVolumeClaim, error) {
	clone := pvc.DeepCopy()
	clone.Status.Phase = phase
	if pv == nil {
		clone.Status.AccessModes, clone.Status.Capacity = nil, nil
	} else {
		clone.Status.AccessModes = pv.Spec.AccessModes
		if pvc.Status.Phase != phase {
			size, ok := pv.Spec.Capacity[corev1.ResourceStorage]
			if !ok {
				return nil, fmt.Errorf("PersistentVolume %q is without a storage capacity", pv.Name)
			}
			if have, ok := pvc.Status.Capacity[corev1.ResourceStorage]; !ok || have.Cmp(size) != 0 {
				clone.Status.Capacity = pv.Spec.Capacity
			}
		}
	}
	if equality.Semantic.DeepEqual(clone.Status, pvc.Status) {
		return pvc, nil
	}
	out, err := b.client.CoreV1().PersistentVolumeClaims(pvc.Namespace).UpdateStatus(ctx, clone, metav1.UpdateOptions{})
	if err != nil {
		return nil, fmt.Errorf("update status of claim %s/%s: %w", pvc.Namespace, pvc.Name, err)
	}
	return out, nil
}

// updateClaimStatusWithEvent changes the claim's phase and says why, once.
func (b *Binder) updateClaimStatusWithEvent(ctx context.Context, pvc *corev1.PersistentVolumeClaim, phase corev1.PersistentVolumeClaimPhase, eventtype, reason, message string) (*corev1.PersistentVolumeClaim, error) {
	if pvc.Status.Phase == phase {
		return pvc, nil
	}
	out, err := b.updateClaimStatus(ctx, pvc, phase, nil)
	if err != nil {
		return nil, err
	}
	b.recorder.Event(out, eventtype, reason, message)
	return out, nil
}

// updateVolumePhase sets the volume's phase and message, stamping
// lastPhaseTransitionTime when the phase changes.
func (b *Binder) updateVolumePhase(ctx context.Context, pv *corev1.PersistentVolume, phase corev1.PersistentVolumePhase, message string) (*corev1.PersistentVolume, error) {
	return updateVolumePhase(ctx, b.client, b.clock.Now(), pv, phase, message)
}

// updateVolumePhaseWithEvent changes the volume's phase and says why,
// once.
func (b *Binder) updateVolumePhaseWithEvent(ctx context.Context, pv *corev1.PersistentVolume, phase corev1.PersistentVolumePhase, eventtype, reason, message string) (*corev1.PersistentVolume, error) {
	if pv.Status.Phase == phase {
		return pv, nil
	}
	out, err := b.updateVolumePhase(ctx, pv, phase, message)
	if err != nil {
		return nil, err
	}
	b.recorder.Event(out, eventtype, reason, message)
	return out, nil
}

// unbindVolume frees a volume whose claim is bound elsewhere: one the
// controller bound loses its claimRef, one the user pre-bound keeps it
// without the UID.
func (b *Binder) unbindVolume(ctx context.Context, pv *corev1.PersistentVolume) error {
	clone := pv.DeepCopy()
	if hasAnnotation(pv, AnnBoundByController) {
		clone.Spec.ClaimRef = nil
		delete(clone.Annotations, AnnBoundByController)
		if len(clone.Annotations) == 0 {
			clone.Annotations = nil
		}
	} else {
		clone.Spec.ClaimRef.UID = ""
	}
	out, err := b.client.CoreV1().PersistentVolumes().Update(ctx, clone, metav1.UpdateOptions{})
	if err != nil {
		return fmt.Errorf("unbind volume %q: %w", pv.Name, err)
	}
	_, err = b.updateVolumePhase(ctx, out, corev1.VolumeAvailable, "")
	return err
}
