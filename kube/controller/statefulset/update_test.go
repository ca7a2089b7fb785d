package statefulset_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

func setImage(image string) func(*appsv1.StatefulSet) {
	return func(s *appsv1.StatefulSet) { s.Spec.Template.Spec.Containers[0].Image = image }
}

// images maps each pod to its image and revision label.
func images(ps []corev1.Pod) map[string]string {
	out := map[string]string{}
	for _, p := range ps {
		out[p.Name] = p.Spec.Containers[0].Image
	}
	return out
}

// TestRollingUpdateWithPartition updates the template with partition 1:
// web-2 then web-1 move to the new revision, highest first, web-0 stays;
// lowering the partition to 0 finishes the update.
func TestRollingUpdateWithPartition(t *testing.T) {
	env, c := start(t)
	set := newSet("web", 3, 0)
	set.Spec.UpdateStrategy = appsv1.StatefulSetUpdateStrategy{
		Type:          appsv1.RollingUpdateStatefulSetStrategyType,
		RollingUpdate: &appsv1.RollingUpdateStatefulSetStrategy{Partition: ptr.To[int32](1)},
	}
	create(t, c, set)
	env.Advance(10 * time.Second)
	oldRev := getSet(t, c, "web").Status.CurrentRevision

	modify(t, c, "web", setImage("nginx:1.28"))
	var order []string
	last := map[string]string{}
	for step := 0; step < 60; step++ {
		env.Advance(250 * time.Millisecond)
		for name, img := range images(pods(t, c, "web")) {
			if img == "nginx:1.28" && last[name] != img {
				order = append(order, name)
			}
			last[name] = img
		}
	}
	if diff := cmp.Diff([]string{"web-2", "web-1"}, order); diff != "" {
		t.Errorf("update order (-want +got):\n%s", diff)
	}
	want := map[string]string{"web-0": "nginx:1.27", "web-1": "nginx:1.28", "web-2": "nginx:1.28"}
	if diff := cmp.Diff(want, images(pods(t, c, "web"))); diff != "" {
		t.Errorf("images with partition 1 (-want +got):\n%s", diff)
	}
	st := getSet(t, c, "web").Status
	if st.CurrentRevision != oldRev || st.UpdateRevision == oldRev || st.CurrentReplicas != 1 || st.UpdatedReplicas != 2 || st.ReadyReplicas != 3 {
		t.Errorf("status with partition 1: %+v (old revision %s)", st, oldRev)
	}
	for _, p := range pods(t, c, "web") {
		wantRev := st.UpdateRevision
		if p.Name == "web-0" {
			wantRev = oldRev
		}
		if p.Labels[appsv1.ControllerRevisionHashLabelKey] != wantRev {
			t.Errorf("%s revision %q, want %q", p.Name, p.Labels[appsv1.ControllerRevisionHashLabelKey], wantRev)
		}
	}

	modify(t, c, "web", func(s *appsv1.StatefulSet) { s.Spec.UpdateStrategy.RollingUpdate.Partition = ptr.To[int32](0) })
	env.Advance(10 * time.Second)
	want["web-0"] = "nginx:1.28"
	if diff := cmp.Diff(want, images(pods(t, c, "web"))); diff != "" {
		t.Errorf("images with partition 0 (-want +got):\n%s", diff)
	}
	st = getSet(t, c, "web").Status
	if st.CurrentRevision != st.UpdateRevision || st.CurrentReplicas != 3 || st.UpdatedReplicas != 3 || st.ObservedGeneration != 3 {
		t.Errorf("status after the update: %+v", st)
	}
	revs, err := c.AppsV1().ControllerRevisions(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, r := range revs.Items {
		got[r.Name] = r.Revision
	}
	if diff := cmp.Diff(map[string]int64{oldRev: 1, st.UpdateRevision: 2}, got); diff != "" {
		t.Errorf("revisions (-want +got):\n%s", diff)
	}
}

// TestMaxUnavailable: with maxUnavailable 2, two pods are replaced at a
// time, never more.
func TestMaxUnavailable(t *testing.T) {
	env, c := start(t)
	set := newSet("web", 4, 2*time.Second)
	set.Spec.PodManagementPolicy = appsv1.ParallelPodManagement
	set.Spec.UpdateStrategy = appsv1.StatefulSetUpdateStrategy{
		Type:          appsv1.RollingUpdateStatefulSetStrategyType,
		RollingUpdate: &appsv1.RollingUpdateStatefulSetStrategy{MaxUnavailable: ptr.To(intstr.FromInt32(2))},
	}
	create(t, c, set)
	env.Advance(15 * time.Second)
	modify(t, c, "web", setImage("nginx:1.28"))
	most := 0
	for step := 0; step < 80; step++ {
		env.Advance(250 * time.Millisecond)
		ps := pods(t, c, "web")
		down := 4 - len(ps)
		for _, p := range ps {
			if p.DeletionTimestamp != nil || !runningAndReady(&p) {
				down++
			}
		}
		if down > 2 {
			t.Fatalf("at %v: %d pods unavailable (%s), maxUnavailable is 2", env.Clock().Now(), down, summary(ps))
		}
		most = max(most, down)
	}
	if most != 2 {
		t.Errorf("at most %d pods were unavailable at once, want 2", most)
	}
	want := map[string]string{"web-0": "nginx:1.28", "web-1": "nginx:1.28", "web-2": "nginx:1.28", "web-3": "nginx:1.28"}
	if diff := cmp.Diff(want, images(pods(t, c, "web"))); diff != "" {
		t.Errorf("images (-want +got):\n%s", diff)
	}
}

// TestOnDelete: a template change touches no pod until one is deleted,
// which comes back at the new revision.
func TestOnDelete(t *testing.T) {
	env, c := start(t)
	set := newSet("web", 2, 0)
	set.Spec.UpdateStrategy = appsv1.StatefulSetUpdateStrategy{Type: appsv1.OnDeleteStatefulSetStrategyType}
	create(t, c, set)
	env.Advance(10 * time.Second)
	modify(t, c, "web", setImage("nginx:1.28"))
	env.Advance(10 * time.Second)
	want := map[string]string{"web-0": "nginx:1.27", "web-1": "nginx:1.27"}
	if diff := cmp.Diff(want, images(pods(t, c, "web"))); diff != "" {
		t.Fatalf("images before any deletion (-want +got):\n%s", diff)
	}
	if err := c.CoreV1().Pods(ns).Delete(ctx, "web-1", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(10 * time.Second)
	want["web-1"] = "nginx:1.28"
	if diff := cmp.Diff(want, images(pods(t, c, "web"))); diff != "" {
		t.Errorf("images after deleting web-1 (-want +got):\n%s", diff)
	}
	st := getSet(t, c, "web").Status
	if st.CurrentReplicas != 1 || st.UpdatedReplicas != 1 || st.CurrentRevision == st.UpdateRevision {
		t.Errorf("status: %+v", st)
	}
}

// TestRollbackReusesRevision: going back to an earlier template renumbers
// its revision instead of creating a new one, and revisionHistoryLimit
// trims the unused ones.
func TestRollbackReusesRevision(t *testing.T) {
	env, c := start(t)
	set := newSet("web", 1, 0)
	set.Spec.RevisionHistoryLimit = ptr.To[int32](1)
	create(t, c, set)
	env.Advance(5 * time.Second)
	first := getSet(t, c, "web").Status.UpdateRevision
	for _, img := range []string{"nginx:1.28", "nginx:1.29", "nginx:1.27"} {
		modify(t, c, "web", setImage(img))
		env.Advance(10 * time.Second)
	}
	st := getSet(t, c, "web").Status
	if st.UpdateRevision != first || st.CurrentRevision != first {
		t.Errorf("after rolling back: revisions %s/%s, want the first one %s", st.CurrentRevision, st.UpdateRevision, first)
	}
	revs, err := c.AppsV1().ControllerRevisions(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, r := range revs.Items {
		got[r.Name] = r.Revision
	}
	// 1.27 is revision 4 now; of 1.28 (2) and 1.29 (3) only the newest is kept.
	if len(got) != 2 || got[first] != 4 {
		t.Errorf("revisions %v: want %s at 4 and one older revision", got, first)
	}
	for name, rev := range got {
		if name != first && rev != 3 {
			t.Errorf("kept revision %s (%d), want revision 3", name, rev)
		}
	}
}

// TestMinReadySeconds: under OrderedReady a pod waits for its predecessor
// to be available, and availableReplicas follows the virtual clock.
func TestMinReadySeconds(t *testing.T) {
	env, c := start(t)
	set := newSet("web", 2, 0)
	set.Spec.MinReadySeconds = 10
	create(t, c, set)
	env.Advance(5 * time.Second)
	if got := summary(pods(t, c, "web")); got != "web-0:R" {
		t.Fatalf("5s in: %s, want web-1 to wait for web-0 to be available", got)
	}
	if st := getSet(t, c, "web").Status; st.ReadyReplicas != 1 || st.AvailableReplicas != 0 {
		t.Fatalf("5s in: status %+v", st)
	}
	env.Advance(10 * time.Second)
	if got := summary(pods(t, c, "web")); got != "web-0:R web-1:R" {
		t.Fatalf("15s in: %s", got)
	}
	if st := getSet(t, c, "web").Status; st.AvailableReplicas != 1 {
		t.Fatalf("15s in: status %+v", st)
	}
	env.Advance(15 * time.Second)
	if st := getSet(t, c, "web").Status; st.AvailableReplicas != 2 {
		t.Fatalf("30s in: status %+v", st)
	}
}
