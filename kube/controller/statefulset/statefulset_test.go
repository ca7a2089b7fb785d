package statefulset_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/utils/ptr"
)

func TestPodsHaveOrdinalIdentities(t *testing.T) {
	env, c := start(t)
	set := create(t, c, newSet("web", 3, 0))
	env.Advance(10 * time.Second)

	got := pods(t, c, "web")
	if diff := cmp.Diff([]string{"web-0", "web-1", "web-2"}, names(got)); diff != "" {
		t.Fatalf("pods (-want +got):\n%s", diff)
	}
	st := getSet(t, c, "web").Status
	yes := true
	for i, p := range got {
		want := map[string]string{
			"app":                                "web",
			"statefulset.kubernetes.io/pod-name": p.Name,
			"apps.kubernetes.io/pod-index":       fmt.Sprint(i),
			"controller-revision-hash":           st.UpdateRevision,
		}
		if diff := cmp.Diff(want, p.Labels); diff != "" {
			t.Errorf("%s labels (-want +got):\n%s", p.Name, diff)
		}
		if p.Spec.Hostname != p.Name || p.Spec.Subdomain != "web-svc" {
			t.Errorf("%s hostname %q subdomain %q", p.Name, p.Spec.Hostname, p.Spec.Subdomain)
		}
		wantRef := []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "StatefulSet", Name: "web", UID: set.UID, Controller: &yes, BlockOwnerDeletion: &yes}}
		if diff := cmp.Diff(wantRef, p.OwnerReferences); diff != "" {
			t.Errorf("%s owners (-want +got):\n%s", p.Name, diff)
		}
	}
	want := appsv1.StatefulSetStatus{
		ObservedGeneration: 1, Replicas: 3, ReadyReplicas: 3, AvailableReplicas: 3, CurrentReplicas: 3, UpdatedReplicas: 3,
		CurrentRevision: st.UpdateRevision, UpdateRevision: st.UpdateRevision, CollisionCount: ptr.To[int32](0),
	}
	if diff := cmp.Diff(want, st); diff != "" {
		t.Errorf("status (-want +got):\n%s", diff)
	}
	revs, err := c.AppsV1().ControllerRevisions(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(revs.Items) != 1 || revs.Items[0].Name != st.UpdateRevision || revs.Items[0].Revision != 1 ||
		revs.Items[0].Labels["controller.kubernetes.io/hash"] == "" || revs.Items[0].Name != "web-"+revs.Items[0].Labels["controller.kubernetes.io/hash"] {
		t.Errorf("revisions %+v, want one named web-<hash>, revision 1", revs.Items)
	}
	evs := events(t, c, "StatefulSet", "web")
	for _, name := range []string{"web-0", "web-1", "web-2"} {
		if e := "SuccessfulCreate: create Pod " + name + " in StatefulSet web successful"; !contains(evs, e) {
			t.Errorf("no event %q in %v", e, evs)
		}
	}
}

// TestOrderedReadyCreatesOneAtATime checks, after every small step of
// virtual time, that only the highest-ordinal pod may be anything but
// running and ready, and that pods appear in ordinal order.
func TestOrderedReadyCreatesOneAtATime(t *testing.T) {
	env, c := start(t)
	log := watchPods(t, c, "web")
	create(t, c, newSet("web", 4, 2*time.Second))
	seen := 0
	for step := 0; step < 80; step++ {
		env.Advance(250 * time.Millisecond)
		ps := pods(t, c, "web")
		for i, p := range ps {
			if p.Name != fmt.Sprintf("web-%d", i) {
				t.Fatalf("at %v: pods %s are not a prefix of the ordinals", env.Clock().Now(), summary(ps))
			}
			if i < len(ps)-1 && !runningAndReady(&p) {
				t.Fatalf("at %v: %s exists while %s is not running and ready", env.Clock().Now(), ps[len(ps)-1].Name, p.Name)
			}
		}
		seen = max(seen, len(ps))
	}
	if seen != 4 || getSet(t, c, "web").Status.ReadyReplicas != 4 {
		t.Fatalf("pods %s, status %+v: want 4 ready", summary(pods(t, c, "web")), getSet(t, c, "web").Status)
	}
	// Replay every change: when pod N appeared, pod N-1 was running and
	// ready at that very resourceVersion.
	state := map[string]*corev1.Pod{}
	added := 0
	for _, ev := range log.until(t, pods(t, c, "web")) {
		p := ev.Object.(*corev1.Pod)
		if ev.Type == watch.Added {
			added++
			if n := ordinal(p.Name); n > 0 {
				prev := state[fmt.Sprintf("web-%d", n-1)]
				if prev == nil || prev.DeletionTimestamp != nil || !runningAndReady(prev) {
					t.Errorf("%s created while web-%d was %v", p.Name, n-1, prev)
				}
			}
		}
		state[p.Name] = p
	}
	if added != 4 {
		t.Errorf("%d pods added, want 4", added)
	}
}

// TestScaleDownFromHighestOrdinal scales 4 to 1: pods go from the highest
// ordinal down, one at a time, each after the previous one is gone.
func TestScaleDownFromHighestOrdinal(t *testing.T) {
	env, c := start(t)
	set := newSet("web", 4, 0)
	// A preStop hook keeps a deleted pod terminating for 2 s.
	set.Spec.Template.Spec.Containers[0].Lifecycle = &corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{Sleep: &corev1.SleepAction{Seconds: 2}}}
	create(t, c, set)
	env.Advance(15 * time.Second)
	if got := summary(pods(t, c, "web")); got != "web-0:R web-1:R web-2:R web-3:R" {
		t.Fatalf("before scaling: %s", got)
	}
	scale(t, c, "web", 1)
	var seenTerminating []string
	for step := 0; step < 60; step++ {
		env.Advance(250 * time.Millisecond)
		ps := pods(t, c, "web")
		terminating := 0
		for i, p := range ps {
			if p.Name != fmt.Sprintf("web-%d", i) {
				t.Fatalf("at %v: pods %s: a lower ordinal went first", env.Clock().Now(), summary(ps))
			}
			if p.DeletionTimestamp != nil {
				terminating++
				if i != len(ps)-1 {
					t.Fatalf("at %v: pods %s: %s terminates before a higher ordinal", env.Clock().Now(), summary(ps), p.Name)
				}
				if len(seenTerminating) == 0 || seenTerminating[len(seenTerminating)-1] != p.Name {
					seenTerminating = append(seenTerminating, p.Name)
				}
			}
		}
		if terminating > 1 {
			t.Fatalf("at %v: pods %s: more than one terminating", env.Clock().Now(), summary(ps))
		}
	}
	if diff := cmp.Diff([]string{"web-3", "web-2", "web-1"}, seenTerminating); diff != "" {
		t.Errorf("terminating order (-want +got):\n%s", diff)
	}
	if got := summary(pods(t, c, "web")); got != "web-0:R" {
		t.Errorf("after scaling: %s", got)
	}
	if st := getSet(t, c, "web").Status; st.Replicas != 1 || st.ReadyReplicas != 1 || st.AvailableReplicas != 1 {
		t.Errorf("status after scaling: %+v", st)
	}
	evs := events(t, c, "StatefulSet", "web")
	if e := "SuccessfulDelete: delete Pod web-3 in StatefulSet web successful"; !contains(evs, e) {
		t.Errorf("no event %q in %v", e, evs)
	}
}

// TestParallelCreatesAllAtOnce: under Parallel, every pod is created in
// the first sync, without waiting for readiness.
func TestParallelCreatesAllAtOnce(t *testing.T) {
	env, c := start(t)
	set := newSet("web", 4, 5*time.Second)
	set.Spec.PodManagementPolicy = appsv1.ParallelPodManagement
	create(t, c, set)
	env.Settle()
	ps := pods(t, c, "web")
	if got := summary(ps); got != "web-0:P web-1:P web-2:P web-3:P" {
		t.Fatalf("right after creation: %s, want 4 pending pods", got)
	}
	env.Advance(10 * time.Second)
	if got := summary(pods(t, c, "web")); got != "web-0:R web-1:R web-2:R web-3:R" {
		t.Fatalf("after 10s: %s", got)
	}
	// Scaling down deletes every surplus pod at once as well.
	scale(t, c, "web", 1)
	env.Settle()
	live := 0
	for _, p := range pods(t, c, "web") {
		if p.DeletionTimestamp == nil {
			live++
		}
	}
	if live != 1 {
		t.Errorf("after scaling to 1: %s, want the 3 others going at once", summary(pods(t, c, "web")))
	}
	env.Advance(5 * time.Second)
	if got := summary(pods(t, c, "web")); got != "web-0:R" {
		t.Errorf("after scaling down: %s", got)
	}
}

// TestReplacesFailedAndDeletedPods: a pod deleted by hand comes back with
// the same name.
func TestReplacesDeletedPod(t *testing.T) {
	env, c := start(t)
	create(t, c, newSet("web", 2, 0))
	env.Advance(10 * time.Second)
	old := pods(t, c, "web")[1]
	if err := c.CoreV1().Pods(ns).Delete(ctx, "web-1", metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)}); err != nil {
		t.Fatal(err)
	}
	env.Advance(10 * time.Second)
	ps := pods(t, c, "web")
	if got := summary(ps); got != "web-0:R web-1:R" {
		t.Fatalf("after deleting web-1: %s", got)
	}
	if ps[1].UID == old.UID {
		t.Errorf("web-1 was not replaced")
	}
}

func TestOrdinalsStart(t *testing.T) {
	env, c := start(t)
	set := newSet("web", 2, 0)
	set.Spec.Ordinals = &appsv1.StatefulSetOrdinals{Start: 5}
	create(t, c, set)
	env.Advance(10 * time.Second)
	ps := pods(t, c, "web")
	if diff := cmp.Diff([]string{"web-5", "web-6"}, names(ps)); diff != "" {
		t.Fatalf("pods (-want +got):\n%s", diff)
	}
	if ps[0].Labels["apps.kubernetes.io/pod-index"] != "5" {
		t.Errorf("pod-index label %q, want 5", ps[0].Labels["apps.kubernetes.io/pod-index"])
	}
}

// TestAdoptsMembersOnly: an orphan whose name makes it a member is
// adopted (and brought to the set's revision), one whose name does not is
// left alone although the selector matches it.
func TestAdoptsMembersOnly(t *testing.T) {
	env, c := start(t)
	for _, name := range []string{"web-1", "stray"} {
		pod := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"app": "web"}},
			Spec:       newSet("web", 1, 0).Spec.Template.Spec,
		}
		if _, err := c.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	set := create(t, c, newSet("web", 2, 0))
	env.Advance(20 * time.Second)
	byName := map[string]corev1.Pod{}
	for _, p := range pods(t, c, "web") {
		byName[p.Name] = p
	}
	rev := getSet(t, c, "web").Status.UpdateRevision
	for _, name := range []string{"web-0", "web-1"} {
		p, ok := byName[name]
		if !ok {
			t.Fatalf("no %s: %s", name, summary(pods(t, c, "web")))
		}
		if ref := metav1.GetControllerOf(&p); ref == nil || ref.UID != set.UID {
			t.Errorf("%s owners %v", name, p.OwnerReferences)
		}
		if p.Labels[appsv1.StatefulSetRevisionLabel] != rev || p.Labels[appsv1.StatefulSetPodNameLabel] != name {
			t.Errorf("%s labels %v", name, p.Labels)
		}
	}
	if stray := byName["stray"]; len(stray.OwnerReferences) != 0 {
		t.Errorf("stray adopted: %v", stray.OwnerReferences)
	}
	if st := getSet(t, c, "web").Status; st.Replicas != 2 || st.ReadyReplicas != 2 || st.UpdatedReplicas != 2 {
		t.Errorf("status %+v", st)
	}
}
