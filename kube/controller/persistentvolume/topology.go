package persistentvolume

import (
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// newVolume is the volume Provisioner makes for a claim: the claim's size,
// access modes and volume mode, the class's reclaim policy and mount
// options, pre-bound to the claim. On a node (WaitForFirstConsumer) it is
// a local volume of that node, reachable only from there; otherwise it is
// reachable from the class's allowed topologies, or from anywhere.
func newVolume(pvc *corev1.PersistentVolumeClaim, class *storagev1.StorageClass, node *corev1.Node) (*corev1.PersistentVolume, error) {
	size, ok := pvc.Spec.Resources.Requests[corev1.ResourceStorage]
	if !ok {
		return nil, fmt.Errorf("claim %s/%s requests no storage", pvc.Namespace, pvc.Name)
	}
	if pvc.Spec.Selector != nil {
		return nil, fmt.Errorf("claim Selector is not supported")
	}
	name := provisionedName(pvc)
	pv := &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: name, Annotations: map[string]string{AnnDynamicallyProvisioned: Provisioner}},
		Spec: corev1.PersistentVolumeSpec{
			Capacity:                      corev1.ResourceList{corev1.ResourceStorage: size},
			AccessModes:                   pvc.Spec.AccessModes,
			ClaimRef:                      claimRef(pvc),
			PersistentVolumeReclaimPolicy: ptr.Deref(class.ReclaimPolicy, corev1.PersistentVolumeReclaimDelete),
			StorageClassName:              class.Name,
			MountOptions:                  class.MountOptions,
			VolumeMode:                    pvc.Spec.VolumeMode,
			PersistentVolumeSource: corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{
				Path: hostPathRoot + name, Type: ptr.To(corev1.HostPathDirectoryOrCreate)}},
		},
	}
	switch {
	case node != nil:
		if !matchTopology(class.AllowedTopologies, node.Labels) {
			return nil, fmt.Errorf("node %q does not match the allowed topologies of the class", node.Name)
		}
		host := node.Labels[corev1.LabelHostname]
		if host == "" {
			host = node.Name
		}
		pv.Spec.NodeAffinity = &corev1.VolumeNodeAffinity{Required: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
			MatchExpressions: []corev1.NodeSelectorRequirement{{Key: corev1.LabelHostname, Operator: corev1.NodeSelectorOpIn, Values: []string{host}}},
		}}}}
	case len(class.AllowedTopologies) > 0:
		var terms []corev1.NodeSelectorTerm
		for _, t := range class.AllowedTopologies {
			var reqs []corev1.NodeSelectorRequirement
			for _, e := range t.MatchLabelExpressions {
				reqs = append(reqs, corev1.NodeSelectorRequirement{Key: e.Key, Operator: corev1.NodeSelectorOpIn, Values: e.Values})
			}
			terms = append(terms, corev1.NodeSelectorTerm{MatchExpressions: reqs})
		}
		pv.Spec.NodeAffinity = &corev1.VolumeNodeAffinity{Required: &corev1.NodeSelector{NodeSelectorTerms: terms}}
	}
	return pv, nil
}

// matchTopology is MatchTopologySelectorTerms: no terms allow every node;
// terms are ORed, their expressions ANDed.
func matchTopology(terms []corev1.TopologySelectorTerm, nodeLabels map[string]string) bool {
	if len(terms) == 0 {
		return true
	}
	for _, t := range terms {
		ok := true
		for _, e := range t.MatchLabelExpressions {
			if v, has := nodeLabels[e.Key]; !has || !slices.Contains(e.Values, v) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}
