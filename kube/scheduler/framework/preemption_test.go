package framework

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func victimNames(res *PreemptionResult) []string {
	var out []string
	for _, v := range res.Victims {
		out = append(out, v.Name)
	}
	return out
}

func TestPreemptEvictsLowestPriorityThatFrees(t *testing.T) {
	nodes := []*corev1.Node{mkNode("a", "2", "4Gi")}
	existing := []*corev1.Pod{
		mkPod("low", requests("1500m", ""), withPriority(0), onNode("a")),
		mkPod("mid", requests("500m", ""), withPriority(500), onNode("a")),
	}
	high := mkPod("high", requests("1", ""), withPriority(1000))
	msg, res := scheduleAndPreempt(t, newTestScheduler(t, Options{}), NewSnapshot(nodes, existing), high)
	if res.NominatedNodeName != "a" || res.ClearNominatedNodeName {
		t.Fatalf("result = %+v", res)
	}
	// mid is reprieved first (more important) and still leaves room; low is not.
	if diff := cmp.Diff([]string{"low"}, victimNames(res)); diff != "" {
		t.Errorf("victims (-want +got):\n%s", diff)
	}
	if msg != "0/1 nodes are available: 1 Insufficient cpu." {
		t.Errorf("message after successful preemption = %q", msg)
	}
}

func TestPreemptPrefersNodeWithoutPDBViolation(t *testing.T) {
	nodes := []*corev1.Node{mkNode("a", "2", "4Gi"), mkNode("b", "2", "4Gi")}
	existing := []*corev1.Pod{
		mkPod("guarded", requests("1500m", ""), withLabels("app", "guarded"), onNode("a")),
		mkPod("free", requests("1500m", ""), withLabels("app", "free"), onNode("b")),
	}
	pdb := &policyv1.PodDisruptionBudget{
		ObjectMeta: metav1.ObjectMeta{Name: "guard", Namespace: "default"},
		Spec:       policyv1.PodDisruptionBudgetSpec{Selector: selector("app", "guarded")},
		Status:     policyv1.PodDisruptionBudgetStatus{DisruptionsAllowed: 0},
	}
	high := mkPod("high", requests("1", ""), withPriority(1000))
	for seed := range uint64(8) {
		s := newTestScheduler(t, Options{Seed: seed})
		snap := NewSnapshot(nodes, existing)
		_, err := s.Schedule(context.Background(), snap, high)
		var fe *FitError
		if !errors.As(err, &fe) {
			t.Fatalf("want FitError, got %v", err)
		}
		res, err := s.Preempt(context.Background(), snap, high, fe, PreemptOptions{PodDisruptionBudgets: []*policyv1.PodDisruptionBudget{pdb}})
		if err != nil {
			t.Fatal(err)
		}
		if res.NominatedNodeName != "b" || res.NumPDBViolations != 0 {
			t.Errorf("seed %d: nominated %q with %d violations, want b with 0", seed, res.NominatedNodeName, res.NumPDBViolations)
		}
	}

	// With the guarded node the only option, the budget is violated anyway.
	res, err := preemptOnly(t, []*corev1.Node{nodes[0]}, existing[:1], high, []*policyv1.PodDisruptionBudget{pdb})
	if err != nil {
		t.Fatal(err)
	}
	if res.NominatedNodeName != "a" || res.NumPDBViolations != 1 {
		t.Errorf("nominated %q with %d violations, want a with 1", res.NominatedNodeName, res.NumPDBViolations)
	}
}

func preemptOnly(t *testing.T, nodes []*corev1.Node, existing []*corev1.Pod, pod *corev1.Pod, pdbs []*policyv1.PodDisruptionBudget) (*PreemptionResult, error) {
	t.Helper()
	s := newTestScheduler(t, Options{})
	snap := NewSnapshot(nodes, existing)
	_, err := s.Schedule(context.Background(), snap, pod)
	var fe *FitError
	if !errors.As(err, &fe) {
		t.Fatalf("want FitError, got %v", err)
	}
	return s.Preempt(context.Background(), snap, pod, fe, PreemptOptions{PodDisruptionBudgets: pdbs, Now: time.Unix(1000, 0)})
}

func TestPreemptNodeOrdering(t *testing.T) {
	// The pod needs a whole node, so every pod on the chosen node goes.
	high := mkPod("high", requests("2", ""), withPriority(1000))
	tests := []struct {
		name     string
		existing []*corev1.Pod
		want     string
	}{
		{
			name: "lowest priority of the most important victim",
			existing: []*corev1.Pod{
				mkPod("a-v", requests("2", ""), withPriority(10), onNode("a")),
				mkPod("b-v", requests("2", ""), withPriority(5), onNode("b")),
			},
			want: "b",
		},
		{
			name: "smallest priority sum",
			existing: []*corev1.Pod{
				mkPod("a-v1", requests("1", ""), withPriority(5), onNode("a")),
				mkPod("a-v2", requests("1", ""), withPriority(5), onNode("a")),
				mkPod("b-v", requests("2", ""), withPriority(5), onNode("b")),
			},
			want: "b",
		},
		{
			name: "latest start time",
			existing: []*corev1.Pod{
				mkPod("a-v", requests("2", ""), withPriority(5), withStartTime(100), onNode("a")),
				mkPod("b-v", requests("2", ""), withPriority(5), withStartTime(200), onNode("b")),
			},
			want: "b",
		},
		{
			name: "not-started victims count as starting now",
			existing: []*corev1.Pod{
				mkPod("a-v", requests("2", ""), withPriority(5), onNode("a")),
				mkPod("b-v", requests("2", ""), withPriority(5), withStartTime(200), onNode("b")),
			},
			want: "a",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := preemptOnly(t, []*corev1.Node{mkNode("a", "2", "4Gi"), mkNode("b", "2", "4Gi")}, tc.existing, high, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.NominatedNodeName != tc.want {
				t.Errorf("nominated %q, want %q (victims %v)", res.NominatedNodeName, tc.want, victimNames(res))
			}
		})
	}
}

func TestPreemptSkipsUnresolvableNodes(t *testing.T) {
	nodes := []*corev1.Node{
		mkNode("tainted", "2", "4Gi", taint("k", "v", corev1.TaintEffectNoSchedule)),
		mkNode("ok", "2", "4Gi"),
	}
	existing := []*corev1.Pod{
		mkPod("t-v", requests("2", ""), onNode("tainted")),
		mkPod("ok-v", requests("2", ""), onNode("ok")),
	}
	res, err := preemptOnly(t, nodes, existing, mkPod("high", requests("1", ""), withPriority(1)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.NominatedNodeName != "ok" || len(res.Victims) != 1 || res.Victims[0].Name != "ok-v" {
		t.Errorf("result = %+v", res)
	}
}

func TestPreemptionPolicyNever(t *testing.T) {
	nodes := []*corev1.Node{mkNode("a", "2", "4Gi")}
	existing := []*corev1.Pod{mkPod("low", requests("2", ""), onNode("a"))}
	pod := mkPod("high", requests("1", ""), withPriority(1000), withPreemptionPolicy(corev1.PreemptNever))
	msg, res := scheduleAndPreempt(t, newTestScheduler(t, Options{}), NewSnapshot(nodes, existing), pod)
	if len(res.Victims) != 0 || res.NominatedNodeName != "" || res.ClearNominatedNodeName {
		t.Errorf("result = %+v", res)
	}
	if want := "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never."; msg != want {
		t.Errorf("message = %q, want %q", msg, want)
	}
}

func TestPreemptWaitsForTerminatingVictims(t *testing.T) {
	nodes := []*corev1.Node{mkNode("a", "2", "4Gi")}
	deleting := mkPod("victim", requests("2", ""), onNode("a"))
	deleting.DeletionTimestamp = &metav1.Time{Time: time.Unix(900, 0)}
	deleting.Status.Conditions = []corev1.PodCondition{{Type: corev1.DisruptionTarget, Status: corev1.ConditionTrue, Reason: corev1.PodReasonPreemptionByScheduler}}
	pod := mkPod("high", requests("1", ""), withPriority(1000))
	pod.Status.NominatedNodeName = "a"
	msg, res := scheduleAndPreempt(t, newTestScheduler(t, Options{}), NewSnapshot(nodes, []*corev1.Pod{deleting}), pod)
	if len(res.Victims) != 0 {
		t.Errorf("victims = %v", victimNames(res))
	}
	if want := "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to a terminating pod on the nominated node."; msg != want {
		t.Errorf("message = %q", msg)
	}
}

func TestNominatedPodsHoldTheirRoom(t *testing.T) {
	ctx := context.Background()
	nodes := []*corev1.Node{mkNode("a", "2", "4Gi")}
	low := mkPod("low", requests("2", ""), onNode("a"))
	snap := NewSnapshot(nodes, []*corev1.Pod{low})
	s := newTestScheduler(t, Options{})

	high := mkPod("high", requests("1500m", ""), withPriority(1000))
	_, res := scheduleAndPreempt(t, s, snap, high)
	if res.NominatedNodeName != "a" {
		t.Fatalf("preemption result %+v", res)
	}
	// The queue evicts the victim and records the nomination.
	if err := snap.RemovePod(low.UID); err != nil {
		t.Fatal(err)
	}
	high.Status.NominatedNodeName = "a"
	snap.AddNominatedPod(high, "a")

	// A lower-priority pod must not take the room preemption made...
	other := mkPod("other", requests("1", ""))
	_, err := s.Schedule(ctx, snap, other)
	var fe *FitError
	if !errors.As(err, &fe) || fe.Error() != "0/1 nodes are available: 1 Insufficient cpu." {
		t.Fatalf("lower-priority pod: got %v", err)
	}
	// ...and the preemptor lands on its nominated node.
	r, err := s.Schedule(ctx, snap, high)
	if err != nil || r.SuggestedHost != "a" || r.EvaluatedNodes != 1 {
		t.Fatalf("preemptor: %+v, %v", r, err)
	}
	// Lower-priority nominations on the chosen node are reported for clearing.
	snap.AddNominatedPod(other, "a")
	snap2pod := mkPod("top", requests("2", ""), withPriority(2000))
	if err := snap.AssumePod(high, "a"); err != nil {
		t.Fatal(err)
	}
	snap.RemoveNominatedPod(high.UID)
	_, res = scheduleAndPreempt(t, s, snap, snap2pod)
	if res.NominatedNodeName != "a" || len(res.LowerPriorityNominatedPods) != 1 || res.LowerPriorityNominatedPods[0].Name != "other" {
		t.Errorf("result = %+v", res)
	}
}

func TestPreemptRemovesAntiAffinePod(t *testing.T) {
	// The only node holds a low-priority pod the incoming pod refuses to
	// share a host with; evicting it is what makes room, not resources.
	nodes := []*corev1.Node{mkNode("a", "8", "16Gi")}
	existing := []*corev1.Pod{
		mkPod("web", withLabels("app", "web"), onNode("a")),
		mkPod("db", withLabels("app", "db"), onNode("a")),
	}
	pod := mkPod("high", withPriority(100), withAffinity(podAntiAffinity(corev1.LabelHostname, "app", "web")))
	msg, res := scheduleAndPreempt(t, newTestScheduler(t, Options{}), NewSnapshot(nodes, existing), pod)
	if msg != "0/1 nodes are available: 1 node(s) didn't match pod anti-affinity rules." {
		t.Errorf("message = %q", msg)
	}
	if res.NominatedNodeName != "a" {
		t.Fatalf("result = %+v", res)
	}
	if diff := cmp.Diff([]string{"web"}, victimNames(res)); diff != "" {
		t.Errorf("victims (-want +got):\n%s", diff)
	}
}
