package framework

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
)

// VolumeBindings are the decisions the VolumeBinding plugin takes for a pod
// on its chosen node, which the scheduler writes before it binds the pod
// (upstream FindPodVolumes and AssumePodVolumes, then BindPodVolumes at
// PreBind).
type VolumeBindings struct {
	// Static pairs unbound WaitForFirstConsumer claims with the available
	// volumes chosen for them on the node.
	Static []StaticBinding
	// Provision are WaitForFirstConsumer claims to provision on the node:
	// they get the volume.kubernetes.io/selected-node annotation.
	Provision []*corev1.PersistentVolumeClaim
}

// StaticBinding is a claim and the volume it is to be bound to.
type StaticBinding struct {
	PV  *corev1.PersistentVolume
	PVC *corev1.PersistentVolumeClaim
}

// Empty reports whether there is nothing to write.
func (b *VolumeBindings) Empty() bool { return len(b.Static) == 0 && len(b.Provision) == 0 }

// FindVolumeBindings decides, for each unbound WaitForFirstConsumer claim
// of the pod, between the smallest matching available volume reachable
// from the node and provisioning on the node, as the Filter did when it
// passed the node. Claims already bound, or already being provisioned on
// this node, need nothing.
func (s *Scheduler) FindVolumeBindings(pod *corev1.Pod, node *corev1.Node) (*VolumeBindings, error) {
	l := &s.opts.Listers
	out := &VolumeBindings{}
	names, ephemeral := podClaimNames(pod)
	var available map[string][]*corev1.PersistentVolume
	chosen := map[string]bool{}
	for i, name := range names {
		pvc, st := claimStatus(l, pod, name, ephemeral[i])
		if st != nil {
			return nil, st.AsError()
		}
		if claimFullyBound(pvc) || pvc.Spec.VolumeName != "" {
			continue
		}
		delay, err := isDelayBinding(l, pvc)
		if err != nil || !delay {
			return nil, fmt.Errorf("claim %q is not a WaitForFirstConsumer claim waiting for a node", name)
		}
		if sel, ok := pvc.Annotations[annSelectedNode]; ok {
			if sel != node.Name {
				return nil, fmt.Errorf("claim %q is being provisioned on node %q", name, sel)
			}
			continue
		}
		if available == nil {
			available = availableVolumes(l)
		}
		if pv := matchingVolume(pvc, available[claimClass(pvc)], node, chosen); pv != nil {
			chosen[pv.Name] = true
			out.Static = append(out.Static, StaticBinding{PV: pv, PVC: pvc})
			continue
		}
		ok, err := canProvision(&cycleState{listers: l}, pvc, node)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("%s", reasonVolumeBindConflict)
		}
		out.Provision = append(out.Provision, pvc)
	}
	return out, nil
}

// availableVolumes are the unbound volumes by class, as PreFilter lists
// them.
func availableVolumes(l *Listers) map[string][]*corev1.PersistentVolume {
	out := map[string][]*corev1.PersistentVolume{}
	if l.PersistentVolumes == nil {
		return out
	}
	for _, pv := range l.PersistentVolumes() {
		if pv.Spec.ClaimRef == nil && pv.Status.Phase != corev1.VolumeReleased && pv.Status.Phase != corev1.VolumeFailed {
			out[pv.Spec.StorageClassName] = append(out[pv.Spec.StorageClassName], pv)
		}
	}
	return out
}
