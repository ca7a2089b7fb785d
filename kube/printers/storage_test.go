package printers

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime"
)

func TestStorageColumns(t *testing.T) {
	tests := []struct {
		obj  runtime.Object
		want []string
	}{
		{&corev1.PersistentVolume{}, []string{"Name", "Capacity", "Access Modes", "Reclaim Policy", "Status", "Claim", "StorageClass", "VolumeAttributesClass", "Reason", "Age", "VolumeMode (wide)"}},
		{&corev1.PersistentVolumeClaim{}, []string{"Name", "Status", "Volume", "Capacity", "Access Modes", "StorageClass", "VolumeAttributesClass", "Age", "VolumeMode (wide)"}},
		{&storagev1.StorageClass{}, []string{"Name", "Provisioner", "ReclaimPolicy", "VolumeBindingMode", "AllowVolumeExpansion", "Age"}},
		{&storagev1.CSIDriver{}, []string{"Name", "AttachRequired", "PodInfoOnMount", "StorageCapacity", "TokenRequests", "RequiresRepublish", "Modes", "Age"}},
		{&storagev1.CSINode{}, []string{"Name", "Drivers", "Age"}},
		{&storagev1.VolumeAttachment{}, []string{"Name", "Attacher", "PV", "Node", "Attached", "Age"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, columnNames(tt.obj)); diff != "" {
			t.Errorf("%T columns (-want +got):\n%s", tt.obj, diff)
		}
	}
}

func TestVolumeCells(t *testing.T) {
	fs := corev1.PersistentVolumeFilesystem
	pv := &corev1.PersistentVolume{ObjectMeta: objectMeta("pv-1")}
	pv.Spec.Capacity = corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("10Gi")}
	pv.Spec.AccessModes = []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOncePod, corev1.ReadWriteMany, corev1.ReadWriteOnce, corev1.ReadWriteOnce}
	pv.Spec.PersistentVolumeReclaimPolicy = corev1.PersistentVolumeReclaimRetain
	pv.Spec.ClaimRef = &corev1.ObjectReference{Namespace: "default", Name: "data"}
	pv.Spec.StorageClassName = "standard"
	pv.Spec.VolumeMode = &fs
	pv.Status.Phase = corev1.VolumeBound

	released := &corev1.PersistentVolume{ObjectMeta: objectMeta("pv-2")}
	released.Annotations = map[string]string{"volume.beta.kubernetes.io/storage-class": "legacy"}
	released.Spec.StorageClassName = "standard"
	released.Spec.VolumeAttributesClassName = ptr("gold")
	released.Status = corev1.PersistentVolumeStatus{Phase: corev1.VolumeFailed, Reason: "RecycleFailed"}
	released.DeletionTimestamp = agoPtr(time.Second)

	bound := &corev1.PersistentVolumeClaim{ObjectMeta: objectMeta("data")}
	bound.Spec.StorageClassName = ptr("standard")
	bound.Spec.VolumeName = "pv-1"
	bound.Spec.Resources.Requests = corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("5Gi")}
	bound.Status = corev1.PersistentVolumeClaimStatus{Phase: corev1.ClaimBound, AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
		Capacity: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("10Gi")}}
	bound.Spec.VolumeMode = &fs

	pending := &corev1.PersistentVolumeClaim{ObjectMeta: objectMeta("pending")}
	pending.Spec.Resources.Requests = corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("5Gi")}
	pending.Status.Phase = corev1.ClaimPending

	tests := []struct {
		obj  runtime.Object
		want []any
	}{
		{pv, []any{"pv-1", "10Gi", "RWO,RWX,RWOP", "Retain", "Bound", "default/data", "standard", "<unset>", "", "60m", "Filesystem"}},
		{released, []any{"pv-2", "0", "", "", "Terminating", "", "legacy", "gold", "RecycleFailed", "60m", "<unset>"}},
		{bound, []any{"data", "Bound", "pv-1", "10Gi", "RWO", "standard", "<unset>", "60m", "Filesystem"}},
		{pending, []any{"pending", "Pending", "", "", "", "", "<unset>", "60m", "<unset>"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, cells(t, tt.obj)); diff != "" {
			t.Errorf("%T cells (-want +got):\n%s", tt.obj, diff)
		}
	}
}

func TestStorageClassDefault(t *testing.T) {
	class := func(name string, age time.Duration, isDefault bool) *storagev1.StorageClass {
		sc := &storagev1.StorageClass{ObjectMeta: objectMeta(name), Provisioner: "kubesim.io/local"}
		sc.Namespace = ""
		sc.CreationTimestamp = ago(age)
		if isDefault {
			sc.Annotations = map[string]string{"storageclass.kubernetes.io/is-default-class": "true"}
		}
		return sc
	}
	old := class("old", 2*time.Hour, true)
	newer := class("newer", time.Hour, true)
	plain := class("plain", time.Hour, false)
	plain.ReclaimPolicy = ptr(corev1.PersistentVolumeReclaimRetain)
	plain.VolumeBindingMode = ptr(storagev1.VolumeBindingWaitForFirstConsumer)
	plain.AllowVolumeExpansion = ptr(true)

	table, err := ToTable([]runtime.Object{old, newer, plain}, now, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got [][]any
	for _, r := range table.Rows {
		got = append(got, r.Cells)
	}
	want := [][]any{
		{"old", "kubesim.io/local", "Delete", "Immediate", false, "120m"},
		{"newer (default)", "kubesim.io/local", "Delete", "Immediate", false, "60m"},
		{"plain", "kubesim.io/local", "Retain", "WaitForFirstConsumer", true, "60m"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}

	// Printed alone, the old class looks like the default unless told.
	if got := cells(t, old)[0]; got != "old (default)" {
		t.Errorf("lone annotated class: name %q, want %q", got, "old (default)")
	}
	table, err = ToTable([]runtime.Object{old}, now, Options{DefaultStorageClass: ptr("newer")})
	if err != nil {
		t.Fatal(err)
	}
	if got := table.Rows[0].Cells[0]; got != "old" {
		t.Errorf("with DefaultStorageClass newer: name %q, want %q", got, "old")
	}

	// Equally old defaults: the first name wins. The beta annotation counts.
	a, b := class("b", time.Hour, true), class("a", time.Hour, false)
	b.Annotations = map[string]string{"storageclass.kubernetes.io/is-default-class": "true"}
	a.Annotations = map[string]string{"storageclass.beta.kubernetes.io/is-default-class": "true"}
	if got := EffectiveDefaultStorageClass([]*storagev1.StorageClass{b, a}); got != "a" {
		t.Errorf("EffectiveDefaultStorageClass = %q, want %q", got, "a")
	}
	if got := EffectiveDefaultStorageClass([]*storagev1.StorageClass{plain}); got != "" {
		t.Errorf("EffectiveDefaultStorageClass without defaults = %q, want empty", got)
	}
}

func TestCSICells(t *testing.T) {
	driver := &storagev1.CSIDriver{ObjectMeta: objectMeta("csi.example.com")}
	alt := &storagev1.CSIDriver{ObjectMeta: objectMeta("alt.example.com")}
	alt.Spec = storagev1.CSIDriverSpec{
		AttachRequired: ptr(false), PodInfoOnMount: ptr(true), StorageCapacity: ptr(true), RequiresRepublish: ptr(true),
		TokenRequests:        []storagev1.TokenRequest{{Audience: "vault"}, {Audience: "aws"}},
		VolumeLifecycleModes: []storagev1.VolumeLifecycleMode{storagev1.VolumeLifecyclePersistent, storagev1.VolumeLifecycleEphemeral},
	}
	node := &storagev1.CSINode{ObjectMeta: objectMeta("node-1")}
	node.Spec.Drivers = []storagev1.CSINodeDriver{{Name: "csi.example.com"}}
	va := &storagev1.VolumeAttachment{ObjectMeta: objectMeta("csi-123")}
	va.Spec = storagev1.VolumeAttachmentSpec{Attacher: "csi.example.com", NodeName: "node-1",
		Source: storagev1.VolumeAttachmentSource{PersistentVolumeName: ptr("pv-1")}}
	va.Status.Attached = true

	tests := []struct {
		obj  runtime.Object
		want []any
	}{
		{driver, []any{"csi.example.com", true, false, false, "<unset>", false, "<none>", "60m"}},
		{alt, []any{"alt.example.com", false, true, true, "vault,aws", true, "Persistent,Ephemeral", "60m"}},
		{node, []any{"node-1", int64(1), "60m"}},
		{va, []any{"csi-123", "csi.example.com", "pv-1", "node-1", true, "60m"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, cells(t, tt.obj)); diff != "" {
			t.Errorf("%T cells (-want +got):\n%s", tt.obj, diff)
		}
	}
}
