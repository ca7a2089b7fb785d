package persistentvolume_test

import (
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/kube/controller/persistentvolume"
)

// TestStaticBinding: a claim gets the smallest Available volume of its
// class that is big enough and matches its selector, with upstream's
// annotations, claimRef and phases on both sides.
func TestStaticBinding(t *testing.T) {
	t.Parallel()
	env, c := start(t, 1)
	for _, pv := range []*corev1.PersistentVolume{
		volume("small", "1Gi", "manual", corev1.PersistentVolumeReclaimRetain),
		volume("medium", "5Gi", "manual", corev1.PersistentVolumeReclaimRetain),
		volume("large", "10Gi", "manual", corev1.PersistentVolumeReclaimRetain),
		volume("other-class", "3Gi", "other", corev1.PersistentVolumeReclaimRetain),
	} {
		createPV(t, c, pv)
	}
	fast := volume("labelled", "20Gi", "manual", corev1.PersistentVolumeReclaimRetain)
	fast.Labels = map[string]string{"speed": "fast"}
	createPV(t, c, fast)
	settle(env)
	if got := getVolume(t, c, "small").Status.Phase; got != corev1.VolumeAvailable {
		t.Fatalf("new volume phase %q, want Available", got)
	}

	createPVC(t, c, claim("data", "2Gi", ptr.To("manual")))
	picky := claim("picky", "1Gi", ptr.To("manual"))
	picky.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"speed": "fast"}}
	createPVC(t, c, picky)
	settle(env)

	for name, want := range map[string]string{"data": "medium", "picky": "labelled"} {
		pvc := getClaim(t, c, name)
		if pvc.Status.Phase != corev1.ClaimBound || pvc.Spec.VolumeName != want {
			t.Fatalf("claim %s: phase %s volume %q, want Bound to %q", name, pvc.Status.Phase, pvc.Spec.VolumeName, want)
		}
		for _, ann := range []string{persistentvolume.AnnBindCompleted, persistentvolume.AnnBoundByController} {
			if pvc.Annotations[ann] != "yes" {
				t.Errorf("claim %s: annotation %s = %q, want yes", name, ann, pvc.Annotations[ann])
			}
		}
		pv := getVolume(t, c, want)
		if pv.Status.Phase != corev1.VolumeBound || pv.Spec.ClaimRef == nil || pv.Spec.ClaimRef.UID != pvc.UID {
			t.Fatalf("volume %s: phase %s claimRef %+v, want Bound to %s", want, pv.Status.Phase, pv.Spec.ClaimRef, pvc.UID)
		}
		if pv.Annotations[persistentvolume.AnnBoundByController] != "yes" {
			t.Errorf("volume %s lacks bound-by-controller", want)
		}
		if got := pvc.Status.Capacity[corev1.ResourceStorage]; got.Cmp(pv.Spec.Capacity[corev1.ResourceStorage]) != 0 {
			t.Errorf("claim %s capacity %s, want the volume's", name, got.String())
		}
	}

	// Nothing of 50Gi: the claim waits, and binds once a volume appears.
	createPVC(t, c, claim("huge", "50Gi", ptr.To("manual")))
	settle(env)
	if pvc := getClaim(t, c, "huge"); pvc.Status.Phase != corev1.ClaimPending {
		t.Fatalf("huge claim phase %s, want Pending", pvc.Status.Phase)
	}
	createPV(t, c, volume("giant", "64Gi", "manual", corev1.PersistentVolumeReclaimRetain))
	settle(env)
	if pvc := getClaim(t, c, "huge"); pvc.Spec.VolumeName != "giant" || pvc.Status.Phase != corev1.ClaimBound {
		t.Fatalf("huge claim: %s to %q, want Bound to giant", pvc.Status.Phase, pvc.Spec.VolumeName)
	}
}

// TestPreBound: a claim naming a volume gets it (and the volume is not
// marked bound-by-controller on the claim's side); a volume whose
// claimRef names a claim waits for that claim; a named volume that does
// not fit is refused with VolumeMismatch.
func TestPreBound(t *testing.T) {
	t.Parallel()
	env, c := start(t, 1)
	createPV(t, c, volume("chosen", "1Gi", "manual", corev1.PersistentVolumeReclaimRetain))
	reserved := volume("reserved", "1Gi", "manual", corev1.PersistentVolumeReclaimRetain)
	reserved.Spec.ClaimRef = &corev1.ObjectReference{Namespace: ns, Name: "later"}
	createPV(t, c, reserved)
	createPV(t, c, volume("tiny", "1Mi", "manual", corev1.PersistentVolumeReclaimRetain))

	byName := claim("by-name", "1Gi", ptr.To("manual"))
	byName.Spec.VolumeName = "chosen"
	createPVC(t, c, byName)
	// Naming a volume does not reserve it (its claimRef would): bind
	// this claim before another one looks.
	settle(env)
	// An ordinary claim must not take the reserved volume.
	createPVC(t, c, claim("ordinary", "1Gi", ptr.To("manual")))
	tooBig := claim("too-big", "1Gi", ptr.To("manual"))
	tooBig.Spec.VolumeName = "tiny"
	createPVC(t, c, tooBig)
	settle(env)

	pvc := getClaim(t, c, "by-name")
	if pvc.Status.Phase != corev1.ClaimBound || pvc.Annotations[persistentvolume.AnnBoundByController] != "" {
		t.Fatalf("by-name: phase %s, annotations %v; want Bound, not bound-by-controller", pvc.Status.Phase, pvc.Annotations)
	}
	if pvc := getClaim(t, c, "ordinary"); pvc.Status.Phase != corev1.ClaimPending {
		t.Fatalf("ordinary claim took %q", pvc.Spec.VolumeName)
	}
	if got := getVolume(t, c, "reserved").Status.Phase; got != corev1.VolumeAvailable {
		t.Fatalf("reserved volume phase %s, want Available", got)
	}
	if msg := eventMessage(t, c, "PersistentVolumeClaim", "too-big", "VolumeMismatch"); msg != `Cannot bind to requested volume "tiny": requested PV is too small` {
		t.Errorf("VolumeMismatch message %q", msg)
	}

	createPVC(t, c, claim("later", "1Gi", ptr.To("manual")))
	settle(env)
	later := getClaim(t, c, "later")
	pv := getVolume(t, c, "reserved")
	if later.Spec.VolumeName != "reserved" || later.Status.Phase != corev1.ClaimBound || pv.Spec.ClaimRef.UID != later.UID {
		t.Fatalf("later: %s to %q; volume claimRef %+v", later.Status.Phase, later.Spec.VolumeName, pv.Spec.ClaimRef)
	}
	if pv.Annotations[persistentvolume.AnnBoundByController] != "" {
		t.Errorf("user pre-bound volume marked bound-by-controller")
	}
}

// TestNoClass: a claim that asks for no class ("") and finds no volume
// says so, as upstream words it.
func TestNoClass(t *testing.T) {
	t.Parallel()
	env, c := start(t, 1)
	createPVC(t, c, claim("none", "1Gi", ptr.To("")))
	settle(env)
	if msg := eventMessage(t, c, "PersistentVolumeClaim", "none", "FailedBinding"); msg != "no persistent volumes available for this claim and no storage class is set" {
		t.Errorf("FailedBinding message %q", msg)
	}
	if pvc := getClaim(t, c, "none"); pvc.Status.Phase != corev1.ClaimPending {
		t.Errorf("phase %s, want Pending", pvc.Status.Phase)
	}
}

// TestAccessModes: a volume without the claim's access mode is not a
// match; among those that have it, fewer modes win before size.
func TestAccessModes(t *testing.T) {
	t.Parallel()
	env, c := start(t, 1)
	rwx := volume("rwx", "1Gi", "manual", corev1.PersistentVolumeReclaimRetain)
	rwx.Spec.AccessModes = []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce, corev1.ReadWriteMany}
	rwo := volume("rwo", "2Gi", "manual", corev1.PersistentVolumeReclaimRetain)
	for _, pv := range []*corev1.PersistentVolume{rwx, rwo} {
		createPV(t, c, pv)
	}
	// The binder only considers Available volumes.
	settle(env)
	shared := claim("shared", "1Gi", ptr.To("manual"))
	shared.Spec.AccessModes = []corev1.PersistentVolumeAccessMode{corev1.ReadWriteMany}
	createPVC(t, c, claim("single", "1Gi", ptr.To("manual")))
	settle(env)
	createPVC(t, c, shared)
	settle(env)
	if got := getClaim(t, c, "single").Spec.VolumeName; got != "rwo" {
		t.Errorf("RWO claim got %q, want rwo (fewer modes first)", got)
	}
	pvc := getClaim(t, c, "shared")
	if pvc.Spec.VolumeName != "rwx" || !slices.Contains(pvc.Status.AccessModes, corev1.ReadWriteMany) {
		t.Errorf("RWX claim got %q with modes %v, want rwx", pvc.Spec.VolumeName, pvc.Status.AccessModes)
	}
}

// TestNamedVolumeAppearsLater: a claim naming a volume that does not
// exist yet waits, and binds once the volume is created.
func TestNamedVolumeAppearsLater(t *testing.T) {
	t.Parallel()
	env, c := start(t, 1)
	pvc := claim("data", "1Gi", ptr.To("manual"))
	pvc.Spec.VolumeName = "future"
	createPVC(t, c, pvc)
	settle(env)
	if got := getClaim(t, c, "data").Status.Phase; got != corev1.ClaimPending {
		t.Fatalf("claim %s before its volume exists, want Pending", got)
	}
	createPV(t, c, volume("future", "1Gi", "manual", corev1.PersistentVolumeReclaimRetain))
	settle(env)
	if got := getClaim(t, c, "data").Status.Phase; got != corev1.ClaimBound {
		t.Errorf("claim %s once its volume exists, want Bound", got)
	}
}
