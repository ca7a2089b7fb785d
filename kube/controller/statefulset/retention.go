package statefulset

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// The persistentVolumeClaimRetentionPolicy works through owner
// references, which the garbage collector follows (upstream's
// stateful_set_utils.go and stateful_pod_control.go):
//
//	whenScaled Retain, whenDeleted Retain: no reference
//	whenScaled Retain, whenDeleted Delete: the set controls the claim
//	whenScaled Delete, whenDeleted Retain: a scaled-down pod controls it
//	whenScaled Delete, whenDeleted Delete: the set, or the pod once scaled down

const (
	retain = appsv1.RetainPersistentVolumeClaimRetentionPolicyType
	del    = appsv1.DeletePersistentVolumeClaimRetentionPolicyType
)

// retentionPolicy is the set's policy, Retain for anything unset.
func retentionPolicy(set *appsv1.StatefulSet) appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy {
	p := appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy{WhenDeleted: retain, WhenScaled: retain}
	if set.Spec.PersistentVolumeClaimRetentionPolicy != nil {
		p = *set.Spec.PersistentVolumeClaimRetentionPolicy
	}
	return p
}

// matchesRef: the reference names obj, of kind gvk (whatever its UID).
func matchesRef(ref *metav1.OwnerReference, obj metav1.Object, gvk schema.GroupVersionKind) bool {
	return gvk.GroupVersion().String() == ref.APIVersion && gvk.Kind == ref.Kind && ref.Name == obj.GetName()
}

// hasUnexpectedController: under a deleting policy, the claim is
// controlled by something other than the set and the pod, or by an
// earlier set or pod of the same name.
func hasUnexpectedController(claim *corev1.PersistentVolumeClaim, set *appsv1.StatefulSet, pod *corev1.Pod) bool {
	if p := retentionPolicy(set); p.WhenScaled == retain && p.WhenDeleted == retain {
		return false
	}
	for i := range claim.OwnerReferences {
		ref := &claim.OwnerReferences[i]
		switch {
		case matchesRef(ref, set, controllerKind):
			if ref.UID != set.UID {
				return true
			}
		case matchesRef(ref, pod, podKind):
			if ref.UID != pod.UID {
				return true
			}
		case ref.Controller != nil && *ref.Controller:
			return true
		}
	}
	return false
}

// hasNonControllerOwner: the set or the pod owns the claim without
// controlling it.
func hasNonControllerOwner(claim *corev1.PersistentVolumeClaim, set *appsv1.StatefulSet, pod *corev1.Pod) bool {
	for _, ref := range claim.OwnerReferences {
		if (ref.UID == set.UID || ref.UID == pod.UID) && (ref.Controller == nil || !*ref.Controller) {
			return true
		}
	}
	return false
}

func hasOwnerRef(target, owner metav1.Object) bool {
	for _, ref := range target.GetOwnerReferences() {
		if ref.UID == owner.GetUID() {
			return true
		}
	}
	return false
}

// hasStaleOwnerRef: the claim refers to obj's name and kind with another UID.
func hasStaleOwnerRef(claim *corev1.PersistentVolumeClaim, obj metav1.Object, gvk schema.GroupVersionKind) bool {
	for i := range claim.OwnerReferences {
		if ref := &claim.OwnerReferences[i]; matchesRef(ref, obj, gvk) {
			return ref.UID != obj.GetUID()
		}
	}
	return false
}

// isClaimOwnerUpToDate reports whether the claim's owners agree with the
// policy. Claims with stale references, or an unexpected controller and
// none of ours, are left alone (reported up to date).
func isClaimOwnerUpToDate(claim *corev1.PersistentVolumeClaim, set *appsv1.StatefulSet, pod *corev1.Pod) bool {
	if hasStaleOwnerRef(claim, set, controllerKind) || hasStaleOwnerRef(claim, pod, podKind) {
		return true
	}
	if hasUnexpectedController(claim, set, pod) {
		return !hasOwnerRef(claim, set) && !hasOwnerRef(claim, pod)
	}
	if hasNonControllerOwner(claim, set, pod) {
		return false
	}
	p := retentionPolicy(set)
	scaledDown := !podInOrdinalRange(pod, set)
	switch {
	case p.WhenScaled == retain && p.WhenDeleted == del:
		return hasOwnerRef(claim, set) && !hasOwnerRef(claim, pod)
	case p.WhenScaled == del && p.WhenDeleted == retain:
		return !hasOwnerRef(claim, set) && scaledDown == hasOwnerRef(claim, pod)
	case p.WhenScaled == del && p.WhenDeleted == del:
		return scaledDown != hasOwnerRef(claim, set) && scaledDown == hasOwnerRef(claim, pod)
	default: // Retain/Retain, and unknown policies treated as Retain
		return !hasOwnerRef(claim, set) && !hasOwnerRef(claim, pod)
	}
}

// updateClaimOwnerRefs rewrites the claim's references to the set and the
// pod as the policy wants them; an unexpected controller only has ours
// removed.
func updateClaimOwnerRefs(claim *corev1.PersistentVolumeClaim, set *appsv1.StatefulSet, pod *corev1.Pod) {
	unexpected := hasUnexpectedController(claim, set, pod)
	refs := make([]metav1.OwnerReference, 0, len(claim.OwnerReferences)+1)
	for i := range claim.OwnerReferences {
		ref := &claim.OwnerReferences[i]
		if !matchesRef(ref, set, controllerKind) && !matchesRef(ref, pod, podKind) {
			refs = append(refs, *ref)
		}
	}
	if !unexpected {
		p := retentionPolicy(set)
		scaledDown := !podInOrdinalRange(pod, set)
		switch {
		case p.WhenScaled == retain && p.WhenDeleted == del:
			refs = addControllerRef(refs, set, controllerKind)
		case p.WhenScaled == del && p.WhenDeleted == retain && scaledDown:
			refs = addControllerRef(refs, pod, podKind)
		case p.WhenScaled == del && p.WhenDeleted == del && scaledDown:
			refs = addControllerRef(refs, pod, podKind)
		case p.WhenScaled == del && p.WhenDeleted == del:
			refs = addControllerRef(refs, set, controllerKind)
		}
	}
	claim.OwnerReferences = refs
}

func addControllerRef(refs []metav1.OwnerReference, owner metav1.Object, gvk schema.GroupVersionKind) []metav1.OwnerReference {
	for _, ref := range refs {
		if ref.UID == owner.GetUID() {
			return refs
		}
	}
	return append(refs, *metav1.NewControllerRef(owner, gvk))
}

// claimsMatchRetentionPolicy reports whether every existing claim of the
// pod has the owners the policy wants. A missing claim is picked up later.
func (c *Controller) claimsMatchRetentionPolicy(set *appsv1.StatefulSet, pod *corev1.Pod) (bool, error) {
	ordinal := getOrdinal(pod)
	for i := range set.Spec.VolumeClaimTemplates {
		claim := c.getClaim(set.Namespace, claimName(set, &set.Spec.VolumeClaimTemplates[i], ordinal))
		if claim != nil && !isClaimOwnerUpToDate(claim, set, pod) {
			return false, nil
		}
	}
	return true, nil
}

// updatePodClaimForRetentionPolicy gives the pod's claims the owners the
// policy wants, warning (ConflictingController) about claims another
// controller manages.
func (c *Controller) updatePodClaimForRetentionPolicy(ctx context.Context, set *appsv1.StatefulSet, pod *corev1.Pod) error {
	ordinal := getOrdinal(pod)
	for i := range set.Spec.VolumeClaimTemplates {
		name := claimName(set, &set.Spec.VolumeClaimTemplates[i], ordinal)
		claim := c.getClaim(set.Namespace, name)
		if claim == nil {
			continue // picked up in a later sync
		}
		if hasUnexpectedController(claim, set, pod) {
			c.recorder.Eventf(set, corev1.EventTypeWarning, "ConflictingController",
				"PersistentVolumeClaim %s has a conflicting OwnerReference that acts as a manging controller, the retention policy is ignored for this claim", name)
		}
		if isClaimOwnerUpToDate(claim, set, pod) {
			continue
		}
		claim = claim.DeepCopy()
		updateClaimOwnerRefs(claim, set, pod)
		if _, err := c.client.CoreV1().PersistentVolumeClaims(claim.Namespace).Update(ctx, claim, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("could not update claim %s for delete policy ownerRefs: %w", name, err)
		}
	}
	return nil
}

// podClaimIsStale reports whether, under whenScaled Delete, one of the
// pod's claims still belongs to an earlier pod of the same name (it is
// about to be garbage collected): the pod must wait for it to go.
func (c *Controller) podClaimIsStale(set *appsv1.StatefulSet, pod *corev1.Pod) (bool, error) {
	if retentionPolicy(set).WhenScaled == retain {
		return false, nil
	}
	for _, nc := range podClaims(set, pod) {
		if claim := c.getClaim(nc.claim.Namespace, nc.claim.Name); claim != nil && hasStaleOwnerRef(claim, pod, podKind) {
			return true, nil
		}
	}
	return false, nil
}
