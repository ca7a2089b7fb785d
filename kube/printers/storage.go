package printers

import (
	"reflect"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// Annotations storage classes are chosen and marked default by.
const (
	betaStorageClassAnnotation = "volume.beta.kubernetes.io/storage-class"
	defaultClassAnnotation     = "storageclass.kubernetes.io/is-default-class"
	betaDefaultClassAnnotation = "storageclass.beta.kubernetes.io/is-default-class"
)

func addStoragePrinters(r registry) {
	pvSpec, pvStatus := corev1.PersistentVolumeSpec{}.SwaggerDoc(), corev1.PersistentVolumeStatus{}.SwaggerDoc()
	add(r, []metav1.TableColumnDefinition{
		nameColumn(),
		column("Capacity", "string", pvSpec["capacity"]),
		column("Access Modes", "string", pvSpec["accessModes"]),
		column("Reclaim Policy", "string", pvSpec["persistentVolumeReclaimPolicy"]),
		column("Status", "string", pvStatus["phase"]),
		column("Claim", "string", pvSpec["claimRef"]),
		column("StorageClass", "string", "StorageClass of the pv"),
		column("VolumeAttributesClass", "string", "VolumeAttributesClass of the pv"),
		column("Reason", "string", pvStatus["reason"]),
		ageColumn(),
		wide("VolumeMode", "string", pvSpec["volumeMode"]),
	}, persistentVolumeCells)

	claimSpec, claimStatus := corev1.PersistentVolumeClaimSpec{}.SwaggerDoc(), corev1.PersistentVolumeClaimStatus{}.SwaggerDoc()
	add(r, []metav1.TableColumnDefinition{
		nameColumn(),
		column("Status", "string", claimStatus["phase"]),
		column("Volume", "string", claimSpec["volumeName"]),
		column("Capacity", "string", claimStatus["capacity"]),
		column("Access Modes", "string", claimStatus["accessModes"]),
		column("StorageClass", "string", "StorageClass of the pvc"),
		column("VolumeAttributesClass", "string", "VolumeAttributesClass of the pvc"),
		ageColumn(),
		wide("VolumeMode", "string", claimSpec["volumeMode"]),
	}, persistentVolumeClaimCells)

	classDoc := storagev1.StorageClass{}.SwaggerDoc()
	add(r, []metav1.TableColumnDefinition{
		nameColumn(),
		column("Provisioner", "string", classDoc["provisioner"]),
		column("ReclaimPolicy", "string", classDoc["reclaimPolicy"]),
		column("VolumeBindingMode", "string", classDoc["volumeBindingMode"]),
		column("AllowVolumeExpansion", "string", classDoc["allowVolumeExpansion"]),
		ageColumn(),
	}, storageClassCells)
	p := r[reflect.TypeFor[*storagev1.StorageClass]()]
	p.prepare = func(objs []runtime.Object, e *env) {
		if e.defaultStorageClass != nil {
			return
		}
		classes := make([]*storagev1.StorageClass, len(objs))
		for i, obj := range objs {
			classes[i] = obj.(*storagev1.StorageClass)
		}
		name := EffectiveDefaultStorageClass(classes)
		e.defaultStorageClass = &name
	}
	r[reflect.TypeFor[*storagev1.StorageClass]()] = p

	addCSIPrinters(r)
}

func persistentVolumeCells(pv *corev1.PersistentVolume, e env) []any {
	claim := ""
	if ref := pv.Spec.ClaimRef; ref != nil {
		claim = ref.Namespace + "/" + ref.Name
	}
	size := pv.Spec.Capacity[corev1.ResourceStorage]
	phase := string(pv.Status.Phase)
	if pv.DeletionTimestamp != nil {
		phase = "Terminating"
	}
	volumeMode := "<unset>"
	if pv.Spec.VolumeMode != nil {
		volumeMode = string(*pv.Spec.VolumeMode)
	}
	vac := "<unset>"
	if pv.Spec.VolumeAttributesClassName != nil {
		vac = *pv.Spec.VolumeAttributesClassName
	}
	class, ok := pv.Annotations[betaStorageClassAnnotation]
	if !ok {
		class = pv.Spec.StorageClassName
	}
	return []any{pv.Name, size.String(), accessModes(pv.Spec.AccessModes), string(pv.Spec.PersistentVolumeReclaimPolicy),
		phase, claim, class, vac, pv.Status.Reason, e.age(pv.CreationTimestamp), volumeMode}
}

func persistentVolumeClaimCells(pvc *corev1.PersistentVolumeClaim, e env) []any {
	phase := string(pvc.Status.Phase)
	if pvc.DeletionTimestamp != nil {
		phase = "Terminating"
	}
	// Capacity and access modes are shown once the claim is bound.
	capacity, modes := "", ""
	if pvc.Spec.VolumeName != "" {
		modes = accessModes(pvc.Status.AccessModes)
		size := pvc.Status.Capacity[corev1.ResourceStorage]
		capacity = size.String()
	}
	volumeMode := "<unset>"
	if pvc.Spec.VolumeMode != nil {
		volumeMode = string(*pvc.Spec.VolumeMode)
	}
	vac := "<unset>"
	if pvc.Spec.VolumeAttributesClassName != nil {
		vac = *pvc.Spec.VolumeAttributesClassName
	}
	class, ok := pvc.Annotations[betaStorageClassAnnotation]
	if !ok && pvc.Spec.StorageClassName != nil {
		class = *pvc.Spec.StorageClassName
	}
	return []any{pvc.Name, phase, pvc.Spec.VolumeName, capacity, modes, class, vac, e.age(pvc.CreationTimestamp), volumeMode}
}

// accessModes abbreviates access modes in a fixed order: RWO,ROX,RWX,RWOP.
func accessModes(modes []corev1.PersistentVolumeAccessMode) string {
	var out []string
	for _, m := range []struct {
		mode  corev1.PersistentVolumeAccessMode
		short string
	}{
		{corev1.ReadWriteOnce, "RWO"}, {corev1.ReadOnlyMany, "ROX"},
		{corev1.ReadWriteMany, "RWX"}, {corev1.ReadWriteOncePod, "RWOP"},
	} {
		for _, have := range modes {
			if have == m.mode {
				out = append(out, m.short)
				break
			}
		}
	}
	return strings.Join(out, ",")
}

func storageClassCells(sc *storagev1.StorageClass, e env) []any {
	name := sc.Name
	if e.defaultStorageClass != nil && name == *e.defaultStorageClass {
		name += " (default)"
	}
	reclaim := string(corev1.PersistentVolumeReclaimDelete)
	if sc.ReclaimPolicy != nil {
		reclaim = string(*sc.ReclaimPolicy)
	}
	binding := string(storagev1.VolumeBindingImmediate)
	if sc.VolumeBindingMode != nil {
		binding = string(*sc.VolumeBindingMode)
	}
	expand := sc.AllowVolumeExpansion != nil && *sc.AllowVolumeExpansion
	return []any{name, sc.Provisioner, reclaim, binding, expand, e.age(sc.CreationTimestamp)}
}

// EffectiveDefaultStorageClass names the StorageClass marked " (default)"
// among classes: of those annotated as default, the newest, or the first by
// name among equally new ones (pkg/registry/storage/storageclass/
// tableconvertor.go). It returns "" when none is annotated.
func EffectiveDefaultStorageClass(classes []*storagev1.StorageClass) string {
	var defaults []*storagev1.StorageClass
	for _, sc := range classes {
		if isDefaultClass(sc.Annotations) {
			defaults = append(defaults, sc)
		}
	}
	if len(defaults) == 0 {
		return ""
	}
	sort.Slice(defaults, func(i, j int) bool {
		ti, tj := defaults[i].CreationTimestamp.UnixNano(), defaults[j].CreationTimestamp.UnixNano()
		if ti == tj {
			return defaults[i].Name < defaults[j].Name
		}
		return ti > tj
	})
	return defaults[0].Name
}

// isDefaultClass reads the GA or beta default-class annotation.
func isDefaultClass(annotations map[string]string) bool {
	return annotations[defaultClassAnnotation] == "true" || annotations[betaDefaultClassAnnotation] == "true"
}
