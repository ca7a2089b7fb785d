package deployment

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

func TestResolveFenceposts(t *testing.T) {
	tests := []struct {
		surge, unavailable         intstr.IntOrString
		desired                    int32
		wantSurge, wantUnavailable int32
	}{
		{intstr.FromString("25%"), intstr.FromString("25%"), 10, 3, 2}, // surge rounds up, unavailable down
		{intstr.FromInt32(2), intstr.FromInt32(1), 10, 2, 1},
		{intstr.FromString("10%"), intstr.FromString("10%"), 5, 1, 0},
		{intstr.FromInt32(0), intstr.FromInt32(0), 10, 0, 1}, // both zero: one may be unavailable
		{intstr.FromString("0%"), intstr.FromString("5%"), 10, 0, 1},
		{intstr.FromString("100%"), intstr.FromString("0%"), 3, 3, 0},
	}
	for _, tt := range tests {
		s, u, err := resolveFenceposts(&tt.surge, &tt.unavailable, tt.desired)
		if err != nil || s != tt.wantSurge || u != tt.wantUnavailable {
			t.Errorf("resolveFenceposts(%s, %s, %d) = %d, %d, %v; want %d, %d", tt.surge.String(), tt.unavailable.String(), tt.desired, s, u, err, tt.wantSurge, tt.wantUnavailable)
		}
	}
}

func TestMaxUnavailableAndSurge(t *testing.T) {
	d := withDefaults(&appsv1.Deployment{Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](3)}})
	if maxSurge(d) != 1 || maxUnavailable(d) != 0 { // 25% of 3 is 0.75: up to 1 for surge, down to 0 for unavailability
		t.Errorf("defaults on 3 replicas: surge %d unavailable %d, want 1 and 0", maxSurge(d), maxUnavailable(d))
	}
	five := intstr.FromInt32(5)
	d.Spec.Strategy.RollingUpdate.MaxUnavailable = &five
	if got := maxUnavailable(d); got != 3 {
		t.Errorf("maxUnavailable 5 of 3 replicas = %d, want 3", got)
	}
	d.Spec.Strategy = appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType}
	if maxSurge(d) != 0 || maxUnavailable(d) != 0 {
		t.Error("Recreate has neither surge nor unavailability")
	}
}

func TestSetNewReplicaSetAnnotations(t *testing.T) {
	d := withDefaults(&appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{
		"kubernetes.io/change-cause": "undo", RevisionAnnotation: "9", corev1.LastAppliedConfigAnnotation: "{}",
	}}, Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](4)}})
	tests := []struct {
		name   string
		before map[string]string
		newRev string
		exists bool
		want   map[string]string
	}{{
		name:   "a new ReplicaSet",
		newRev: "1",
		want: map[string]string{"kubernetes.io/change-cause": "undo", RevisionAnnotation: "1",
			DesiredReplicasAnnotation: "4", MaxReplicasAnnotation: "5"},
	}, {
		name:   "rolled back to: the old revision goes to the history",
		before: map[string]string{RevisionAnnotation: "1"},
		newRev: "3", exists: true,
		want: map[string]string{"kubernetes.io/change-cause": "undo", RevisionAnnotation: "3", RevisionHistoryAnnotation: "1"},
	}, {
		name:   "rolled back to again",
		before: map[string]string{RevisionAnnotation: "3", RevisionHistoryAnnotation: "1"},
		newRev: "5", exists: true,
		want: map[string]string{"kubernetes.io/change-cause": "undo", RevisionAnnotation: "5", RevisionHistoryAnnotation: "1,3"},
	}, {
		name:   "a revision is never lowered",
		before: map[string]string{RevisionAnnotation: "7"},
		newRev: "5", exists: true,
		want: map[string]string{"kubernetes.io/change-cause": "undo", RevisionAnnotation: "7"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Annotations: tt.before}}
			setNewReplicaSetAnnotations(d, rs, tt.newRev, tt.exists)
			if diff := cmp.Diff(tt.want, rs.Annotations); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestReplicaSetProportion(t *testing.T) {
	d := withDefaults(&appsv1.Deployment{Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](30),
		Strategy: appsv1.DeploymentStrategy{Type: appsv1.RollingUpdateDeploymentStrategyType, RollingUpdate: &appsv1.RollingUpdateDeployment{
			MaxSurge: ptr.To(intstr.FromInt32(3)), MaxUnavailable: ptr.To(intstr.FromInt32(2))}}}})
	rs := func(n int32) *appsv1.ReplicaSet {
		return &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{MaxReplicasAnnotation: "13"}},
			Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To(n)}}
	}
	// From 13 to 33 pods at most: 8 -> 20 and 5 -> 13.
	if got := replicaSetProportion(rs(8), d, 20, 0); got != 12 {
		t.Errorf("share of 8 = %d, want 12", got)
	}
	if got := replicaSetProportion(rs(5), d, 20, 12); got != 8 {
		t.Errorf("share of 5 = %d, want 8", got)
	}
	if got := replicaSetProportion(rs(5), d, 20, 18); got != 2 {
		t.Errorf("share of 5 with only 2 left = %d, want 2", got)
	}
}

func TestComputeHash(t *testing.T) {
	tmpl := &corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "nginx"}}}}
	h := ComputeHash(tmpl, nil)
	if h != ComputeHash(tmpl.DeepCopy(), nil) {
		t.Error("the hash of equal templates differs")
	}
	if h == ComputeHash(tmpl, ptr.To[int32](1)) || ComputeHash(tmpl, ptr.To[int32](1)) == ComputeHash(tmpl, ptr.To[int32](2)) {
		t.Error("the collision count does not change the hash")
	}
	for _, r := range h {
		if !strings.ContainsRune("bcdfghjklmnpqrstvwxz2456789", r) {
			t.Errorf("hash %q has %q, outside the alphabet of generated names", h, r)
		}
	}
}
