package replicaset

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
)

var t0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// pod builds a pod for the ranking and status tests.
func pod(name, node string, phase corev1.PodPhase, readySince time.Duration) *corev1.Pod {
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, UID: types.UID("uid-" + name), Labels: map[string]string{"app": "web"},
			CreationTimestamp: metav1.NewTime(t0)},
		Spec:   corev1.PodSpec{NodeName: node},
		Status: corev1.PodStatus{Phase: phase},
	}
	if readySince > 0 {
		p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue,
			LastTransitionTime: metav1.NewTime(t0.Add(time.Hour - readySince))}}
	}
	return p
}

func podNames(ps []*corev1.Pod) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return out
}

func TestPodsToDeleteRanking(t *testing.T) {
	now := t0.Add(time.Hour)
	tests := []struct {
		name    string
		pods    []*corev1.Pod
		related []*corev1.Pod
		n       int
		want    []string
	}{{
		name: "unscheduled, then pending, then not ready, then ready",
		pods: []*corev1.Pod{
			pod("ready", "n1", corev1.PodRunning, time.Minute),
			pod("notready", "n1", corev1.PodRunning, 0),
			pod("pending", "n1", corev1.PodPending, 0),
			pod("unscheduled", "", corev1.PodPending, 0),
		},
		n:    3,
		want: []string{"unscheduled", "pending", "notready"},
	}, {
		name: "lower deletion cost first",
		pods: func() []*corev1.Pod {
			cheap := pod("cheap", "n1", corev1.PodRunning, time.Minute)
			cheap.Annotations = map[string]string{PodDeletionCostAnnotation: "-5"}
			return []*corev1.Pod{pod("a", "n1", corev1.PodRunning, 2*time.Minute), cheap}
		}(),
		n:    1,
		want: []string{"cheap"},
	}, {
		name: "the pod on the more crowded node",
		pods: []*corev1.Pod{pod("alone", "n1", corev1.PodRunning, time.Minute), pod("crowded", "n2", corev1.PodRunning, time.Minute)},
		related: []*corev1.Pod{
			pod("x", "n2", corev1.PodRunning, time.Minute), pod("y", "n2", corev1.PodRunning, time.Minute),
			pod("z", "n1", corev1.PodRunning, time.Minute),
		},
		n:    1,
		want: []string{"crowded"},
	}, {
		name: "ready for less time first, by power-of-two buckets",
		pods: []*corev1.Pod{pod("old", "n1", corev1.PodRunning, 40*time.Minute), pod("young", "n1", corev1.PodRunning, time.Minute)},
		n:    1,
		want: []string{"young"},
	}, {
		name: "more restarts first",
		pods: func() []*corev1.Pod {
			crashy := pod("crashy", "n1", corev1.PodRunning, 0)
			crashy.Status.ContainerStatuses = []corev1.ContainerStatus{{RestartCount: 3}}
			return []*corev1.Pod{pod("calm", "n1", corev1.PodRunning, 0), crashy}
		}(),
		n:    1,
		want: []string{"crashy"},
	}, {
		name: "all of them, unsorted",
		pods: []*corev1.Pod{pod("b", "n1", corev1.PodRunning, time.Minute), pod("a", "", corev1.PodPending, 0)},
		n:    2,
		want: []string{"b", "a"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := podNames(podsToDelete(tt.pods, tt.related, tt.n, now))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestSlowStartBatch(t *testing.T) {
	tests := []struct {
		name          string
		count, failAt int // failAt: the call number that fails, 0 for none
		wantCalls     int
		wantSuccesses int
	}{
		{name: "all succeed", count: 10, wantCalls: 10, wantSuccesses: 10},
		// Batches 1, 2, 4: the third batch holds call 5 and stops the rest.
		{name: "a failure stops after its batch", count: 20, failAt: 5, wantCalls: 7, wantSuccesses: 6},
		{name: "the first call fails", count: 20, failAt: 1, wantCalls: 1, wantSuccesses: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			calls := 0
			got, err := slowStartBatch(tt.count, 1, func() error {
				mu.Lock()
				defer mu.Unlock()
				calls++
				if calls == tt.failAt {
					return errors.New("quota exceeded")
				}
				return nil
			})
			if calls != tt.wantCalls || got != tt.wantSuccesses || (err != nil) != (tt.failAt > 0) {
				t.Errorf("calls %d successes %d err %v, want %d calls %d successes", calls, got, err, tt.wantCalls, tt.wantSuccesses)
			}
		})
	}
}

func TestCalculateStatus(t *testing.T) {
	now := t0.Add(time.Hour)
	rs := &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Generation: 2},
		Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To[int32](4), MinReadySeconds: 30,
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web", "tier": "front"}}}},
	}
	fully := func(p *corev1.Pod) *corev1.Pod { p.Labels["tier"] = "front"; return p }
	active := []*corev1.Pod{
		fully(pod("available", "n1", corev1.PodRunning, time.Minute)),
		fully(pod("ready-too-recently", "n1", corev1.PodRunning, 10*time.Second)),
		pod("partly-labelled", "n1", corev1.PodRunning, 0),
	}
	terminating := []*corev1.Pod{pod("going", "n1", corev1.PodRunning, time.Minute)}
	failure := appsv1.ReplicaSetCondition{Type: appsv1.ReplicaSetReplicaFailure, Status: corev1.ConditionTrue,
		LastTransitionTime: metav1.NewTime(now), Reason: "FailedCreate", Message: "pods is forbidden: quota"}

	tests := []struct {
		name      string
		before    []appsv1.ReplicaSetCondition
		manageErr error
		want      []appsv1.ReplicaSetCondition
	}{
		{name: "no error, no condition"},
		{name: "a failed create sets ReplicaFailure", manageErr: errors.New("pods is forbidden: quota"), want: []appsv1.ReplicaSetCondition{failure}},
		{name: "success removes it", before: []appsv1.ReplicaSetCondition{failure}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := rs.DeepCopy()
			in.Status.Conditions = tt.before
			got := calculateStatus(in, active, terminating, tt.manageErr, true, now)
			want := appsv1.ReplicaSetStatus{Replicas: 3, FullyLabeledReplicas: 2, ReadyReplicas: 2, AvailableReplicas: 1,
				TerminatingReplicas: ptr.To[int32](1), Conditions: tt.want}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestNextAvailabilityCheck(t *testing.T) {
	now := t0.Add(time.Hour)
	rs := &appsv1.ReplicaSet{Spec: appsv1.ReplicaSetSpec{MinReadySeconds: 30},
		Status: appsv1.ReplicaSetStatus{ReadyReplicas: 2, AvailableReplicas: 0}}
	active := []*corev1.Pod{pod("a", "n1", corev1.PodRunning, 10*time.Second), pod("b", "n1", corev1.PodRunning, 25*time.Second)}
	if got, want := nextAvailabilityCheck(rs, active, now), 5*time.Second+time.Nanosecond; got != want {
		t.Errorf("next check in %v, want %v (when b has been ready 30 s)", got, want)
	}
	rs.Status.AvailableReplicas = 2
	if got := nextAvailabilityCheck(rs, active, now); got != 0 {
		t.Errorf("next check in %v with every ready pod available, want none", got)
	}
}

func TestReplicationControllerConversion(t *testing.T) {
	rc := &corev1.ReplicationController{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default"},
		Spec: corev1.ReplicationControllerSpec{Replicas: ptr.To[int32](2), MinReadySeconds: 5,
			Template: &corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}}}},
	}
	rs := rcAsReplicaSet(rc)
	if diff := cmp.Diff(&metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}, rs.Spec.Selector); diff != "" {
		t.Errorf("an empty selector becomes the template's labels (-want +got):\n%s", diff)
	}
	st := appsv1.ReplicaSetStatus{Replicas: 2, ReadyReplicas: 1, AvailableReplicas: 1, FullyLabeledReplicas: 2, ObservedGeneration: 3,
		TerminatingReplicas: ptr.To[int32](1),
		Conditions:          []appsv1.ReplicaSetCondition{{Type: appsv1.ReplicaSetReplicaFailure, Status: corev1.ConditionTrue, Reason: "FailedCreate"}}}
	want := corev1.ReplicationControllerStatus{Replicas: 2, ReadyReplicas: 1, AvailableReplicas: 1, FullyLabeledReplicas: 2, ObservedGeneration: 3,
		Conditions: []corev1.ReplicationControllerCondition{{Type: corev1.ReplicationControllerReplicaFailure, Status: corev1.ConditionTrue, Reason: "FailedCreate"}}}
	if diff := cmp.Diff(want, rcStatus(st)); diff != "" {
		t.Errorf("status back to the RC (-want +got):\n%s", diff)
	}
}

func TestOwnershipPatches(t *testing.T) {
	owner := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "web", UID: "rs-uid"}}
	adopt, err := AdoptPatch(owner, appsv1.SchemeGroupVersion.WithKind("ReplicaSet"), "pod-uid")
	if err != nil {
		t.Fatal(err)
	}
	wantAdopt := `{"metadata":{"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web","uid":"rs-uid","controller":true,"blockOwnerDeletion":true}],"uid":"pod-uid"}}`
	if string(adopt) != wantAdopt {
		t.Errorf("adopt patch\n got %s\nwant %s", adopt, wantAdopt)
	}
	release, err := ReleasePatch("pod-uid", "rs-uid")
	if err != nil {
		t.Fatal(err)
	}
	wantRelease := `{"metadata":{"ownerReferences":[{"$patch":"delete","uid":"rs-uid"}],"uid":"pod-uid"}}`
	if string(release) != wantRelease {
		t.Errorf("release patch\n got %s\nwant %s", release, wantRelease)
	}
}
