package framework

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/util/sets"
)

// VolumeZone keeps pods off nodes outside the zones and regions of their
// bound volumes (upstream plugins/volumezone).

var statusVolumeZone = newPluginStatus(PluginVolumeZone, UnschedulableAndUnresolvable, "node(s) had no available volume zone")

// volumeTopologyLabels are the labels VolumeZone compares, beta first.
var volumeTopologyLabels = [...]string{
	corev1.LabelFailureDomainBetaZone,
	corev1.LabelFailureDomainBetaRegion,
	corev1.LabelTopologyZone,
	corev1.LabelTopologyRegion,
}

// gaTopologyLabel maps a beta label to its GA name.
func gaTopologyLabel(key string) string {
	switch key {
	case corev1.LabelFailureDomainBetaZone:
		return corev1.LabelTopologyZone
	case corev1.LabelFailureDomainBetaRegion:
		return corev1.LabelTopologyRegion
	}
	return key
}

type pvTopology struct {
	key    string
	values sets.Set[string]
}

func preFilterVolumeZone(s *Scheduler, _ *Snapshot, cs *cycleState) (sets.Set[string], *Status) {
	topologies, st := volumeTopologies(&s.opts.Listers, cs.pod.Pod)
	if st != nil {
		return nil, st
	}
	if len(topologies) == 0 {
		return nil, NewStatus(Skip)
	}
	cs.volumeZones = topologies
	return nil, nil
}

// volumeTopologies is upstream getPVbyPod: the zone and region labels of
// the volumes bound to the pod's claims (values may list several zones
// joined by "__").
func volumeTopologies(l *Listers, pod *corev1.Pod) ([]pvTopology, *Status) {
	var out []pvTopology
	for _, v := range pod.Spec.Volumes {
		if v.PersistentVolumeClaim == nil {
			continue
		}
		name := v.PersistentVolumeClaim.ClaimName
		if name == "" {
			return nil, NewStatus(UnschedulableAndUnresolvable, "PersistentVolumeClaim had no name")
		}
		pvc := l.pvc(pod.Namespace, name)
		if pvc == nil {
			return nil, NewStatus(UnschedulableAndUnresolvable, fmt.Sprintf("persistentvolumeclaim %q not found", name))
		}
		if pvc.Spec.VolumeName == "" {
			class := claimClass(pvc)
			if class == "" {
				return nil, NewStatus(UnschedulableAndUnresolvable, "PersistentVolumeClaim had no pv name and storageClass name")
			}
			sc := l.storageClass(class)
			if sc == nil {
				return nil, NewStatus(UnschedulableAndUnresolvable, fmt.Sprintf("storageclass.storage.k8s.io %q not found", class))
			}
			if sc.VolumeBindingMode == nil {
				return nil, NewStatus(UnschedulableAndUnresolvable, fmt.Sprintf("VolumeBindingMode not set for StorageClass %q", class))
			}
			if *sc.VolumeBindingMode == storagev1.VolumeBindingWaitForFirstConsumer {
				continue
			}
			return nil, NewStatus(UnschedulableAndUnresolvable, "PersistentVolume had no name")
		}
		pv := l.pv(pvc.Spec.VolumeName)
		if pv == nil {
			return nil, NewStatus(UnschedulableAndUnresolvable, fmt.Sprintf("persistentvolume %q not found", pvc.Spec.VolumeName))
		}
		for _, key := range volumeTopologyLabels {
			if value, ok := pv.Labels[key]; ok {
				out = append(out, pvTopology{key: key, values: sets.New(strings.Split(value, "__")...)})
			}
		}
	}
	return out, nil
}

func filterVolumeZone(cs *cycleState, ni *NodeInfo) *Status {
	labels := ni.node.Labels
	constrained := false
	for _, key := range volumeTopologyLabels {
		if _, ok := labels[key]; ok {
			constrained = true
			break
		}
	}
	if !constrained {
		// A node without zone labels accepts any volume.
		return nil
	}
	for _, t := range cs.volumeZones {
		v, ok := labels[t.key]
		if !ok {
			v, ok = labels[gaTopologyLabel(t.key)]
		}
		if !ok || !t.values.Has(v) {
			return statusVolumeZone
		}
	}
	return nil
}
