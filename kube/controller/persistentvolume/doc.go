// Package persistentvolume is kubesim's storage: the controllers of
// kube-controller-manager that bind, provision, expand and protect
// PersistentVolumes and PersistentVolumeClaims
// (pkg/controller/volume/persistentvolume, expand, pvcprotection and
// pvprotection upstream), and a simulated external provisioner that plays
// the part of a CSI driver's external-provisioner and external-resizer.
//
// Start with Add and binder.go: the "persistentvolume-binder" controller
// syncs claims (claim.go) and volumes (volume.go) the way upstream's
// syncClaim and syncVolume do, matching claims to volumes (match.go) and
// binding both sides with upstream's annotations (bind.go). Claims of a
// StorageClass whose provisioner is Provisioner get a volume from
// provisioner.go; released volumes of that provisioner with reclaim
// policy Delete are deleted there too. expand.go grows bound volumes when
// their claim asks for more; protection.go holds the pvc-protection and
// pv-protection controllers; ephemeral.go the ephemeral-volume controller
// that makes the claims of generic ephemeral volumes; class.go the default
// StorageClass "standard" that a cluster with controllers starts with.
//
// The scheduler's half of binding (picking a volume or asking for one on
// the chosen node, then holding the pod until its claims are bound) is in
// kube/scheduler (volumes.go); the admission plugins DefaultStorageClass,
// StorageObjectInUseProtection and PersistentVolumeClaimResize are in
// kube/admission (storage.go).
//
// Left out: periodic resync (events queue the claims a volume or class may
// serve instead), the retroactive assignment of a default class to
// existing claims, recyclers, volume attach/detach, CSI storage capacity,
// and node-side file system expansion (the simulated driver needs none).
package persistentvolume
