package validation

import (
	"fmt"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// PersistentVolumes, as validation.go's ValidatePersistentVolume(Update):
// access modes, a storage capacity, one volume source, fixed once created.

var supportedReclaimPolicies = sets.New(corev1.PersistentVolumeReclaimDelete, corev1.PersistentVolumeReclaimRecycle, corev1.PersistentVolumeReclaimRetain)

func validatePV(pv *corev1.PersistentVolume) field.ErrorList {
	allErrs := validateObjectMeta(&pv.ObjectMeta, false, nameIsDNSSubdomain, metadataPath)
	spec := &pv.Spec
	if len(spec.AccessModes) == 0 {
		allErrs = append(allErrs, field.Required(specPath.Child("accessModes"), ""))
	}
	for _, mode := range spec.AccessModes {
		if !supportedAccessModes.Has(mode) {
			allErrs = append(allErrs, field.NotSupported(specPath.Child("accessModes"), mode, sets.List(supportedAccessModes)))
		}
	}
	capPath := specPath.Child("capacity")
	if len(spec.Capacity) == 0 {
		allErrs = append(allErrs, field.Required(capPath, ""))
	}
	if _, ok := spec.Capacity[corev1.ResourceStorage]; !ok || len(spec.Capacity) > 1 {
		allErrs = append(allErrs, field.NotSupported(capPath, spec.Capacity, []corev1.ResourceName{corev1.ResourceStorage}))
	}
	for _, name := range sortedNames(spec.Capacity) {
		allErrs = append(allErrs, validateBasicResource(spec.Capacity[name], capPath.Key(string(name)))...)
		allErrs = append(allErrs, validatePositiveQuantityValue(spec.Capacity[name], capPath.Key(string(name)))...)
	}
	if len(spec.PersistentVolumeReclaimPolicy) > 0 && !supportedReclaimPolicies.Has(spec.PersistentVolumeReclaimPolicy) {
		allErrs = append(allErrs, field.NotSupported(specPath.Child("persistentVolumeReclaimPolicy"), spec.PersistentVolumeReclaimPolicy, sets.List(supportedReclaimPolicies)))
	}
	if spec.StorageClassName != "" {
		allErrs = append(allErrs, validateName(nameIsDNSSubdomain, spec.StorageClassName, specPath.Child("storageClassName"))...)
	}
	if spec.VolumeMode != nil && !supportedVolumeModes.Has(*spec.VolumeMode) {
		allErrs = append(allErrs, field.NotSupported(specPath.Child("volumeMode"), *spec.VolumeMode, sets.List(supportedVolumeModes)))
	}
	if spec.NodeAffinity != nil {
		if spec.NodeAffinity.Required == nil {
			allErrs = append(allErrs, field.Required(specPath.Child("nodeAffinity", "required"), "must specify required node constraints"))
		} else {
			allErrs = append(allErrs, validateNodeSelector(spec.NodeAffinity.Required, specPath.Child("nodeAffinity", "required"))...)
		}
	} else if spec.Local != nil {
		allErrs = append(allErrs, field.Required(specPath.Child("nodeAffinity"), "Local volume requires node affinity"))
	}
	return append(allErrs, validatePVSource(pv, specPath)...)
}

// validatePVSource: exactly one volume source, valid.
func validatePVSource(pv *corev1.PersistentVolume, fldPath *field.Path) field.ErrorList {
	src := &pv.Spec.PersistentVolumeSource
	p := fldPath.Child
	types := []volumeType{
		{src.HostPath != nil, "hostPath", func() field.ErrorList { return validateHostPathVolumeSource(src.HostPath, p("hostPath")) }},
		{src.GCEPersistentDisk != nil, "persistentDisk", func() field.ErrorList { return validateGCEPersistentDisk(src.GCEPersistentDisk, p("persistentDisk")) }},
		{src.AWSElasticBlockStore != nil, "awsElasticBlockStore", func() field.ErrorList {
			return validateAWSElasticBlockStore(src.AWSElasticBlockStore, p("awsElasticBlockStore"))
		}},
		{src.Glusterfs != nil, "glusterfs", func() field.ErrorList { return validateGlusterfsPersistentVolumeSource(src.Glusterfs, p("glusterfs")) }},
		{src.Flocker != nil, "flocker", func() field.ErrorList { return validateFlockerVolumeSource(src.Flocker, p("flocker")) }},
		{src.NFS != nil, "nfs", func() field.ErrorList { return validateNFSVolumeSource(src.NFS, p("nfs")) }},
		{src.RBD != nil, "rbd", func() field.ErrorList { return validateRBD(src.RBD.CephMonitors, src.RBD.RBDImage, p("rbd")) }},
		{src.Quobyte != nil, "quobyte", func() field.ErrorList { return validateQuobyteVolumeSource(src.Quobyte, p("quobyte")) }},
		{src.CephFS != nil, "cephFS", func() field.ErrorList { return validateCephFSMonitors(src.CephFS.Monitors, p("cephfs")) }},
		{src.ISCSI != nil, "iscsi", func() field.ErrorList { return validateISCSIPersistentVolumeSource(src.ISCSI, pv.Name, p("iscsi")) }},
		{src.Cinder != nil, "cinder", func() field.ErrorList { return validateCinderPersistentVolumeSource(src.Cinder, p("cinder")) }},
		{src.FC != nil, "fc", func() field.ErrorList { return validateFCVolumeSource(src.FC, p("fc")) }},
		{src.FlexVolume != nil, "flexVolume", func() field.ErrorList {
			return validateFlexVolume(src.FlexVolume.Driver, src.FlexVolume.Options, p("flexVolume"))
		}},
		{src.AzureFile != nil, "azureFile", func() field.ErrorList { return validateAzureFilePV(src.AzureFile, p("azureFile")) }},
		{src.VsphereVolume != nil, "vsphereVolume", func() field.ErrorList {
			return requireString(src.VsphereVolume.VolumePath, p("vsphereVolume").Child("volumePath"))
		}},
		{src.PhotonPersistentDisk != nil, "photonPersistentDisk", func() field.ErrorList {
			return requireString(src.PhotonPersistentDisk.PdID, p("photonPersistentDisk").Child("pdID"))
		}},
		{src.PortworxVolume != nil, "portworxVolume", func() field.ErrorList {
			return requireString(src.PortworxVolume.VolumeID, p("portworxVolume").Child("volumeID"))
		}},
		{src.AzureDisk != nil, "azureDisk", func() field.ErrorList { return validateAzureDisk(src.AzureDisk, p("azureDisk")) }},
		{src.ScaleIO != nil, "scaleIO", func() field.ErrorList {
			return validateScaleIO(src.ScaleIO.Gateway, src.ScaleIO.System, src.ScaleIO.VolumeName, p("scaleIO"))
		}},
		{src.Local != nil, "local", func() field.ErrorList { return validateLocalVolumeSource(src.Local, p("local")) }},
		{src.StorageOS != nil, "storageos", func() field.ErrorList { return validateStorageOSPersistentVolumeSource(src.StorageOS, p("storageos")) }},
		{src.CSI != nil, "csi", func() field.ErrorList { return validateCSIPersistentVolumeSource(src.CSI, p("csi")) }},
	}
	n, allErrs := checkOneVolumeType(0, types, fldPath)
	if n == 0 {
		allErrs = append(allErrs, field.Required(fldPath, "must specify a volume type"))
	}
	return allErrs
}

// validatePVUpdate: the source and volume mode are fixed, node affinity
// once set; a CSI volume may gain its expansion secret.
func validatePVUpdate(pv, old *corev1.PersistentVolume) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&pv.ObjectMeta, &old.ObjectMeta, metadataPath)
	allErrs = append(allErrs, validatePV(pv)...)
	src := pv.Spec.PersistentVolumeSource
	if old.Spec.CSI != nil && old.Spec.CSI.ControllerExpandSecretRef == nil && src.CSI != nil && src.CSI.ControllerExpandSecretRef != nil {
		src = *src.DeepCopy()
		src.CSI.ControllerExpandSecretRef = nil
	}
	if !apiequality.Semantic.DeepEqual(src, old.Spec.PersistentVolumeSource) {
		diff := cmp.Diff(old.Spec.PersistentVolumeSource, src)
		allErrs = append(allErrs, field.Forbidden(specPath.Child("persistentvolumesource"), fmt.Sprintf("spec.persistentvolumesource is immutable after creation\n%v", diff)))
	}
	allErrs = append(allErrs, validateImmutableField(pv.Spec.VolumeMode, old.Spec.VolumeMode, field.NewPath("volumeMode"))...)
	if old.Spec.NodeAffinity != nil {
		allErrs = append(allErrs, validateImmutableField(pv.Spec.NodeAffinity, old.Spec.NodeAffinity, field.NewPath("nodeAffinity"))...)
	}
	return allErrs
}
