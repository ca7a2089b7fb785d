package framework

import (
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/component-helpers/scheduling/corev1/nodeaffinity"

	"github.com/kubesim/kubesim/kube/volumeutil"
)

// VolumeBinding, simplified from upstream plugins/volumebinding: claims
// must exist and not be lost or deleting; unbound claims with Immediate
// binding keep the pod away from every node; a bound volume's node
// affinity must match; an unbound WaitForFirstConsumer claim needs a
// matching available volume or a storage class that can provision on the
// node. CSI storage capacity, volume limits and the binding itself (PreBind)
// are not modelled.

const (
	reasonUnboundImmediate   = "pod has unbound immediate PersistentVolumeClaims"
	reasonVolumeNodeConflict = "node(s) had volume node affinity conflict"
	reasonVolumeBindConflict = "node(s) didn't find available persistent volumes to bind"
	reasonPVNotExist         = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)"

	annBindCompleted        = "pv.kubernetes.io/bind-completed"
	annSelectedNode         = "volume.kubernetes.io/selected-node"
	annBetaStorageClass     = "volume.beta.kubernetes.io/storage-class"
	notSupportedProvisioner = "kubernetes.io/no-provisioner"
)

// volumeState is what PreFilter learned about the pod's claims.
type volumeState struct {
	// boundPVs are the volumes of fully bound claims; nil where the volume
	// does not exist.
	boundPVs []*corev1.PersistentVolume
	// delayed are unbound claims of WaitForFirstConsumer classes.
	delayed []*corev1.PersistentVolumeClaim
	// available are unbound volumes by storage class, for delayed claims.
	available map[string][]*corev1.PersistentVolume
}

// podClaimNames lists the claims the pod's volumes use, marking the ones
// of generic ephemeral volumes.
func podClaimNames(pod *corev1.Pod) (names []string, ephemeral []bool) {
	for _, v := range pod.Spec.Volumes {
		switch {
		case v.PersistentVolumeClaim != nil:
			names = append(names, v.PersistentVolumeClaim.ClaimName)
			ephemeral = append(ephemeral, false)
		case v.Ephemeral != nil:
			names = append(names, pod.Name+"-"+v.Name)
			ephemeral = append(ephemeral, true)
		}
	}
	return names, ephemeral
}

func claimClass(pvc *corev1.PersistentVolumeClaim) string {
	if c, ok := pvc.Annotations[annBetaStorageClass]; ok {
		return c
	}
	if pvc.Spec.StorageClassName != nil {
		return *pvc.Spec.StorageClassName
	}
	return ""
}

// claimFullyBound accepts either the bind-completed annotation the PV
// controller sets or a Bound phase, so that stores without a PV controller
// still work.
func claimFullyBound(pvc *corev1.PersistentVolumeClaim) bool {
	if pvc.Spec.VolumeName == "" {
		return false
	}
	_, ok := pvc.Annotations[annBindCompleted]
	return ok || pvc.Status.Phase == corev1.ClaimBound
}

// claimStatus checks one claim of the pod as upstream podHasPVCs does.
func claimStatus(l *Listers, pod *corev1.Pod, name string, ephemeral bool) (*corev1.PersistentVolumeClaim, *Status) {
	pvc := l.pvc(pod.Namespace, name)
	if pvc == nil {
		if ephemeral {
			return nil, NewStatus(UnschedulableAndUnresolvable, fmt.Sprintf("waiting for ephemeral volume controller to create the persistentvolumeclaim %q", name))
		}
		return nil, NewStatus(UnschedulableAndUnresolvable, fmt.Sprintf("persistentvolumeclaim %q not found", name))
	}
	if pvc.Status.Phase == corev1.ClaimLost {
		return nil, NewStatus(UnschedulableAndUnresolvable, fmt.Sprintf("persistentvolumeclaim %q bound to non-existent persistentvolume %q", pvc.Name, pvc.Spec.VolumeName))
	}
	if pvc.DeletionTimestamp != nil {
		return nil, NewStatus(UnschedulableAndUnresolvable, fmt.Sprintf("persistentvolumeclaim %q is being deleted", pvc.Name))
	}
	if ephemeral && !metav1.IsControlledBy(pvc, pod) {
		return nil, NewStatus(UnschedulableAndUnresolvable, fmt.Sprintf("PVC %s/%s was not created for pod %s/%s (pod is not owner)", pvc.Namespace, pvc.Name, pod.Namespace, pod.Name))
	}
	return pvc, nil
}

// isDelayBinding reports whether the claim's class binds on first consumer.
func isDelayBinding(l *Listers, pvc *corev1.PersistentVolumeClaim) (bool, error) {
	name := claimClass(pvc)
	if name == "" {
		return false, nil
	}
	class := l.storageClass(name)
	if class == nil {
		return false, nil
	}
	if class.VolumeBindingMode == nil {
		return false, fmt.Errorf("VolumeBindingMode not set for StorageClass %q", name)
	}
	return *class.VolumeBindingMode == storagev1.VolumeBindingWaitForFirstConsumer, nil
}

func preFilterVolumeBinding(s *Scheduler, _ *Snapshot, cs *cycleState) (sets.Set[string], *Status) {
	l := &s.opts.Listers
	pod := cs.pod.Pod
	names, ephemeral := podClaimNames(pod)
	if len(names) == 0 {
		return nil, NewStatus(Skip)
	}
	vs := &volumeState{}
	immediate := 0
	for i, name := range names {
		pvc, st := claimStatus(l, pod, name, ephemeral[i])
		if st != nil {
			return nil, st
		}
		if claimFullyBound(pvc) {
			vs.boundPVs = append(vs.boundPVs, l.pv(pvc.Spec.VolumeName))
			continue
		}
		delay, err := isDelayBinding(l, pvc)
		if err != nil {
			return nil, asStatus(err)
		}
		if delay && pvc.Spec.VolumeName == "" {
			vs.delayed = append(vs.delayed, pvc)
		} else {
			immediate++
		}
	}
	if immediate > 0 {
		return nil, NewStatus(UnschedulableAndUnresolvable, reasonUnboundImmediate)
	}
	if len(vs.delayed) > 0 && l.PersistentVolumes != nil {
		vs.available = availableVolumes(l)
	}
	cs.volumes = vs
	return nil, nil
}

// pvNodeAffinityMatches is upstream volume.CheckNodeAffinity.
func pvNodeAffinityMatches(pv *corev1.PersistentVolume, node *corev1.Node) bool {
	if pv.Spec.NodeAffinity == nil || pv.Spec.NodeAffinity.Required == nil {
		return true
	}
	ok, _ := nodeaffinity.NewLazyErrorNodeSelector(pv.Spec.NodeAffinity.Required).Match(node)
	return ok
}

func filterVolumeBinding(cs *cycleState, ni *NodeInfo) *Status {
	vs := cs.volumes
	var reasons []string
	for _, pv := range vs.boundPVs {
		if pv == nil {
			reasons = append(reasons, reasonPVNotExist)
			break
		}
		if !pvNodeAffinityMatches(pv, ni.node) {
			reasons = append(reasons, reasonVolumeNodeConflict)
			break
		}
	}
	if len(vs.delayed) > 0 {
		ok, err := delayedClaimsSatisfiable(cs, ni.node)
		if err != nil {
			return asStatus(err)
		}
		if !ok {
			reasons = append(reasons, reasonVolumeBindConflict)
		}
	}
	if len(reasons) == 0 {
		return nil
	}
	return newPluginStatus(PluginVolumeBinding, UnschedulableAndUnresolvable, reasons...)
}

// delayedClaimsSatisfiable checks that every unbound WaitForFirstConsumer
// claim either matches a distinct available volume reachable from the
// node, or can be provisioned there (upstream findMatchingVolumes and
// checkVolumeProvisions, without storage capacity).
func delayedClaimsSatisfiable(cs *cycleState, node *corev1.Node) (bool, error) {
	vs := cs.volumes
	chosen := map[string]bool{}
	for _, pvc := range vs.delayed {
		if sel, ok := pvc.Annotations[annSelectedNode]; ok {
			if sel != node.Name {
				return false, nil
			}
		} else if pv := matchingVolume(pvc, vs.available[claimClass(pvc)], node, chosen); pv != nil {
			chosen[pv.Name] = true
			continue
		}
		ok, err := canProvision(cs, pvc, node)
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

// matchingVolume returns the available volume that serves the claim best
// (volumeutil.Better) among those that fit it, match its selector and can
// reach the node, as the binder would choose.
func matchingVolume(pvc *corev1.PersistentVolumeClaim, pvs []*corev1.PersistentVolume, node *corev1.Node, chosen map[string]bool) *corev1.PersistentVolume {
	selector, err := volumeutil.Selector(pvc)
	if err != nil {
		return nil
	}
	var best *corev1.PersistentVolume
	for _, pv := range pvs {
		if chosen[pv.Name] || !pvNodeAffinityMatches(pv, node) || !volumeutil.Fits(pv, pvc) {
			continue
		}
		if selector != nil && !selector.Matches(labels.Set(pv.Labels)) {
			continue
		}
		if volumeutil.Better(pv, best) {
			best = pv
		}
	}
	return best
}

// canProvision checks the claim's class provisions dynamically and allows
// the node's topology.
func canProvision(cs *cycleState, pvc *corev1.PersistentVolumeClaim, node *corev1.Node) (bool, error) {
	name := claimClass(pvc)
	if name == "" {
		return false, fmt.Errorf("no class for claim %q", pvc.Namespace+"/"+pvc.Name)
	}
	class := cs.listers.storageClass(name)
	if class == nil {
		return false, fmt.Errorf("failed to find storage class %q", name)
	}
	if class.Provisioner == "" || class.Provisioner == notSupportedProvisioner {
		return false, nil
	}
	return matchTopologySelectorTerms(class.AllowedTopologies, node.Labels), nil
}

// matchTopologySelectorTerms is upstream v1helper.MatchTopologySelectorTerms:
// no terms match everything; terms are ORed, requirements ANDed.
func matchTopologySelectorTerms(terms []corev1.TopologySelectorTerm, nodeLabels map[string]string) bool {
	if len(terms) == 0 {
		return true
	}
	for _, t := range terms {
		ok := true
		for _, r := range t.MatchLabelExpressions {
			v, has := nodeLabels[r.Key]
			if len(r.Values) == 0 || !has || !slices.Contains(r.Values, v) {
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
