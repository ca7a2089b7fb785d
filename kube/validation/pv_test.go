package validation

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/utils/ptr"
)

func TestPersistentVolume(t *testing.T) {
	pv := func(mutate func(*corev1.PersistentVolume)) *corev1.PersistentVolume {
		v := &corev1.PersistentVolume{ObjectMeta: om("pv-1", ""), Spec: corev1.PersistentVolumeSpec{
			AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Capacity:    corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")},
			PersistentVolumeSource: corev1.PersistentVolumeSource{
				HostPath: &corev1.HostPathVolumeSource{Path: "/data"},
			},
		}}
		if mutate != nil {
			mutate(v)
		}
		return defaulted(v)
	}
	runCreate(t, []createCase{
		{"valid", pv(nil), nil},
		{"no source, no modes", pv(func(v *corev1.PersistentVolume) {
			v.Spec.HostPath = nil
			v.Spec.AccessModes = nil
		}), []string{"spec.accessModes: Required value", "spec: Required value: must specify a volume type"}},
		{"two sources", pv(func(v *corev1.PersistentVolume) { v.Spec.NFS = &corev1.NFSVolumeSource{Server: "s", Path: "/x"} }), []string{
			"spec.nfs: Forbidden: may not specify more than 1 volume type",
		}},
	})
	old := pv(nil)
	moved := old.DeepCopy()
	moved.Spec.HostPath.Path = "/other"
	errs := ValidateUpdate(moved, old)
	if len(errs) != 1 || errs[0].Field != "spec.persistentvolumesource" || errs[0].Type != "FieldValueForbidden" {
		t.Errorf("changing the source: %v", errs)
	}
}

func TestPersistentVolumeClaim(t *testing.T) {
	pvc := func(mutate func(*corev1.PersistentVolumeClaim)) *corev1.PersistentVolumeClaim {
		c := &corev1.PersistentVolumeClaim{ObjectMeta: om("data", "ns"), Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}},
		}}
		if mutate != nil {
			mutate(c)
		}
		return defaulted(c)
	}
	runCreate(t, []createCase{
		{"valid", pvc(nil), nil},
		{"no storage request", pvc(func(c *corev1.PersistentVolumeClaim) { c.Spec.Resources.Requests = nil }), []string{
			"spec.resources[storage]: Required value",
		}},
	})
	old := pvc(nil)
	bound := pvc(func(c *corev1.PersistentVolumeClaim) { c.Spec.VolumeName = "pv-1" })
	classed := old.DeepCopy()
	classed.Spec.StorageClassName = ptr.To("fast")
	restyled := classed.DeepCopy()
	restyled.Spec.StorageClassName = ptr.To("slow")
	runUpdate(t, []updateCase{
		{"volume name set once", bound, old, nil},
		{"a class for a claim that had none", classed, old, nil},
	})
	if errs := ValidateUpdate(restyled, classed); len(errs) != 1 || errs[0].Field != "spec" {
		t.Errorf("changing the storage class: %v", errs)
	}
}
