package framework

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// volumeWorld is a tiny store of claims, volumes and classes for listers.
type volumeWorld struct {
	pvcs    map[string]*corev1.PersistentVolumeClaim
	pvs     map[string]*corev1.PersistentVolume
	classes map[string]*storagev1.StorageClass
}

func (w *volumeWorld) listers() Listers {
	return Listers{
		PersistentVolumeClaim: func(ns, name string) *corev1.PersistentVolumeClaim { return w.pvcs[ns+"/"+name] },
		PersistentVolume:      func(name string) *corev1.PersistentVolume { return w.pvs[name] },
		PersistentVolumes: func() []*corev1.PersistentVolume {
			var out []*corev1.PersistentVolume
			for _, pv := range w.pvs {
				out = append(out, pv)
			}
			return out
		},
		StorageClass: func(name string) *storagev1.StorageClass { return w.classes[name] },
	}
}

func claim(name, class, volume string) *corev1.PersistentVolumeClaim {
	c := &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
		Spec: corev1.PersistentVolumeClaimSpec{
			StorageClassName: ptr.To(class), VolumeName: volume,
			AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: mustQ("1Gi")}},
		},
	}
	if volume != "" {
		c.Status.Phase = corev1.ClaimBound
	}
	return c
}

func localPV(name, class, node string, bound bool) *corev1.PersistentVolume {
	pv := &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: corev1.PersistentVolumeSpec{
			StorageClassName: class,
			Capacity:         corev1.ResourceList{corev1.ResourceStorage: mustQ("5Gi")},
			AccessModes:      []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			NodeAffinity: &corev1.VolumeNodeAffinity{Required: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
				MatchExpressions: []corev1.NodeSelectorRequirement{{Key: corev1.LabelHostname, Operator: corev1.NodeSelectorOpIn, Values: []string{node}}},
			}}}},
		},
	}
	if bound {
		pv.Spec.ClaimRef = &corev1.ObjectReference{Name: "bound"}
	}
	return pv
}

func class(name string, mode storagev1.VolumeBindingMode, provisioner string) *storagev1.StorageClass {
	return &storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: name}, VolumeBindingMode: &mode, Provisioner: provisioner}
}

func TestVolumeFilters(t *testing.T) {
	world := &volumeWorld{
		pvcs: map[string]*corev1.PersistentVolumeClaim{
			"default/bound":     claim("bound", "local", "pv-a"),
			"default/immediate": claim("immediate", "fast", ""),
			"default/late":      claim("late", "local", ""),
			"default/dynamic":   claim("dynamic", "zonal", ""),
			"default/dangling":  claim("dangling", "local", "gone"),
			"default/zoned":     claim("zoned", "local", "pv-zone"),
		},
		pvs: map[string]*corev1.PersistentVolume{
			"pv-a":    localPV("pv-a", "local", "a", true),
			"pv-b":    localPV("pv-b", "local", "b", false),
			"pv-zone": {ObjectMeta: metav1.ObjectMeta{Name: "pv-zone", Labels: map[string]string{corev1.LabelTopologyZone: "z1__z2"}}},
		},
		classes: map[string]*storagev1.StorageClass{
			"fast":  class("fast", storagev1.VolumeBindingImmediate, "csi.example.com"),
			"local": class("local", storagev1.VolumeBindingWaitForFirstConsumer, "kubernetes.io/no-provisioner"),
			"zonal": func() *storagev1.StorageClass {
				c := class("zonal", storagev1.VolumeBindingWaitForFirstConsumer, "csi.example.com")
				c.AllowedTopologies = []corev1.TopologySelectorTerm{{MatchLabelExpressions: []corev1.TopologySelectorLabelRequirement{
					{Key: corev1.LabelTopologyZone, Values: []string{"z1"}}}}}
				return c
			}(),
		},
	}
	nodes := []*corev1.Node{
		mkNode("a", "4", "8Gi", nodeLabels(corev1.LabelTopologyZone, "z1")),
		mkNode("b", "4", "8Gi", nodeLabels(corev1.LabelTopologyZone, "z2")),
		mkNode("c", "4", "8Gi", nodeLabels(corev1.LabelTopologyZone, "z3")),
	}
	const (
		unresolved = "UnschedulableAndUnresolvable: "
	)
	tests := []struct {
		claim string
		want  map[string]string
	}{
		{"missing", map[string]string{
			"a": unresolved + `persistentvolumeclaim "missing" not found`,
			"b": unresolved + `persistentvolumeclaim "missing" not found`,
			"c": unresolved + `persistentvolumeclaim "missing" not found`}},
		{"immediate", map[string]string{
			"a": unresolved + "pod has unbound immediate PersistentVolumeClaims",
			"b": unresolved + "pod has unbound immediate PersistentVolumeClaims",
			"c": unresolved + "pod has unbound immediate PersistentVolumeClaims"}},
		{"bound", map[string]string{
			"b": unresolved + "node(s) had volume node affinity conflict",
			"c": unresolved + "node(s) had volume node affinity conflict"}},
		{"late", map[string]string{
			"a": unresolved + "node(s) didn't find available persistent volumes to bind",
			"c": unresolved + "node(s) didn't find available persistent volumes to bind"}},
		{"dynamic", map[string]string{
			"b": unresolved + "node(s) didn't find available persistent volumes to bind",
			"c": unresolved + "node(s) didn't find available persistent volumes to bind"}},
		{"zoned", map[string]string{"c": unresolved + "node(s) had no available volume zone"}},
		{"dangling", map[string]string{
			"a": unresolved + `persistentvolume "gone" not found`,
			"b": unresolved + `persistentvolume "gone" not found`,
			"c": unresolved + `persistentvolume "gone" not found`}},
	}
	s := newTestScheduler(t, Options{Listers: world.listers()})
	for _, tc := range tests {
		t.Run(tc.claim, func(t *testing.T) {
			got := statusesOf(t, s, NewSnapshot(nodes, nil), mkPod("p", withPVC(tc.claim)))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
