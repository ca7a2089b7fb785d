package validation

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Pod volumes, as validation.go's ValidateVolumes and validateVolumeSource.
// The legacy in-tree sources are in volume_legacy.go.

// validateVolumes checks the volumes of a pod spec and returns the valid
// ones by name, for the containers' mounts to refer to. podMeta is nil for
// a pod template.
func validateVolumes(volumes []corev1.Volume, podMeta *metav1.ObjectMeta, fldPath *field.Path, opts podOpts) (map[string]corev1.VolumeSource, field.ErrorList) {
	var allErrs field.ErrorList
	allNames := sets.Set[string]{}
	createdPVCs := sets.Set[string]{}
	if podMeta != nil && podMeta.Name != "" {
		for _, vol := range volumes {
			if vol.Ephemeral != nil {
				createdPVCs.Insert(podMeta.Name + "-" + vol.Name)
			}
		}
	}
	vols := make(map[string]corev1.VolumeSource)
	for i, vol := range volumes {
		idxPath := fldPath.Index(i)
		namePath := idxPath.Child("name")
		el := validateVolumeSource(&vol.VolumeSource, idxPath, vol.Name, podMeta, opts)
		if len(vol.Name) == 0 {
			el = append(el, field.Required(namePath, ""))
		} else {
			el = append(el, validateDNS1123Label(vol.Name, namePath)...)
		}
		if allNames.Has(vol.Name) {
			el = append(el, field.Duplicate(namePath, vol.Name))
		}
		if len(el) == 0 {
			allNames.Insert(vol.Name)
			vols[vol.Name] = vol.VolumeSource
		} else {
			allErrs = append(allErrs, el...)
		}
		if vol.PersistentVolumeClaim != nil && createdPVCs.Has(vol.PersistentVolumeClaim.ClaimName) {
			allErrs = append(allErrs, field.Invalid(idxPath.Child("persistentVolumeClaim").Child("claimName"), vol.PersistentVolumeClaim.ClaimName,
				"must not reference a PVC that gets created for an ephemeral volume"))
		}
	}
	return vols, allErrs
}

// volumeType is one possible source of a volume: whether it is set, the
// field name upstream reports when it is one too many, and its checks.
type volumeType struct {
	set   bool
	name  string
	check func() field.ErrorList
}

// checkOneVolumeType runs the checks of the first set type and reports
// every further one; n counts the types already seen.
func checkOneVolumeType(n int, types []volumeType, fldPath *field.Path) (int, field.ErrorList) {
	var allErrs field.ErrorList
	for _, t := range types {
		if !t.set {
			continue
		}
		if n > 0 {
			allErrs = append(allErrs, field.Forbidden(fldPath.Child(t.name), "may not specify more than 1 volume type"))
		} else {
			n++
			allErrs = append(allErrs, t.check()...)
		}
	}
	return n, allErrs
}

func validateVolumeSource(src *corev1.VolumeSource, fldPath *field.Path, volName string, podMeta *metav1.ObjectMeta, opts podOpts) field.ErrorList {
	var allErrs field.ErrorList
	numVolumes := 0
	if src.EmptyDir != nil {
		numVolumes++
		if src.EmptyDir.SizeLimit != nil && src.EmptyDir.SizeLimit.Sign() < 0 {
			allErrs = append(allErrs, field.Forbidden(fldPath.Child("emptyDir").Child("sizeLimit"), "SizeLimit field must be a valid resource quantity"))
		}
	}
	types := []volumeType{
		{src.HostPath != nil, "hostPath", func() field.ErrorList { return validateHostPathVolumeSource(src.HostPath, fldPath.Child("hostPath")) }},
		{src.GitRepo != nil, "gitRepo", func() field.ErrorList { return validateGitRepoVolumeSource(src.GitRepo, fldPath.Child("gitRepo")) }},
		{src.GCEPersistentDisk != nil, "gcePersistentDisk", func() field.ErrorList {
			return validateGCEPersistentDisk(src.GCEPersistentDisk, fldPath.Child("persistentDisk"))
		}},
		{src.AWSElasticBlockStore != nil, "awsElasticBlockStore", func() field.ErrorList {
			return validateAWSElasticBlockStore(src.AWSElasticBlockStore, fldPath.Child("awsElasticBlockStore"))
		}},
		{src.Secret != nil, "secret", func() field.ErrorList { return validateSecretVolumeSource(src.Secret, fldPath.Child("secret")) }},
		{src.NFS != nil, "nfs", func() field.ErrorList { return validateNFSVolumeSource(src.NFS, fldPath.Child("nfs")) }},
		{src.ISCSI != nil, "iscsi", func() field.ErrorList { return validateISCSIVolumeSource(src.ISCSI, fldPath.Child("iscsi")) }},
		{src.Glusterfs != nil, "glusterfs", func() field.ErrorList {
			return validateGlusterfsVolumeSource(src.Glusterfs, fldPath.Child("glusterfs"))
		}},
		{src.Flocker != nil, "flocker", func() field.ErrorList { return validateFlockerVolumeSource(src.Flocker, fldPath.Child("flocker")) }},
		{src.PersistentVolumeClaim != nil, "persistentVolumeClaim", func() field.ErrorList {
			if len(src.PersistentVolumeClaim.ClaimName) == 0 {
				return field.ErrorList{field.Required(fldPath.Child("persistentVolumeClaim").Child("claimName"), "")}
			}
			return nil
		}},
		{src.RBD != nil, "rbd", func() field.ErrorList {
			return validateRBD(src.RBD.CephMonitors, src.RBD.RBDImage, fldPath.Child("rbd"))
		}},
		{src.Cinder != nil, "cinder", func() field.ErrorList { return validateCinderVolumeSource(src.Cinder, fldPath.Child("cinder")) }},
		{src.CephFS != nil, "cephFS", func() field.ErrorList { return validateCephFSMonitors(src.CephFS.Monitors, fldPath.Child("cephfs")) }},
		{src.Quobyte != nil, "quobyte", func() field.ErrorList { return validateQuobyteVolumeSource(src.Quobyte, fldPath.Child("quobyte")) }},
		// "downwarAPI" is upstream's spelling.
		{src.DownwardAPI != nil, "downwarAPI", func() field.ErrorList {
			return validateDownwardAPIVolumeSource(src.DownwardAPI, fldPath.Child("downwardAPI"))
		}},
		{src.FC != nil, "fc", func() field.ErrorList { return validateFCVolumeSource(src.FC, fldPath.Child("fc")) }},
		{src.FlexVolume != nil, "flexVolume", func() field.ErrorList {
			return validateFlexVolume(src.FlexVolume.Driver, src.FlexVolume.Options, fldPath.Child("flexVolume"))
		}},
		{src.ConfigMap != nil, "configMap", func() field.ErrorList {
			return validateConfigMapVolumeSource(src.ConfigMap, fldPath.Child("configMap"))
		}},
		{src.AzureFile != nil, "azureFile", func() field.ErrorList {
			return validateAzureFile(src.AzureFile.SecretName, src.AzureFile.ShareName, fldPath.Child("azureFile"))
		}},
		{src.VsphereVolume != nil, "vsphereVolume", func() field.ErrorList {
			return requireString(src.VsphereVolume.VolumePath, fldPath.Child("vsphereVolume").Child("volumePath"))
		}},
		{src.PhotonPersistentDisk != nil, "photonPersistentDisk", func() field.ErrorList {
			return requireString(src.PhotonPersistentDisk.PdID, fldPath.Child("photonPersistentDisk").Child("pdID"))
		}},
		{src.PortworxVolume != nil, "portworxVolume", func() field.ErrorList {
			return requireString(src.PortworxVolume.VolumeID, fldPath.Child("portworxVolume").Child("volumeID"))
		}},
		{src.AzureDisk != nil, "azureDisk", func() field.ErrorList { return validateAzureDisk(src.AzureDisk, fldPath.Child("azureDisk")) }},
		{src.StorageOS != nil, "storageos", func() field.ErrorList {
			return validateStorageOSVolumeSource(src.StorageOS, fldPath.Child("storageos"))
		}},
		{src.Projected != nil, "projected", func() field.ErrorList {
			return validateProjectedVolumeSource(src.Projected, fldPath.Child("projected"), opts)
		}},
		{src.ScaleIO != nil, "scaleIO", func() field.ErrorList {
			return validateScaleIO(src.ScaleIO.Gateway, src.ScaleIO.System, src.ScaleIO.VolumeName, fldPath.Child("scaleIO"))
		}},
		{src.CSI != nil, "csi", func() field.ErrorList { return validateCSIVolumeSource(src.CSI, fldPath.Child("csi")) }},
		{src.Ephemeral != nil, "ephemeral", func() field.ErrorList {
			return validateEphemeralVolume(src.Ephemeral, fldPath, volName, podMeta)
		}},
		{src.Image != nil, "image", func() field.ErrorList { return validateImageVolumeSource(src.Image, fldPath.Child("image"), opts) }},
	}
	n, errs := checkOneVolumeType(numVolumes, types, fldPath)
	allErrs = append(allErrs, errs...)
	// The iSCSI name rule applies even to a second volume type.
	if src.ISCSI != nil && src.ISCSI.InitiatorName != nil && len(volName+":"+src.ISCSI.TargetPortal) > 64 {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("name"), volName, iscsiNameTooLongMsg))
	}
	if n == 0 {
		allErrs = append(allErrs, field.Required(fldPath, "must specify a volume type"))
	}
	return allErrs
}

func requireString(value string, fldPath *field.Path) field.ErrorList {
	if value == "" {
		return field.ErrorList{field.Required(fldPath, "")}
	}
	return nil
}

var supportedHostPathTypes = sets.New(
	corev1.HostPathUnset, corev1.HostPathDirectoryOrCreate, corev1.HostPathDirectory, corev1.HostPathFileOrCreate,
	corev1.HostPathFile, corev1.HostPathSocket, corev1.HostPathCharDev, corev1.HostPathBlockDev)

func validateHostPathVolumeSource(hp *corev1.HostPathVolumeSource, fldPath *field.Path) field.ErrorList {
	if len(hp.Path) == 0 {
		return field.ErrorList{field.Required(fldPath.Child("path"), "")}
	}
	allErrs := validatePathNoBacksteps(hp.Path, fldPath.Child("path"))
	if hp.Type != nil && !supportedHostPathTypes.Has(*hp.Type) {
		allErrs = append(allErrs, field.NotSupported(fldPath.Child("type"), hp.Type, sets.List(supportedHostPathTypes)))
	}
	return allErrs
}

func validateSecretVolumeSource(s *corev1.SecretVolumeSource, fldPath *field.Path) field.ErrorList {
	allErrs := requireString(s.SecretName, fldPath.Child("secretName"))
	if s.DefaultMode != nil && (*s.DefaultMode > 0777 || *s.DefaultMode < 0) {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("defaultMode"), *s.DefaultMode, fileModeErrorMsg))
	}
	for i := range s.Items {
		allErrs = append(allErrs, validateKeyToPath(&s.Items[i], fldPath.Child("items").Index(i))...)
	}
	return allErrs
}

func validateConfigMapVolumeSource(cm *corev1.ConfigMapVolumeSource, fldPath *field.Path) field.ErrorList {
	allErrs := requireString(cm.Name, fldPath.Child("name"))
	if cm.DefaultMode != nil && (*cm.DefaultMode > 0777 || *cm.DefaultMode < 0) {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("defaultMode"), *cm.DefaultMode, fileModeErrorMsg))
	}
	for i := range cm.Items {
		allErrs = append(allErrs, validateKeyToPath(&cm.Items[i], fldPath.Child("items").Index(i))...)
	}
	return allErrs
}

func validateKeyToPath(kp *corev1.KeyToPath, fldPath *field.Path) field.ErrorList {
	allErrs := requireString(kp.Key, fldPath.Child("key"))
	allErrs = append(allErrs, requireString(kp.Path, fldPath.Child("path"))...)
	allErrs = append(allErrs, validateLocalNonReservedPath(kp.Path, fldPath.Child("path"))...)
	return append(allErrs, validateFileMode(kp.Mode, fldPath.Child("mode"))...)
}

func validateDownwardAPIVolumeSource(d *corev1.DownwardAPIVolumeSource, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if d.DefaultMode != nil && (*d.DefaultMode > 0777 || *d.DefaultMode < 0) {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("defaultMode"), *d.DefaultMode, fileModeErrorMsg))
	}
	for i := range d.Items {
		allErrs = append(allErrs, validateDownwardAPIVolumeFile(&d.Items[i], fldPath)...)
	}
	return allErrs
}

func validateCSIVolumeSource(csi *corev1.CSIVolumeSource, fldPath *field.Path) field.ErrorList {
	allErrs := validateCSIDriverName(csi.Driver, fldPath.Child("driver"))
	if ref := csi.NodePublishSecretRef; ref != nil {
		if len(ref.Name) == 0 {
			allErrs = append(allErrs, field.Required(fldPath.Child("nodePublishSecretRef", "name"), ""))
		} else {
			// Upstream reports a bad name under csi.name.
			allErrs = append(allErrs, validateName(nameIsDNSSubdomain, ref.Name, fldPath.Child("name"))...)
		}
	}
	return allErrs
}

// validateCSIDriverName: a DNS subdomain (any case) of at most 63
// characters.
func validateCSIDriverName(driver string, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if len(driver) == 0 {
		allErrs = append(allErrs, field.Required(fldPath, ""))
	}
	if len(driver) > 63 {
		allErrs = append(allErrs, field.TooLong(fldPath, "", 63))
	}
	for _, msg := range validateDNS1123Subdomain(strings.ToLower(driver), fldPath) {
		msg.BadValue = driver
		allErrs = append(allErrs, msg)
	}
	return allErrs
}

// validateEphemeralVolume checks the claim template and that the claim it
// creates, <pod>-<volume>, has a valid name.
func validateEphemeralVolume(e *corev1.EphemeralVolumeSource, volPath *field.Path, volName string, podMeta *metav1.ObjectMeta) field.ErrorList {
	fldPath := volPath.Child("ephemeral")
	if e.VolumeClaimTemplate == nil {
		return field.ErrorList{field.Required(fldPath.Child("volumeClaimTemplate"), "")}
	}
	tmplPath := fldPath.Child("volumeClaimTemplate")
	allErrs := validateTemplateObjectMeta(&e.VolumeClaimTemplate.ObjectMeta, tmplPath.Child("metadata"))
	allErrs = append(allErrs, validatePersistentVolumeClaimSpec(&e.VolumeClaimTemplate.Spec, tmplPath.Child("spec"), pvcOpts{})...)
	if podMeta != nil && podMeta.Name != "" && volName != "" {
		pvcName := podMeta.Name + "-" + volName
		for _, msg := range nameIsDNSSubdomain(pvcName, false) {
			allErrs = append(allErrs, field.Invalid(volPath.Child("name"), volName, fmt.Sprintf("PVC name %q: %v", pvcName, msg)))
		}
	}
	return allErrs
}

func validateImageVolumeSource(img *corev1.ImageVolumeSource, fldPath *field.Path, opts podOpts) field.ErrorList {
	var allErrs field.ErrorList
	if opts.resourceIsPod && len(img.Reference) == 0 {
		allErrs = append(allErrs, field.Required(fldPath.Child("reference"), ""))
	}
	return append(allErrs, validatePullPolicy(img.PullPolicy, fldPath.Child("pullPolicy"))...)
}
