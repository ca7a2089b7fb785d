package statefulset

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

func testSet() *appsv1.StatefulSet {
	return withDefaults(&appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "ns", UID: "set-uid"},
		Spec: appsv1.StatefulSetSpec{
			Replicas: ptr.To[int32](2),
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx"}}},
			},
		},
	})
}

func TestParentAndOrdinal(t *testing.T) {
	for _, tc := range []struct {
		name   string
		parent string
		ord    int
	}{
		{"web-0", "web", 0},
		{"my-web-12", "my-web", 12},
		{"web", "", -1},
		{"web-x", "", -1},
		{"web-99999999999", "web", -1},
	} {
		p, o := parentAndOrdinal(&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: tc.name}})
		if p != tc.parent || o != tc.ord {
			t.Errorf("%s: got %q %d, want %q %d", tc.name, p, o, tc.parent, tc.ord)
		}
	}
}

func TestMaxUnavailableOf(t *testing.T) {
	for _, tc := range []struct {
		v        *intstr.IntOrString
		replicas int
		want     int
	}{
		{nil, 5, 1},
		{ptr.To(intstr.FromInt32(3)), 5, 3},
		{ptr.To(intstr.FromString("50%")), 5, 2},
		{ptr.To(intstr.FromString("10%")), 5, 1}, // rounds down to 0, raised to 1
	} {
		got, err := maxUnavailableOf(tc.v, tc.replicas)
		if err != nil || got != tc.want {
			t.Errorf("maxUnavailableOf(%v, %d) = %d, %v; want %d", tc.v, tc.replicas, got, err, tc.want)
		}
	}
	if _, err := maxUnavailableOf(ptr.To(intstr.FromString("lots")), 5); err == nil {
		t.Error("bad maxUnavailable accepted")
	}
}

func TestNewVersionedPodPicksRevisionByPartition(t *testing.T) {
	set := testSet()
	set.Spec.UpdateStrategy.RollingUpdate.Partition = ptr.To[int32](2)
	update := set.DeepCopy()
	update.Spec.Template.Spec.Containers[0].Image = "nginx:new"
	for ord, want := range map[int]string{0: "cur", 1: "cur", 2: "upd", 3: "upd"} {
		pod := newVersionedStatefulSetPod(set, update, "cur", "upd", ord)
		if got := pod.Labels[appsv1.StatefulSetRevisionLabel]; got != want {
			t.Errorf("ordinal %d: revision %s, want %s", ord, got, want)
		}
		if (want == "upd") != (pod.Spec.Containers[0].Image == "nginx:new") {
			t.Errorf("ordinal %d: image %s from the wrong revision", ord, pod.Spec.Containers[0].Image)
		}
	}
	// OnDelete: new pods are always made at the update revision.
	set.Spec.UpdateStrategy = appsv1.StatefulSetUpdateStrategy{Type: appsv1.OnDeleteStatefulSetStrategyType}
	if got := newVersionedStatefulSetPod(set, update, "cur", "upd", 0).Labels[appsv1.StatefulSetRevisionLabel]; got != "upd" {
		t.Errorf("OnDelete: revision %s, want upd", got)
	}
}

func TestApplyRevisionRestoresTemplate(t *testing.T) {
	set := testSet()
	rev, err := newRevision(set, 1, ptr.To[int32](0))
	if err != nil {
		t.Fatal(err)
	}
	changed := set.DeepCopy()
	changed.Spec.Template.Spec.Containers[0].Image = "nginx:new"
	changed.Spec.Template.Labels["extra"] = "x"
	restored, err := ApplyRevision(changed, rev)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(set.Spec.Template, restored.Spec.Template); diff != "" {
		t.Errorf("restored template (-want +got):\n%s", diff)
	}
	if *restored.Spec.Replicas != 2 || restored.Name != "web" {
		t.Errorf("the rest of the set changed: %+v", restored.ObjectMeta)
	}
	if rev.Name != "web-"+rev.Labels["controller.kubernetes.io/hash"] || rev.Revision != 1 {
		t.Errorf("revision %s (%d)", rev.Name, rev.Revision)
	}
}

func TestIsClaimOwnerUpToDate(t *testing.T) {
	set := testSet()
	inRange := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web-1", Namespace: "ns", UID: "pod-1"}}
	scaledDown := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web-5", Namespace: "ns", UID: "pod-5"}}
	setRef := *metav1.NewControllerRef(set, controllerKind)
	podRef := func(p *corev1.Pod) metav1.OwnerReference { return *metav1.NewControllerRef(p, podKind) }
	const R, D = appsv1.RetainPersistentVolumeClaimRetentionPolicyType, appsv1.DeletePersistentVolumeClaimRetentionPolicyType
	for _, tc := range []struct {
		name           string
		scaled, delete appsv1.PersistentVolumeClaimRetentionPolicyType
		pod            *corev1.Pod
		refs           []metav1.OwnerReference
		want           bool
	}{
		{"retain, no refs", R, R, inRange, nil, true},
		{"retain, set ref", R, R, inRange, []metav1.OwnerReference{setRef}, false},
		{"delete on set deletion, set ref", R, D, inRange, []metav1.OwnerReference{setRef}, true},
		{"delete on set deletion, no ref", R, D, inRange, nil, false},
		{"delete on scale, in range, no ref", D, R, inRange, nil, true},
		{"delete on scale, scaled down, no ref", D, R, scaledDown, nil, false},
		{"delete on scale, scaled down, pod ref", D, R, scaledDown, []metav1.OwnerReference{podRef(scaledDown)}, true},
		{"delete both, in range, set ref", D, D, inRange, []metav1.OwnerReference{setRef}, true},
		{"delete both, scaled down, set ref", D, D, scaledDown, []metav1.OwnerReference{setRef}, false},
		{"delete both, scaled down, pod ref", D, D, scaledDown, []metav1.OwnerReference{podRef(scaledDown)}, true},
		{"stale set ref is left alone", D, D, inRange, []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "StatefulSet", Name: "web", UID: "old"}}, true},
		{"another controller is left alone", D, D, inRange, []metav1.OwnerReference{{APIVersion: "v1", Kind: "Other", Name: "x", UID: types.UID("x"), Controller: ptr.To(true)}}, true},
	} {
		s := set.DeepCopy()
		s.Spec.PersistentVolumeClaimRetentionPolicy = &appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy{WhenScaled: tc.scaled, WhenDeleted: tc.delete}
		claim := &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Name: "data", OwnerReferences: tc.refs}}
		if got := isClaimOwnerUpToDate(claim, s, tc.pod); got != tc.want {
			t.Errorf("%s: up to date = %v, want %v", tc.name, got, tc.want)
		}
		if tc.want {
			continue
		}
		// The update (made only when needed, as upstream does) fixes it.
		updateClaimOwnerRefs(claim, s, tc.pod)
		if !isClaimOwnerUpToDate(claim, s, tc.pod) {
			t.Errorf("%s: not up to date after the update: %+v", tc.name, claim.OwnerReferences)
		}
	}
}
