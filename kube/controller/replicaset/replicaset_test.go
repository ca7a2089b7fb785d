package replicaset_test

import (
	"regexp"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

func TestCreatesPodsWithNamesOwnersAndStatus(t *testing.T) {
	env, c := start(t)
	rs := create(t, c, replicaSet("web", 3))
	settle(env)

	got := pods(t, c, "web", true)
	if len(got) != 3 {
		t.Fatalf("pods: %v, want 3", names(got))
	}
	name := regexp.MustCompile(`^web-[a-z0-9]{5}$`)
	yes := true
	wantRef := []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web", UID: rs.UID, Controller: &yes, BlockOwnerDeletion: &yes}}
	for _, p := range got {
		if !name.MatchString(p.Name) || p.GenerateName != "web-" {
			t.Errorf("pod name %q (generateName %q), want web-xxxxx", p.Name, p.GenerateName)
		}
		if diff := cmp.Diff(wantRef, p.OwnerReferences); diff != "" {
			t.Errorf("pod %s ownerReferences (-want +got):\n%s", p.Name, diff)
		}
	}
	rs = getRS(t, c, "web")
	want := appsv1.ReplicaSetStatus{Replicas: 3, FullyLabeledReplicas: 3, ReadyReplicas: 3, AvailableReplicas: 3,
		TerminatingReplicas: ptr.To[int32](0), ObservedGeneration: rs.Generation}
	if diff := cmp.Diff(want, rs.Status); diff != "" {
		t.Errorf("status (-want +got):\n%s", diff)
	}
	evs := events(t, c, "ReplicaSet", "web")
	if n := countPrefix(evs, "SuccessfulCreate: Created pod: web-"); n != 3 {
		t.Errorf("events %v: %d SuccessfulCreate, want 3", evs, n)
	}
}

func TestScalesUpAndDown(t *testing.T) {
	env, c := start(t)
	create(t, c, replicaSet("web", 2))
	settle(env)
	for _, n := range []int32{5, 1, 0, 3} {
		scale(t, c, "web", n)
		settle(env)
		if got := len(pods(t, c, "web", false)); got != int(n) {
			t.Errorf("after scaling to %d: %d pods", n, got)
		}
		if st := getRS(t, c, "web").Status; st.Replicas != n || st.AvailableReplicas != n {
			t.Errorf("after scaling to %d: status %+v", n, st)
		}
	}
	evs := events(t, c, "ReplicaSet", "web")
	if n := countPrefix(evs, "SuccessfulDelete: Deleted pod: web-"); n != 5 {
		t.Errorf("events %v: %d SuccessfulDelete, want 5", evs, n)
	}
}

func TestReplacesDeletedPod(t *testing.T) {
	env, c := start(t)
	rs := replicaSet("web", 2)
	// A preStop hook keeps a deleted pod terminating for 5 s.
	rs.Spec.Template.Spec.Containers[0].Lifecycle = &corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{Sleep: &corev1.SleepAction{Seconds: 5}}}
	create(t, c, rs)
	settle(env)
	victim := pods(t, c, "web", false)[0].Name
	if err := c.CoreV1().Pods(ns).Delete(ctx, victim, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Settle()
	// The terminating pod no longer counts: a replacement is created at
	// once, and the status reports the terminating one.
	live := pods(t, c, "web", false)
	if len(live) != 2 || live[0].Name == victim || live[1].Name == victim {
		t.Errorf("live pods after deleting %s: %v", victim, names(live))
	}
	if st := getRS(t, c, "web").Status; ptr.Deref(st.TerminatingReplicas, -1) != 1 {
		t.Errorf("terminatingReplicas = %v, want 1", st.TerminatingReplicas)
	}
	env.Advance(10 * time.Second)
	if st := getRS(t, c, "web").Status; st.ReadyReplicas != 2 || ptr.Deref(st.TerminatingReplicas, -1) != 0 {
		t.Errorf("status after the replacement started: %+v", st)
	}
}

func TestAdoptsAndReleasesPods(t *testing.T) {
	env, c := start(t)
	orphan := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "stray", Labels: map[string]string{"app": "web"}}, Spec: template("web").Spec}
	if _, err := c.CoreV1().Pods(ns).Create(ctx, orphan, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	rs := create(t, c, replicaSet("web", 2))
	settle(env)
	got := pods(t, c, "web", false)
	if len(got) != 2 {
		t.Fatalf("pods %v: want the orphan plus one new pod", names(got))
	}
	stray, err := c.CoreV1().Pods(ns).Get(ctx, "stray", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ref := metav1.GetControllerOf(stray); ref == nil || ref.UID != rs.UID || !ptr.Deref(ref.BlockOwnerDeletion, false) {
		t.Fatalf("orphan not adopted: ownerReferences %v", stray.OwnerReferences)
	}

	// Relabel it: the ReplicaSet lets go of it and makes a replacement.
	stray.Labels = map[string]string{"app": "other"}
	if _, err := c.CoreV1().Pods(ns).Update(ctx, stray, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	settle(env)
	stray, err = c.CoreV1().Pods(ns).Get(ctx, "stray", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(stray.OwnerReferences) != 0 {
		t.Errorf("released pod keeps ownerReferences %v", stray.OwnerReferences)
	}
	if got := pods(t, c, "web", false); len(got) != 2 {
		t.Errorf("pods after release: %v, want 2 new ones", names(got))
	}
}

func TestDeletesLeastValuablePodsFirst(t *testing.T) {
	env, c := start(t)
	rs := replicaSet("web", 3)
	create(t, c, rs)
	settle(env)
	// A fourth pod that is not scheduled, adopted as an orphan: scaling
	// down must delete it before any running one.
	// A node selector no node matches keeps it so if a scheduler runs.
	pending := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "pending", Labels: map[string]string{"app": "web"}},
		Spec: corev1.PodSpec{NodeSelector: map[string]string{"no-such": "node"}, Containers: []corev1.Container{{Name: "web", Image: "nginx"}}}}
	if _, err := c.CoreV1().Pods(ns).Create(ctx, pending, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Settle()
	got := pods(t, c, "web", false)
	if len(got) != 3 {
		t.Fatalf("pods %v: the surplus pod was not the one deleted", names(got))
	}
	for _, p := range got {
		if p.Name == "pending" {
			t.Errorf("the unscheduled pod survived; pods %v", names(got))
		}
	}
}

func TestMinReadySecondsOnTheVirtualClock(t *testing.T) {
	env, c := start(t)
	rs := replicaSet("web", 2)
	rs.Spec.MinReadySeconds = 10
	create(t, c, rs)
	env.Advance(3 * time.Second)
	st := getRS(t, c, "web").Status
	if st.ReadyReplicas != 2 || st.AvailableReplicas != 0 {
		t.Fatalf("3s in: ready %d available %d, want 2 and 0", st.ReadyReplicas, st.AvailableReplicas)
	}
	ready := pods(t, c, "web", false)[0].Status.Conditions
	var readyAt time.Time
	for _, cond := range ready {
		if cond.Type == corev1.PodReady {
			readyAt = cond.LastTransitionTime.Time
		}
	}
	// Just before the pods have been ready for 10 s: still unavailable.
	env.Advance(readyAt.Add(10*time.Second).Sub(env.Clock().Now()) - time.Millisecond)
	if st := getRS(t, c, "web").Status; st.AvailableReplicas != 0 {
		t.Fatalf("available %d before minReadySeconds passed", st.AvailableReplicas)
	}
	env.Advance(2 * time.Millisecond)
	if st := getRS(t, c, "web").Status; st.AvailableReplicas != 2 {
		t.Fatalf("available %d right after minReadySeconds passed, want 2", st.AvailableReplicas)
	}
}

func TestReplicationController(t *testing.T) {
	env, c := start(t)
	tmpl := template("legacy")
	rc := &corev1.ReplicationController{
		ObjectMeta: metav1.ObjectMeta{Name: "legacy"},
		Spec:       corev1.ReplicationControllerSpec{Replicas: ptr.To[int32](2), Template: &tmpl},
	}
	rc, err := c.CoreV1().ReplicationControllers(ns).Create(ctx, rc, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	settle(env)
	got := pods(t, c, "legacy", false)
	if len(got) != 2 {
		t.Fatalf("pods %v, want 2", names(got))
	}
	if ref := metav1.GetControllerOf(&got[0]); ref == nil || ref.Kind != "ReplicationController" || ref.APIVersion != "v1" || ref.UID != rc.UID {
		t.Errorf("owner %v, want the ReplicationController", got[0].OwnerReferences)
	}
	rc, err = c.CoreV1().ReplicationControllers(ns).Get(ctx, "legacy", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := corev1.ReplicationControllerStatus{Replicas: 2, FullyLabeledReplicas: 2, ReadyReplicas: 2, AvailableReplicas: 2, ObservedGeneration: rc.Generation}
	if diff := cmp.Diff(want, rc.Status); diff != "" {
		t.Errorf("status (-want +got):\n%s", diff)
	}
	ev, err := c.CoreV1().Events(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range ev.Items {
		if e.InvolvedObject.Kind == "ReplicationController" && e.Reason == "SuccessfulCreate" && e.Source.Component == "replication-controller" {
			found = true
		}
	}
	if !found {
		t.Error("no SuccessfulCreate event from replication-controller")
	}
	// Scale down through the scale subresource, as kubectl scale does.
	s, err := c.CoreV1().ReplicationControllers(ns).GetScale(ctx, "legacy", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s.Spec.Replicas = 1
	if _, err := c.CoreV1().ReplicationControllers(ns).UpdateScale(ctx, "legacy", s, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	settle(env)
	if got := pods(t, c, "legacy", false); len(got) != 1 {
		t.Errorf("pods after scaling to 1: %v", names(got))
	}
}
