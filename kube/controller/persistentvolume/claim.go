package persistentvolume

import (
	"context"
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/klog/v2"

	"github.com/kubesim/kubesim/kube/volumeutil"
	"github.com/kubesim/kubesim/store"
)

// Messages of the binder's claim events, as upstream words them.
const (
	msgNoClass         = "no persistent volumes available for this claim and no storage class is set"
	msgWaitForConsumer = "waiting for first consumer to be created before binding"
	msgLostReference   = "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!"
	msgLostVolume      = "Bound claim has lost its PersistentVolume. Data on the volume is lost!"
	msgMisbound        = "Two claims are bound to the same volume, this one is bound incorrectly"
)

// syncUnboundClaim is upstream's syncUnboundClaim: a claim that names no
// volume gets the best available one, a new one from its class's
// provisioner, or waits (for its first consumer, or for a volume); a claim
// that names a volume is bound to it if the volume is free or already
// points back at the claim.
func (b *Binder) syncUnboundClaim(ctx context.Context, pvc *corev1.PersistentVolumeClaim) error {
	view := b.store.View()
	if pvc.Spec.VolumeName == "" {
		if assigned, err := b.assignDefaultClass(ctx, view, pvc); assigned || err != nil {
			return err // the update brings the claim back
		}
		delay := isDelayBinding(view, pvc)
		if pv := findBestMatch(view, pvc, delay); pv != nil {
			return b.bind(ctx, pv, pvc)
		}
		_, selected := pvc.Annotations[AnnSelectedNode]
		switch {
		case delay && !selected:
			b.eventForDelayedClaim(pvc)
		case ClaimClass(pvc) != "":
			// The provisioner takes it from here; the claim stays Pending.
			return b.provisionClaim(ctx, pvc)
		default:
			b.recorder.Event(pvc, corev1.EventTypeNormal, reasonFailedBinding, msgNoClass)
		}
		_, err := b.updateClaimStatus(ctx, pvc, corev1.ClaimPending, nil)
		return err
	}
	pv, _ := view.Get(volumesResource, "", pvc.Spec.VolumeName).(*corev1.PersistentVolume)
	switch {
	case pv == nil:
		klog.V(4).InfoS("Claim waits for its volume to appear", "PVC", klog.KObj(pvc), "volumeName", pvc.Spec.VolumeName)
		_, err := b.updateClaimStatus(ctx, pvc, corev1.ClaimPending, nil)
		return err
	case pv.Spec.ClaimRef == nil:
		if err := checkVolumeSatisfyClaim(pv, pvc); err != nil {
			b.recorder.Event(pvc, corev1.EventTypeWarning, reasonVolumeMismatch,
				fmt.Sprintf("Cannot bind to requested volume %q: %s", pv.Name, err))
			_, err := b.updateClaimStatus(ctx, pvc, corev1.ClaimPending, nil)
			return err
		}
		return b.bind(ctx, pv, pvc)
	case volumeutil.IsVolumeBoundToClaim(pv, pvc):
		return b.bind(ctx, pv, pvc)
	}
	if _, ok := pvc.Annotations[AnnBoundByController]; ok {
		return fmt.Errorf("invalid binding of claim %s/%s to volume %q: the volume is bound to another claim", pvc.Namespace, pvc.Name, pv.Name)
	}
	b.recorder.Event(pvc, corev1.EventTypeWarning, reasonFailedBinding, fmt.Sprintf("volume %q already bound to a different claim.", pv.Name))
	_, err := b.updateClaimStatus(ctx, pvc, corev1.ClaimPending, nil)
	return err
}

// eventForDelayedClaim says what a WaitForFirstConsumer claim waits for:
// a pod that uses it to be scheduled, or any pod at all.
func (b *Binder) eventForDelayedClaim(pvc *corev1.PersistentVolumeClaim) {
	pods := unscheduledPodsUsing(b.store.View().List, pvc)
	switch len(pods) {
	case 0:
		b.recorder.Event(pvc, corev1.EventTypeNormal, reasonWaitForFirstConsumer, msgWaitForConsumer)
	case 1:
		b.recorder.Event(pvc, corev1.EventTypeNormal, reasonWaitForPodScheduled, fmt.Sprintf("waiting for pod %s to be scheduled", pods[0]))
	default:
		b.recorder.Event(pvc, corev1.EventTypeNormal, reasonWaitForPodScheduled, fmt.Sprintf("waiting for pods %s to be scheduled", strings.Join(pods, ",")))
	}
}

// unscheduledPodsUsing names the pods of the claim's namespace that use it
// and wait for a node.
func unscheduledPodsUsing(list func(string, string, func(runtime.Object) bool), pvc *corev1.PersistentVolumeClaim) []string {
	var names []string
	list(podsResource, pvc.Namespace, func(obj runtime.Object) bool {
		pod := obj.(*corev1.Pod)
		if pod.Spec.NodeName == "" && podUsesClaimName(pod, pvc.Name) {
			names = append(names, pod.Name)
		}
		return true
	})
	sort.Strings(names)
	return names
}

// syncBoundClaim is upstream's syncBoundClaim: a claim the controller
// bound is lost when its volume goes, rebound when its volume lost its
// claimRef, and kept in step with its volume otherwise.
func (b *Binder) syncBoundClaim(ctx context.Context, pvc *corev1.PersistentVolumeClaim) error {
	if pvc.Spec.VolumeName == "" {
		_, err := b.updateClaimStatusWithEvent(ctx, pvc, corev1.ClaimLost, corev1.EventTypeWarning, reasonClaimLost, msgLostReference)
		return err
	}
	pv, _ := b.store.View().Get(volumesResource, "", pvc.Spec.VolumeName).(*corev1.PersistentVolume)
	switch {
	case pv == nil:
		_, err := b.updateClaimStatusWithEvent(ctx, pvc, corev1.ClaimLost, corev1.EventTypeWarning, reasonClaimLost, msgLostVolume)
		return err
	case pv.Spec.ClaimRef == nil, pv.Spec.ClaimRef.UID == pvc.UID:
		return b.bind(ctx, pv, pvc)
	}
	_, err := b.updateClaimStatusWithEvent(ctx, pvc, corev1.ClaimLost, corev1.EventTypeWarning, reasonClaimMisbound, msgMisbound)
	return err
}

// podUsesClaimName reports whether one of the pod's volumes is the claim.
func podUsesClaimName(pod *corev1.Pod, claim string) bool {
	for _, v := range pod.Spec.Volumes {
		if v.PersistentVolumeClaim != nil && v.PersistentVolumeClaim.ClaimName == claim {
			return true
		}
		if v.Ephemeral != nil && pod.Name+"-"+v.Name == claim {
			return true
		}
	}
	return false
}

// claimRef is the reference a bound volume keeps to its claim.
func claimRef(pvc *corev1.PersistentVolumeClaim) *corev1.ObjectReference {
	return &corev1.ObjectReference{Kind: "PersistentVolumeClaim", APIVersion: "v1",
		Namespace: pvc.Namespace, Name: pvc.Name, UID: pvc.UID, ResourceVersion: pvc.ResourceVersion}
}

func hasAnnotation(m metav1.Object, key string) bool {
	_, ok := m.GetAnnotations()[key]
	return ok
}

// assignDefaultClass gives a claim without a class the default one, when
// there is one now (upstream's assignDefaultStorageClass): claims made
// before the default class existed get it retroactively.
func (b *Binder) assignDefaultClass(ctx context.Context, view *store.View, pvc *corev1.PersistentVolumeClaim) (bool, error) {
	if _, beta := pvc.Annotations[corev1.BetaStorageClassAnnotation]; beta || pvc.Spec.StorageClassName != nil {
		return false, nil
	}
	class := volumeutil.DefaultClass(view)
	if class == nil {
		return false, nil
	}
	cp := pvc.DeepCopy()
	cp.Spec.StorageClassName = &class.Name
	if _, err := b.client.CoreV1().PersistentVolumeClaims(cp.Namespace).Update(ctx, cp, metav1.UpdateOptions{}); err != nil {
		if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
			return true, nil
		}
		return true, fmt.Errorf("assign default class %s to claim %s/%s: %w", class.Name, cp.Namespace, cp.Name, err)
	}
	klog.V(4).InfoS("Assigned the default storage class to a claim", "PVC", klog.KObj(cp), "class", class.Name)
	return true, nil
}
