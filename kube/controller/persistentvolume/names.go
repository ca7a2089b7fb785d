package persistentvolume

import "github.com/kubesim/kubesim/kube/volumeutil"

// Controller names, as kube-controller-manager's --controllers flag has
// them.
const (
	Name              = "persistentvolume-binder"
	ExpanderName      = "persistentvolume-expander"
	PVCProtectionName = "pvc-protection"
	PVProtectionName  = "pv-protection"
)

// Provisioner is the provisioner name of kubesim's simulated storage: a
// StorageClass naming it gets volumes provisioned, resized and deleted.
const Provisioner = "kubesim.io/simulated"

// Annotations and finalizers, as upstream's storage helpers name them.
const (
	AnnBindCompleted          = "pv.kubernetes.io/bind-completed"
	AnnBoundByController      = "pv.kubernetes.io/bound-by-controller"
	AnnDynamicallyProvisioned = "pv.kubernetes.io/provisioned-by"
	AnnStorageProvisioner     = "volume.kubernetes.io/storage-provisioner"
	AnnBetaStorageProvisioner = "volume.beta.kubernetes.io/storage-provisioner"
	AnnSelectedNode           = "volume.kubernetes.io/selected-node"
	AnnStorageResizer         = "volume.kubernetes.io/storage-resizer"
	AnnDefaultClass           = volumeutil.AnnDefaultClass
	AnnBetaDefaultClass       = volumeutil.AnnBetaDefaultClass

	PVCProtectionFinalizer = "kubernetes.io/pvc-protection"
	PVProtectionFinalizer  = "kubernetes.io/pv-protection"
)

// Event reasons (pkg/controller/volume/events and the external
// provisioner and resizer libraries).
const (
	reasonFailedBinding         = "FailedBinding"
	reasonVolumeMismatch        = "VolumeMismatch"
	reasonFailedRecycle         = "VolumeFailedRecycle"
	reasonFailedDelete          = "VolumeFailedDelete"
	reasonUnknownReclaimPolicy  = "VolumeUnknownReclaimPolicy"
	reasonExternalProvisioning  = "ExternalProvisioning"
	reasonProvisioning          = "Provisioning"
	reasonProvisioningFailed    = "ProvisioningFailed"
	reasonProvisioningSucceeded = "ProvisioningSucceeded"
	reasonWaitForFirstConsumer  = "WaitForFirstConsumer"
	reasonWaitForPodScheduled   = "WaitForPodScheduled"
	reasonClaimLost             = "ClaimLost"
	reasonClaimMisbound         = "ClaimMisbound"
	reasonExternalExpanding     = "ExternalExpanding"
	reasonResizing              = "Resizing"
	reasonResizeSuccess         = "VolumeResizeSuccessful"
)

// Store resource names.
const (
	claimsResource  = "persistentvolumeclaims"
	volumesResource = "persistentvolumes"
	classesResource = "storageclasses.storage.k8s.io"
	podsResource    = "pods"
	nodesResource   = "nodes"
)

// eventComponent is the source of the binder's events upstream.
const eventComponent = "persistentvolume-controller"
