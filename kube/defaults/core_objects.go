package defaults

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
)

// defaultNamespace is SetDefaults_Namespace and SetDefaults_NamespaceStatus.
// A namespace created with generateName has no name yet; the registry adds
// the label once the name is generated.
func defaultNamespace(ns *corev1.Namespace) {
	if ns.Name != "" {
		if ns.Labels == nil {
			ns.Labels = map[string]string{}
		}
		ns.Labels[corev1.LabelMetadataName] = ns.Name
	}
	if ns.Status.Phase == "" {
		ns.Status.Phase = corev1.NamespaceActive
	}
}

// defaultNode is SetDefaults_NodeStatus, then resource rounding: a node
// that reports only its capacity can allocate all of it.
func defaultNode(node *corev1.Node) {
	st := &node.Status
	if st.Allocatable == nil && st.Capacity != nil {
		// Upstream aliases the two maps; a copy has the same content.
		st.Allocatable = st.Capacity.DeepCopy()
	}
	roundResourceList(st.Capacity)
	roundResourceList(st.Allocatable)
}

// defaultPersistentVolume is SetDefaults_PersistentVolume and the defaults
// of the volume's source.
func defaultPersistentVolume(pv *corev1.PersistentVolume) {
	if pv.Status.Phase == "" {
		pv.Status.Phase = corev1.VolumePending
	}
	if pv.Spec.PersistentVolumeReclaimPolicy == "" {
		pv.Spec.PersistentVolumeReclaimPolicy = corev1.PersistentVolumeReclaimRetain
	}
	if pv.Spec.VolumeMode == nil {
		pv.Spec.VolumeMode = ptr.To(corev1.PersistentVolumeFilesystem)
	}
	roundResourceList(pv.Spec.Capacity)
	defaultPersistentVolumeSource(&pv.Spec.PersistentVolumeSource)
}

// defaultPersistentVolumeClaim is SetDefaults_PersistentVolumeClaim and the
// claim's spec and status. It also runs on a StatefulSet's
// volumeClaimTemplates, which is why those show phase Pending.
func defaultPersistentVolumeClaim(pvc *corev1.PersistentVolumeClaim) {
	if pvc.Status.Phase == "" {
		pvc.Status.Phase = corev1.ClaimPending
	}
	defaultPVCSpec(&pvc.Spec)
	roundResourceList(pvc.Status.Capacity)
	roundResourceList(pvc.Status.AllocatedResources)
}

// defaultPVCSpec is SetDefaults_PersistentVolumeClaimSpec with resource
// rounding; generic ephemeral volumes get it too.
func defaultPVCSpec(spec *corev1.PersistentVolumeClaimSpec) {
	if spec.VolumeMode == nil {
		spec.VolumeMode = ptr.To(corev1.PersistentVolumeFilesystem)
	}
	roundVolumeResourceRequirements(&spec.Resources)
}

// defaultSecret is SetDefaults_Secret, and the conversion of a v1 Secret
// to the API server's internal version, which kubesim does not have:
// stringData is written into data, its values overwriting data's, and is
// gone, so that reads, admission, the field manager and the store see only
// data. Upstream converts where kubesim defaults, on the decoding of every
// request body and of every patched object.
func defaultSecret(s *corev1.Secret) {
	if s.Type == "" {
		s.Type = corev1.SecretTypeOpaque
	}
	if len(s.StringData) > 0 && s.Data == nil {
		s.Data = make(map[string][]byte, len(s.StringData))
	}
	for k, v := range s.StringData {
		s.Data[k] = []byte(v)
	}
	s.StringData = nil
}

// defaultConfigMap is SetDefaults_ConfigMap. The empty map is invisible in
// JSON (data is omitempty) but present on the typed object.
func defaultConfigMap(cm *corev1.ConfigMap) {
	if cm.Data == nil {
		cm.Data = map[string]string{}
	}
}

// defaultLimitRange runs SetDefaults_LimitRangeItem and rounding on each
// item.
func defaultLimitRange(lr *corev1.LimitRange) {
	for i := range lr.Spec.Limits {
		item := &lr.Spec.Limits[i]
		defaultLimitRangeItem(item)
		for _, rl := range []corev1.ResourceList{item.Max, item.Min, item.Default, item.DefaultRequest, item.MaxLimitRequestRatio} {
			roundResourceList(rl)
		}
	}
}

// defaultLimitRangeItem fills a Container item's default limit from its
// max, and its default request from the default limit, else from its min.
func defaultLimitRangeItem(item *corev1.LimitRangeItem) {
	if item.Type != corev1.LimitTypeContainer {
		return
	}
	if item.Default == nil {
		item.Default = corev1.ResourceList{}
	}
	if item.DefaultRequest == nil {
		item.DefaultRequest = corev1.ResourceList{}
	}
	copyMissing(item.Default, item.Max)
	copyMissing(item.DefaultRequest, item.Default)
	copyMissing(item.DefaultRequest, item.Min)
}

// copyMissing copies into dst each quantity of src that dst lacks.
func copyMissing(dst, src corev1.ResourceList) {
	for name, q := range src {
		if _, ok := dst[name]; !ok {
			dst[name] = q.DeepCopy()
		}
	}
}

func defaultResourceQuota(rq *corev1.ResourceQuota) {
	roundResourceList(rq.Spec.Hard)
	roundResourceList(rq.Status.Hard)
	roundResourceList(rq.Status.Used)
}
