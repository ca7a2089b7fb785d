package persistentvolume_test

import (
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/kube/controller/persistentvolume"
	"github.com/kubesim/kubesim/testkit"
)

// TestReclaim: once its claim is deleted a volume is Released; then
// Delete removes a provisioned volume, Retain keeps it Released, Recycle
// fails (no recycler), and Delete fails for a volume no provisioner made.
func TestReclaim(t *testing.T) {
	t.Parallel()
	env, c := start(t, 1)
	createClass(t, c, class("fast", storagev1.VolumeBindingImmediate, corev1.PersistentVolumeReclaimDelete, false))
	createPVC(t, c, claim("dynamic", "1Gi", ptr.To("fast")))
	for name, policy := range map[string]corev1.PersistentVolumeReclaimPolicy{
		"retain": corev1.PersistentVolumeReclaimRetain, "recycle": corev1.PersistentVolumeReclaimRecycle, "delete": corev1.PersistentVolumeReclaimDelete,
	} {
		pv := volume(name, "1Gi", "manual", policy)
		pv.Spec.ClaimRef = &corev1.ObjectReference{Namespace: ns, Name: name}
		createPV(t, c, pv)
		createPVC(t, c, claim(name, "1Gi", ptr.To("manual")))
	}
	settle(env)
	dynamic := getClaim(t, c, "dynamic").Spec.VolumeName
	for _, name := range []string{"dynamic", "retain", "recycle", "delete"} {
		if pvc := getClaim(t, c, name); pvc.Status.Phase != corev1.ClaimBound {
			t.Fatalf("claim %s is %s, want Bound", name, pvc.Status.Phase)
		}
		if err := c.CoreV1().PersistentVolumeClaims(ns).Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	settle(env)

	if pv := getVolume(t, c, dynamic); pv != nil {
		t.Errorf("provisioned volume still there: %s", pv.Status.Phase)
	}
	if pv := getVolume(t, c, "retain"); pv.Status.Phase != corev1.VolumeReleased || pv.Spec.ClaimRef == nil {
		t.Errorf("retained volume %s with claimRef %v, want Released keeping it", pv.Status.Phase, pv.Spec.ClaimRef)
	}
	if pv := getVolume(t, c, "recycle"); pv.Status.Phase != corev1.VolumeFailed || pv.Status.Message != "No recycler plugin found for the volume!" {
		t.Errorf("recycled volume %s %q, want Failed", pv.Status.Phase, pv.Status.Message)
	}
	if got := reasons(t, c, "PersistentVolume", "recycle"); !slices.Contains(got, "VolumeFailedRecycle") {
		t.Errorf("recycle events %v", got)
	}
	if pv := getVolume(t, c, "delete"); pv.Status.Phase != corev1.VolumeFailed {
		t.Errorf("static Delete volume %s, want Failed", pv.Status.Phase)
	}
	if pv := getVolume(t, c, "retain"); pv.Status.LastPhaseTransitionTime == nil {
		t.Error("no lastPhaseTransitionTime")
	}
}

// TestExpansion: growing the request of a bound claim whose class allows
// expansion grows its volume and its status; a class that does not is
// refused by admission.
func TestExpansion(t *testing.T) {
	t.Parallel()
	env, c := start(t, 1)
	createClass(t, c, class("grow", storagev1.VolumeBindingImmediate, corev1.PersistentVolumeReclaimDelete, true))
	createClass(t, c, class("fixed", storagev1.VolumeBindingImmediate, corev1.PersistentVolumeReclaimDelete, false))
	createPVC(t, c, claim("grow", "1Gi", ptr.To("grow")))
	createPVC(t, c, claim("fixed", "1Gi", ptr.To("fixed")))
	settle(env)

	pvc := getClaim(t, c, "grow")
	pvc.Spec.Resources.Requests[corev1.ResourceStorage] = resource.MustParse("5Gi")
	if _, err := c.CoreV1().PersistentVolumeClaims(ns).Update(ctx, pvc, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	settle(env)
	pvc = getClaim(t, c, "grow")
	if got := pvc.Status.Capacity[corev1.ResourceStorage]; got.String() != "5Gi" {
		t.Errorf("claim capacity %s, want 5Gi", got.String())
	}
	if got := pvc.Status.AllocatedResources[corev1.ResourceStorage]; got.String() != "5Gi" {
		t.Errorf("claim allocatedResources %s, want 5Gi", got.String())
	}
	if got := getVolume(t, c, pvc.Spec.VolumeName).Spec.Capacity[corev1.ResourceStorage]; got.String() != "5Gi" {
		t.Errorf("volume capacity %s, want 5Gi", got.String())
	}
	if pvc.Annotations[persistentvolume.AnnStorageResizer] != persistentvolume.Provisioner || len(pvc.Status.Conditions) != 0 {
		t.Errorf("resizer annotation %q, conditions %v", pvc.Annotations[persistentvolume.AnnStorageResizer], pvc.Status.Conditions)
	}
	got := reasons(t, c, "PersistentVolumeClaim", "grow")
	for _, want := range []string{"ExternalExpanding", "Resizing", "VolumeResizeSuccessful"} {
		if !slices.Contains(got, want) {
			t.Errorf("no %s event; have %v", want, got)
		}
	}

	fixed := getClaim(t, c, "fixed")
	fixed.Spec.Resources.Requests[corev1.ResourceStorage] = resource.MustParse("5Gi")
	_, err := c.CoreV1().PersistentVolumeClaims(ns).Update(ctx, fixed, metav1.UpdateOptions{})
	if !apierrors.IsForbidden(err) {
		t.Errorf("growing a claim of a class without expansion: %v, want Forbidden", err)
	}
}

// TestPVCProtection: a deleted claim that a scheduled pod uses stays,
// Terminating with its finalizer, until the pod is gone; then the claim
// and its provisioned volume go.
func TestPVCProtection(t *testing.T) {
	t.Parallel()
	env, c := start(t, 1)
	pvc := createPVC(t, c, claim("data", "1Gi", nil))
	if !slices.Contains(pvc.Finalizers, persistentvolume.PVCProtectionFinalizer) {
		t.Fatalf("new claim finalizers %v", pvc.Finalizers)
	}
	createPod(t, c, podUsing("app", "data"))
	env.Advance(10 * time.Second)
	volumeName := getClaim(t, c, "data").Spec.VolumeName

	if err := c.CoreV1().PersistentVolumeClaims(ns).Delete(ctx, "data", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(time.Minute)
	pvc = getClaim(t, c, "data")
	if pvc == nil || pvc.DeletionTimestamp == nil || pvc.Status.Phase != corev1.ClaimBound {
		t.Fatalf("claim in use: %+v, want Bound and Terminating", pvc)
	}
	if err := c.CoreV1().Pods(ns).Delete(ctx, "app", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(time.Minute)
	if pvc := getClaim(t, c, "data"); pvc != nil {
		t.Fatalf("claim still there after its pod went: finalizers %v", pvc.Finalizers)
	}
	if pv := getVolume(t, c, volumeName); pv != nil {
		t.Errorf("volume %s still there: %s", volumeName, pv.Status.Phase)
	}
}

// TestPVProtection: a deleted volume that is Bound stays until its claim
// lets it go.
func TestPVProtection(t *testing.T) {
	t.Parallel()
	env, c := start(t, 1)
	createPV(t, c, volume("disk", "1Gi", "manual", corev1.PersistentVolumeReclaimRetain))
	createPVC(t, c, claim("data", "1Gi", ptr.To("manual")))
	settle(env)
	if err := c.CoreV1().PersistentVolumes().Delete(ctx, "disk", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	settle(env)
	if pv := getVolume(t, c, "disk"); pv == nil || pv.DeletionTimestamp == nil {
		t.Fatalf("bound volume: %v, want Terminating", pv)
	}
	if err := c.CoreV1().PersistentVolumeClaims(ns).Delete(ctx, "data", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	settle(env)
	if pv := getVolume(t, c, "disk"); pv != nil {
		t.Errorf("released volume still there: %s, finalizers %v", pv.Status.Phase, pv.Finalizers)
	}
}

// TestDefaultClass: claims that name no class get the default one (the
// newest, if several), an explicit "" stays, and with no default class
// the field stays unset.
func TestDefaultClass(t *testing.T) {
	t.Parallel()
	env, c := start(t, 1)
	if pvc := createPVC(t, c, claim("plain", "1Gi", nil)); ptr.Deref(pvc.Spec.StorageClassName, "<nil>") != persistentvolume.DefaultClassName {
		t.Errorf("class %v, want standard", pvc.Spec.StorageClassName)
	}
	if pvc := createPVC(t, c, claim("none", "1Gi", ptr.To(""))); ptr.Deref(pvc.Spec.StorageClassName, "<nil>") != "" {
		t.Errorf("explicit empty class became %v", pvc.Spec.StorageClassName)
	}
	env.Advance(time.Minute)
	newer := class("newer", storagev1.VolumeBindingWaitForFirstConsumer, corev1.PersistentVolumeReclaimDelete, false)
	newer.Annotations = map[string]string{persistentvolume.AnnDefaultClass: "true"}
	createClass(t, c, newer)
	if pvc := createPVC(t, c, claim("later", "1Gi", nil)); ptr.Deref(pvc.Spec.StorageClassName, "<nil>") != "newer" {
		t.Errorf("class %v, want the newest default", pvc.Spec.StorageClassName)
	}
	for _, name := range []string{"newer", persistentvolume.DefaultClassName} {
		if err := c.StorageV1().StorageClasses().Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if pvc := createPVC(t, c, claim("orphan", "1Gi", nil)); pvc.Spec.StorageClassName != nil {
		t.Errorf("class %v with no default class, want unset", *pvc.Spec.StorageClassName)
	}

	// A default class that appears later is given to the claim, which is
	// then provisioned (RetroactiveDefaultStorageClass).
	late := class("late", storagev1.VolumeBindingImmediate, corev1.PersistentVolumeReclaimDelete, false)
	late.Annotations = map[string]string{persistentvolume.AnnDefaultClass: "true"}
	createClass(t, c, late)
	env.Advance(10 * time.Second)
	orphan := getClaim(t, c, "orphan")
	if ptr.Deref(orphan.Spec.StorageClassName, "<nil>") != "late" || orphan.Status.Phase != corev1.ClaimBound {
		t.Errorf("orphan claim: class %v, phase %s; want late, Bound", ptr.Deref(orphan.Spec.StorageClassName, "<nil>"), orphan.Status.Phase)
	}
	if none := getClaim(t, c, "none"); ptr.Deref(none.Spec.StorageClassName, "<nil>") != "" {
		t.Errorf("the claim that asked for no class got %v", none.Spec.StorageClassName)
	}
}

// TestEphemeralVolume: a pod's generic ephemeral volume gets a claim
// named <pod>-<volume>, owned by the pod, provisioned on the pod's node;
// the claim goes with the pod.
func TestEphemeralVolume(t *testing.T) {
	t.Parallel()
	env, c := start(t, 2)
	pod := podUsing("app", "unused")
	pod.Spec.Volumes[0].VolumeSource = corev1.VolumeSource{Ephemeral: &corev1.EphemeralVolumeSource{
		VolumeClaimTemplate: &corev1.PersistentVolumeClaimTemplate{
			ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"kind": "scratch"}},
			Spec:       claim("", "2Gi", nil).Spec,
		}}}
	pod = createPod(t, c, pod)
	env.Advance(10 * time.Second)
	pvc := getClaim(t, c, "app-data")
	if pvc == nil || !metav1.IsControlledBy(pvc, pod) || pvc.Labels["kind"] != "scratch" {
		t.Fatalf("ephemeral claim %+v, want one owned by the pod", pvc)
	}
	running, err := c.CoreV1().Pods(ns).Get(ctx, "app", metav1.GetOptions{})
	must(t, running, err)
	if pvc.Status.Phase != corev1.ClaimBound || pvc.Annotations[persistentvolume.AnnSelectedNode] != running.Spec.NodeName || running.Status.Phase != corev1.PodRunning {
		t.Fatalf("claim %s on %q; pod %s on %q", pvc.Status.Phase, pvc.Annotations[persistentvolume.AnnSelectedNode], running.Status.Phase, running.Spec.NodeName)
	}
	if err := c.CoreV1().Pods(ns).Delete(ctx, "app", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(time.Minute)
	if pvc := getClaim(t, c, "app-data"); pvc != nil {
		t.Errorf("ephemeral claim outlived its pod: deleting %v, finalizers %v", pvc.DeletionTimestamp, pvc.Finalizers)
	}
	if pv := getVolume(t, c, pvc.Spec.VolumeName); pv != nil {
		t.Errorf("volume outlived its claim: %s", pv.Status.Phase)
	}
}

// TestBareHasNoClass: a bare API server (envtest's mode) has no default
// StorageClass, as a real one without add-ons has none.
func TestBareHasNoClass(t *testing.T) {
	t.Parallel()
	env := testkit.Start(t, testkit.Bare())
	list, err := env.Client().StorageV1().StorageClasses().List(ctx, metav1.ListOptions{})
	must(t, list, err)
	if len(list.Items) != 0 {
		t.Errorf("bare API server has %d storage classes", len(list.Items))
	}
}

// TestClaimLost: a bound claim whose volume is removed anyway (its
// protection finalizer taken off by hand) is Lost, as upstream says.
func TestClaimLost(t *testing.T) {
	t.Parallel()
	env, c := start(t, 1)
	createPV(t, c, volume("disk", "1Gi", "manual", corev1.PersistentVolumeReclaimRetain))
	createPVC(t, c, claim("data", "1Gi", ptr.To("manual")))
	settle(env)
	if err := c.CoreV1().PersistentVolumes().Delete(ctx, "disk", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	settle(env)
	pv := getVolume(t, c, "disk")
	pv.Finalizers = nil
	if _, err := c.CoreV1().PersistentVolumes().Update(ctx, pv, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	settle(env)
	if pvc := getClaim(t, c, "data"); pvc.Status.Phase != corev1.ClaimLost {
		t.Fatalf("claim %s after its volume went, want Lost", pvc.Status.Phase)
	}
	if msg := eventMessage(t, c, "PersistentVolumeClaim", "data", "ClaimLost"); msg != "Bound claim has lost its PersistentVolume. Data on the volume is lost!" {
		t.Errorf("ClaimLost message %q", msg)
	}
}
