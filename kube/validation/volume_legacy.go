package validation

import (
	"net"
	"path"
	"regexp"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// The in-tree volume sources of pods and persistent volumes. Nothing in
// kubesim mounts them, but upstream validates them, so do we.

var (
	iscsiInitiatorIqnRegex = regexp.MustCompile(`iqn\.\d{4}-\d{2}\.([[:alnum:]-.]+)(:[^,;*&$|\s]+)$`)
	iscsiInitiatorEuiRegex = regexp.MustCompile(`^eui.[[:alnum:]]{16}$`)
	iscsiInitiatorNaaRegex = regexp.MustCompile(`^naa.[[:alnum:]]{32}$`)

	// pdPartitionErrorMsg is upstream's message for partitions out of 0-255.
	pdPartitionErrorMsg = validation.InclusiveRangeError(1, 255)
)

const iscsiNameTooLongMsg = "Total length of <volume name>:<iscsi.targetPortal> must be under 64 characters if iscsi.initiatorName is specified."

func validateGitRepoVolumeSource(g *corev1.GitRepoVolumeSource, fldPath *field.Path) field.ErrorList {
	allErrs := requireString(g.Repository, fldPath.Child("repository"))
	return append(allErrs, validateLocalDescendingPath(g.Directory, fldPath.Child("directory"))...)
}

func validateGCEPersistentDisk(pd *corev1.GCEPersistentDiskVolumeSource, fldPath *field.Path) field.ErrorList {
	allErrs := requireString(pd.PDName, fldPath.Child("pdName"))
	if pd.Partition < 0 || pd.Partition > 255 {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("partition"), pd.Partition, pdPartitionErrorMsg))
	}
	return allErrs
}

func validateAWSElasticBlockStore(pd *corev1.AWSElasticBlockStoreVolumeSource, fldPath *field.Path) field.ErrorList {
	allErrs := requireString(pd.VolumeID, fldPath.Child("volumeID"))
	if pd.Partition < 0 || pd.Partition > 255 {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("partition"), pd.Partition, pdPartitionErrorMsg))
	}
	return allErrs
}

func validateNFSVolumeSource(nfs *corev1.NFSVolumeSource, fldPath *field.Path) field.ErrorList {
	allErrs := requireString(nfs.Server, fldPath.Child("server"))
	allErrs = append(allErrs, requireString(nfs.Path, fldPath.Child("path"))...)
	if !path.IsAbs(nfs.Path) {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("path"), nfs.Path, "must be an absolute path"))
	}
	return allErrs
}

// validateIQN checks an iSCSI qualified name; prefixMsg is the message
// for a name with none of the known prefixes.
func validateIQN(value string, fldPath *field.Path, prefixMsg string) field.ErrorList {
	switch {
	case strings.HasPrefix(value, "iqn"):
		if !iscsiInitiatorIqnRegex.MatchString(value) {
			return field.ErrorList{field.Invalid(fldPath, value, "must be valid format")}
		}
	case strings.HasPrefix(value, "eui"):
		if !iscsiInitiatorEuiRegex.MatchString(value) {
			return field.ErrorList{field.Invalid(fldPath, value, "must be valid format")}
		}
	case strings.HasPrefix(value, "naa"):
		if !iscsiInitiatorNaaRegex.MatchString(value) {
			return field.ErrorList{field.Invalid(fldPath, value, "must be valid format")}
		}
	default:
		return field.ErrorList{field.Invalid(fldPath, value, prefixMsg)}
	}
	return nil
}

func validateISCSICommon(targetPortal, iqn string, lun int32, chap bool, hasSecret bool, initiator *string, fldPath *field.Path, iqnPrefixMsg, initiatorPrefixMsg string) (field.ErrorList, field.ErrorList) {
	var before, after field.ErrorList
	if len(iqn) == 0 {
		before = append(before, field.Required(fldPath.Child("iqn"), ""))
	} else {
		before = append(before, validateIQN(iqn, fldPath.Child("iqn"), iqnPrefixMsg)...)
	}
	if lun < 0 || lun > 255 {
		before = append(before, field.Invalid(fldPath.Child("lun"), lun, validation.InclusiveRangeError(0, 255)))
	}
	if chap && !hasSecret {
		before = append(before, field.Required(fldPath.Child("secretRef"), ""))
	}
	if initiator != nil {
		after = append(after, validateIQN(*initiator, fldPath.Child("initiatorname"), initiatorPrefixMsg)...)
	}
	return before, after
}

func validateISCSIVolumeSource(s *corev1.ISCSIVolumeSource, fldPath *field.Path) field.ErrorList {
	allErrs := requireString(s.TargetPortal, fldPath.Child("targetPortal"))
	const prefixMsg = "must be valid format starting with iqn, eui, or naa"
	before, after := validateISCSICommon(s.TargetPortal, s.IQN, s.Lun, s.DiscoveryCHAPAuth || s.SessionCHAPAuth, s.SecretRef != nil,
		s.InitiatorName, fldPath, prefixMsg, prefixMsg)
	return append(append(allErrs, before...), after...)
}

func validateISCSIPersistentVolumeSource(s *corev1.ISCSIPersistentVolumeSource, pvName string, fldPath *field.Path) field.ErrorList {
	allErrs := requireString(s.TargetPortal, fldPath.Child("targetPortal"))
	if s.InitiatorName != nil && len(pvName+":"+s.TargetPortal) > 64 {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("targetportal"), s.TargetPortal, iscsiNameTooLongMsg))
	}
	before, after := validateISCSICommon(s.TargetPortal, s.IQN, s.Lun, s.DiscoveryCHAPAuth || s.SessionCHAPAuth, s.SecretRef != nil,
		s.InitiatorName, fldPath, "must be valid format", "must be valid format")
	allErrs = append(allErrs, before...)
	if s.SecretRef != nil && len(s.SecretRef.Name) == 0 {
		allErrs = append(allErrs, field.Required(fldPath.Child("secretRef", "name"), ""))
	}
	return append(allErrs, after...)
}

func validateFCVolumeSource(fc *corev1.FCVolumeSource, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if len(fc.TargetWWNs) < 1 && len(fc.WWIDs) < 1 {
		allErrs = append(allErrs, field.Required(fldPath.Child("targetWWNs"), "must specify either targetWWNs or wwids, but not both"))
	}
	if len(fc.TargetWWNs) != 0 && len(fc.WWIDs) != 0 {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("targetWWNs"), fc.TargetWWNs, "targetWWNs and wwids can not be specified simultaneously"))
	}
	if len(fc.TargetWWNs) != 0 {
		if fc.Lun == nil {
			allErrs = append(allErrs, field.Required(fldPath.Child("lun"), "lun is required if targetWWNs is specified"))
		} else if *fc.Lun < 0 || *fc.Lun > 255 {
			allErrs = append(allErrs, field.Invalid(fldPath.Child("lun"), fc.Lun, validation.InclusiveRangeError(0, 255)))
		}
	}
	return allErrs
}

func validateGlusterfsVolumeSource(g *corev1.GlusterfsVolumeSource, fldPath *field.Path) field.ErrorList {
	allErrs := requireString(g.EndpointsName, fldPath.Child("endpoints"))
	return append(allErrs, requireString(g.Path, fldPath.Child("path"))...)
}

func validateGlusterfsPersistentVolumeSource(g *corev1.GlusterfsPersistentVolumeSource, fldPath *field.Path) field.ErrorList {
	allErrs := requireString(g.EndpointsName, fldPath.Child("endpoints"))
	allErrs = append(allErrs, requireString(g.Path, fldPath.Child("path"))...)
	if ns := g.EndpointsNamespace; ns != nil {
		if *ns == "" {
			allErrs = append(allErrs, field.Invalid(fldPath.Child("endpointsNamespace"), *ns, "if the endpointnamespace is set, it must be a valid namespace name"))
		} else {
			allErrs = append(allErrs, validateName(nameIsDNSLabel, *ns, fldPath.Child("endpointsNamespace"))...)
		}
	}
	return allErrs
}

func validateFlockerVolumeSource(f *corev1.FlockerVolumeSource, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if len(f.DatasetName) == 0 && len(f.DatasetUUID) == 0 {
		allErrs = append(allErrs, field.Required(fldPath, "one of datasetName and datasetUUID is required"))
	}
	if len(f.DatasetName) != 0 && len(f.DatasetUUID) != 0 {
		allErrs = append(allErrs, field.Invalid(fldPath, "resource", "datasetName and datasetUUID can not be specified simultaneously"))
	}
	if strings.Contains(f.DatasetName, "/") {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("datasetName"), f.DatasetName, "must not contain '/'"))
	}
	return allErrs
}

func validateRBD(monitors []string, image string, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if len(monitors) == 0 {
		allErrs = append(allErrs, field.Required(fldPath.Child("monitors"), ""))
	}
	return append(allErrs, requireString(image, fldPath.Child("image"))...)
}

func validateCinderVolumeSource(c *corev1.CinderVolumeSource, fldPath *field.Path) field.ErrorList {
	allErrs := requireString(c.VolumeID, fldPath.Child("volumeID"))
	if c.SecretRef != nil {
		allErrs = append(allErrs, requireString(c.SecretRef.Name, fldPath.Child("secretRef", "name"))...)
	}
	return allErrs
}

func validateCinderPersistentVolumeSource(c *corev1.CinderPersistentVolumeSource, fldPath *field.Path) field.ErrorList {
	allErrs := requireString(c.VolumeID, fldPath.Child("volumeID"))
	if c.SecretRef != nil {
		allErrs = append(allErrs, requireString(c.SecretRef.Name, fldPath.Child("secretRef", "name"))...)
		allErrs = append(allErrs, requireString(c.SecretRef.Namespace, fldPath.Child("secretRef", "namespace"))...)
	}
	return allErrs
}

func validateCephFSMonitors(monitors []string, fldPath *field.Path) field.ErrorList {
	if len(monitors) == 0 {
		return field.ErrorList{field.Required(fldPath.Child("monitors"), "")}
	}
	return nil
}

func validateQuobyteVolumeSource(q *corev1.QuobyteVolumeSource, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	const registryMsg = "must be a host:port pair or multiple pairs separated by commas"
	switch {
	case len(q.Registry) == 0:
		allErrs = append(allErrs, field.Required(fldPath.Child("registry"), registryMsg))
	case len(q.Tenant) >= 65:
		allErrs = append(allErrs, field.Required(fldPath.Child("tenant"), "must be a UUID and may not exceed a length of 64 characters"))
	default:
		for _, hostPort := range strings.Split(q.Registry, ",") {
			if _, _, err := net.SplitHostPort(hostPort); err != nil {
				allErrs = append(allErrs, field.Invalid(fldPath.Child("registry"), q.Registry, registryMsg))
			}
		}
	}
	return append(allErrs, requireString(q.Volume, fldPath.Child("volume"))...)
}

func validateFlexVolume(driver string, options map[string]string, fldPath *field.Path) field.ErrorList {
	allErrs := requireString(driver, fldPath.Child("driver"))
	for k := range options {
		namespace := k
		if parts := strings.SplitN(k, "/", 2); len(parts) == 2 {
			namespace = parts[0]
		}
		normalized := "." + strings.ToLower(namespace)
		if strings.HasSuffix(normalized, ".kubernetes.io") || strings.HasSuffix(normalized, ".k8s.io") {
			allErrs = append(allErrs, field.Invalid(fldPath.Child("options").Key(k), k, "kubernetes.io and k8s.io namespaces are reserved"))
		}
	}
	return allErrs
}

func validateAzureFile(secretName, shareName string, fldPath *field.Path) field.ErrorList {
	allErrs := requireString(secretName, fldPath.Child("secretName"))
	return append(allErrs, requireString(shareName, fldPath.Child("shareName"))...)
}

func validateAzureFilePV(a *corev1.AzureFilePersistentVolumeSource, fldPath *field.Path) field.ErrorList {
	allErrs := validateAzureFile(a.SecretName, a.ShareName, fldPath)
	if a.SecretNamespace != nil && len(*a.SecretNamespace) == 0 {
		allErrs = append(allErrs, field.Required(fldPath.Child("secretNamespace"), ""))
	}
	return allErrs
}

var (
	supportedAzureCachingModes = sets.New(corev1.AzureDataDiskCachingNone, corev1.AzureDataDiskCachingReadOnly, corev1.AzureDataDiskCachingReadWrite)
	supportedAzureDiskKinds    = sets.New(corev1.AzureSharedBlobDisk, corev1.AzureDedicatedBlobDisk, corev1.AzureManagedDisk)
)

func validateAzureDisk(a *corev1.AzureDiskVolumeSource, fldPath *field.Path) field.ErrorList {
	allErrs := requireString(a.DiskName, fldPath.Child("diskName"))
	allErrs = append(allErrs, requireString(a.DataDiskURI, fldPath.Child("diskURI"))...)
	if a.CachingMode != nil && !supportedAzureCachingModes.Has(*a.CachingMode) {
		allErrs = append(allErrs, field.NotSupported(fldPath.Child("cachingMode"), *a.CachingMode, sets.List(supportedAzureCachingModes)))
	}
	if a.Kind != nil && !supportedAzureDiskKinds.Has(*a.Kind) {
		allErrs = append(allErrs, field.NotSupported(fldPath.Child("kind"), *a.Kind, sets.List(supportedAzureDiskKinds)))
	}
	if a.Kind != nil && *a.Kind == corev1.AzureManagedDisk && !strings.HasPrefix(a.DataDiskURI, "/subscriptions/") {
		allErrs = append(allErrs, field.NotSupported(fldPath.Child("diskURI"), a.DataDiskURI,
			[]string{"/subscriptions/{sub-id}/resourcegroups/{group-name}/providers/microsoft.compute/disks/{disk-id}"}))
	}
	if a.Kind != nil && *a.Kind != corev1.AzureManagedDisk && !strings.HasPrefix(a.DataDiskURI, "https://") {
		allErrs = append(allErrs, field.NotSupported(fldPath.Child("diskURI"), a.DataDiskURI,
			[]string{"https://{account-name}.blob.core.windows.net/{container-name}/{disk-name}.vhd"}))
	}
	return allErrs
}

func validateStorageOSNames(volumeName, volumeNamespace string, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if len(volumeName) == 0 {
		allErrs = append(allErrs, field.Required(fldPath.Child("volumeName"), ""))
	} else {
		allErrs = append(allErrs, validateDNS1123Label(volumeName, fldPath.Child("volumeName"))...)
	}
	if len(volumeNamespace) > 0 {
		allErrs = append(allErrs, validateDNS1123Label(volumeNamespace, fldPath.Child("volumeNamespace"))...)
	}
	return allErrs
}

func validateStorageOSVolumeSource(s *corev1.StorageOSVolumeSource, fldPath *field.Path) field.ErrorList {
	allErrs := validateStorageOSNames(s.VolumeName, s.VolumeNamespace, fldPath)
	if s.SecretRef != nil {
		allErrs = append(allErrs, requireString(s.SecretRef.Name, fldPath.Child("secretRef", "name"))...)
	}
	return allErrs
}

func validateStorageOSPersistentVolumeSource(s *corev1.StorageOSPersistentVolumeSource, fldPath *field.Path) field.ErrorList {
	allErrs := validateStorageOSNames(s.VolumeName, s.VolumeNamespace, fldPath)
	if s.SecretRef != nil {
		allErrs = append(allErrs, requireString(s.SecretRef.Name, fldPath.Child("secretRef", "name"))...)
		allErrs = append(allErrs, requireString(s.SecretRef.Namespace, fldPath.Child("secretRef", "namespace"))...)
	}
	return allErrs
}

func validateScaleIO(gateway, system, volumeName string, fldPath *field.Path) field.ErrorList {
	allErrs := requireString(gateway, fldPath.Child("gateway"))
	allErrs = append(allErrs, requireString(system, fldPath.Child("system"))...)
	return append(allErrs, requireString(volumeName, fldPath.Child("volumeName"))...)
}

func validateLocalVolumeSource(l *corev1.LocalVolumeSource, fldPath *field.Path) field.ErrorList {
	if l.Path == "" {
		return field.ErrorList{field.Required(fldPath.Child("path"), "")}
	}
	return validatePathNoBacksteps(l.Path, fldPath.Child("path"))
}

// validatePVSecretReference: a secret named by a persistent volume needs
// a name and a namespace.
func validatePVSecretReference(ref *corev1.SecretReference, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if len(ref.Name) == 0 {
		allErrs = append(allErrs, field.Required(fldPath.Child("name"), ""))
	} else {
		allErrs = append(allErrs, validateDNS1123Subdomain(ref.Name, fldPath.Child("name"))...)
	}
	if len(ref.Namespace) == 0 {
		allErrs = append(allErrs, field.Required(fldPath.Child("namespace"), ""))
	} else {
		allErrs = append(allErrs, validateDNS1123Label(ref.Namespace, fldPath.Child("namespace"))...)
	}
	return allErrs
}

func validateCSIPersistentVolumeSource(csi *corev1.CSIPersistentVolumeSource, fldPath *field.Path) field.ErrorList {
	allErrs := validateCSIDriverName(csi.Driver, fldPath.Child("driver"))
	allErrs = append(allErrs, requireString(csi.VolumeHandle, fldPath.Child("volumeHandle"))...)
	refs := []struct {
		ref  *corev1.SecretReference
		name string
	}{
		{csi.ControllerPublishSecretRef, "controllerPublishSecretRef"},
		{csi.ControllerExpandSecretRef, "controllerExpandSecretRef"},
		{csi.NodePublishSecretRef, "nodePublishSecretRef"},
		{csi.NodeExpandSecretRef, "nodeExpandSecretRef"},
	}
	for _, r := range refs {
		if r.ref != nil {
			allErrs = append(allErrs, validatePVSecretReference(r.ref, fldPath.Child(r.name))...)
		}
	}
	return allErrs
}
