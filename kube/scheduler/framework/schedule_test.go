package framework

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
)

func identicalNodes(n int) []*corev1.Node {
	var nodes []*corev1.Node
	for i := range n {
		nodes = append(nodes, mkNode(fmt.Sprintf("n%03d", i), "8", "16Gi"))
	}
	return nodes
}

func hostsChosen(t *testing.T, seed uint64, n int) []string {
	t.Helper()
	s := newTestScheduler(t, Options{Seed: seed})
	snap := NewSnapshot(identicalNodes(10), nil)
	var out []string
	for i := range n {
		r, err := s.Schedule(context.Background(), snap, mkPod(fmt.Sprintf("p%d", i), requests("100m", "100Mi")))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r.SuggestedHost)
	}
	return out
}

func TestTieBreakingIsRepeatable(t *testing.T) {
	// Nothing is assumed, so every cycle sees ten equally good nodes.
	a, b := hostsChosen(t, 1, 30), hostsChosen(t, 1, 30)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("same seed, different hosts (-first +second):\n%s", diff)
	}
	distinct := map[string]bool{}
	for _, h := range a {
		distinct[h] = true
	}
	if len(distinct) < 3 {
		t.Errorf("ties should be broken at random, got only %v", distinct)
	}
	if c := hostsChosen(t, 2, 30); cmp.Equal(a, c) {
		t.Errorf("seeds 1 and 2 chose the same 30 hosts: %v", a)
	}
}

func TestScheduleChoosesHighestScore(t *testing.T) {
	nodes := []*corev1.Node{mkNode("busy", "4", "8Gi"), mkNode("idle", "4", "8Gi")}
	existing := []*corev1.Pod{mkPod("e", requests("3", "6Gi"), onNode("busy"))}
	for seed := range uint64(10) {
		r, err := newTestScheduler(t, Options{Seed: seed}).Schedule(context.Background(), NewSnapshot(nodes, existing), mkPod("p", requests("500m", "1Gi")))
		if err != nil {
			t.Fatal(err)
		}
		if r.SuggestedHost != "idle" || r.FeasibleNodes != 2 || r.EvaluatedNodes != 2 {
			t.Errorf("seed %d: %+v", seed, r)
		}
	}
}

func TestNumFeasibleNodesToFind(t *testing.T) {
	tests := []struct {
		percentage int32
		nodes      int
		want       int
	}{
		{0, 10, 10},
		{0, 99, 99},
		{0, 100, 100},
		{0, 200, 100},   // 48% of 200 is under the minimum of 100
		{0, 1000, 420},  // 50 - 1000/125 = 42%
		{0, 5000, 500},  // 10%
		{0, 6000, 300},  // 50 - 48 = 2%, raised to 5%
		{10, 1000, 100}, // fixed percentage
		{100, 1000, 1000},
		{30, 500, 150},
	}
	for _, tc := range tests {
		s := newTestScheduler(t, Options{PercentageOfNodesToScore: tc.percentage})
		if got := s.numFeasibleNodesToFind(tc.nodes); got != tc.want {
			t.Errorf("percentage %d, %d nodes: got %d, want %d", tc.percentage, tc.nodes, got, tc.want)
		}
	}
}

func TestSearchWindowRotates(t *testing.T) {
	s := newTestScheduler(t, Options{Parallelism: 4})
	snap := NewSnapshot(identicalNodes(250), nil)
	for i := range 3 {
		r, err := s.Schedule(context.Background(), snap, mkPod(fmt.Sprintf("p%d", i)))
		if err != nil {
			t.Fatal(err)
		}
		// 50 - 250/125 = 48% of 250 = 120 nodes examined per cycle.
		if r.EvaluatedNodes != 120 || r.FeasibleNodes != 120 {
			t.Fatalf("cycle %d: %+v", i, r)
		}
		if want := (i + 1) * 120 % 250; s.nextStartNodeIndex != want {
			t.Fatalf("cycle %d: next start %d, want %d", i, s.nextStartNodeIndex, want)
		}
	}
}

func TestAntiAffinitySpreadsReplicas(t *testing.T) {
	ctx := context.Background()
	nodes := []*corev1.Node{mkNode("a", "4", "8Gi"), mkNode("b", "4", "8Gi"), mkNode("c", "4", "8Gi")}
	snap := NewSnapshot(nodes, nil)
	s := newTestScheduler(t, Options{Seed: 7})
	replica := func(i int) *corev1.Pod {
		return mkPod(fmt.Sprintf("web-%d", i), withLabels("app", "web"), requests("100m", "128Mi"),
			withAffinity(podAntiAffinity(corev1.LabelHostname, "app", "web")))
	}
	used := map[string]bool{}
	for i := range 3 {
		p := replica(i)
		r, err := s.Schedule(ctx, snap, p)
		if err != nil {
			t.Fatalf("replica %d: %v", i, err)
		}
		if used[r.SuggestedHost] {
			t.Fatalf("replica %d placed on %s again", i, r.SuggestedHost)
		}
		used[r.SuggestedHost] = true
		if err := snap.AssumePod(p, r.SuggestedHost); err != nil {
			t.Fatal(err)
		}
	}
	_, err := s.Schedule(ctx, snap, replica(3))
	var fe *FitError
	if !errors.As(err, &fe) {
		t.Fatalf("fourth replica: want FitError, got %v", err)
	}
	if _, err := s.Preempt(ctx, snap, replica(3), fe, PreemptOptions{}); err != nil {
		t.Fatal(err)
	}
	want := "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. " +
		"preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."
	if fe.Error() != want {
		t.Errorf("message = %q", fe.Error())
	}
}

func TestSpreadingKeepsZonesEven(t *testing.T) {
	ctx := context.Background()
	snap := NewSnapshot(zoneNodes(), nil)
	s := newTestScheduler(t, Options{Seed: 3})
	perZone := map[string]int{}
	for i := range 9 {
		p := mkPod(fmt.Sprintf("w%d", i), withLabels("app", "web"), withSpread(corev1.TopologySpreadConstraint{
			MaxSkew: 1, TopologyKey: corev1.LabelTopologyZone, WhenUnsatisfiable: corev1.DoNotSchedule, LabelSelector: selector("app", "web")}))
		r, err := s.Schedule(ctx, snap, p)
		if err != nil {
			t.Fatal(err)
		}
		if err := snap.AssumePod(p, r.SuggestedHost); err != nil {
			t.Fatal(err)
		}
		perZone[snap.NodeInfo(r.SuggestedHost).Node().Labels[corev1.LabelTopologyZone]]++
	}
	if diff := cmp.Diff(map[string]int{"a": 3, "b": 3, "c": 3}, perZone); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestParallelismDoesNotChangeDecisions schedules the same pods with one
// and with four goroutines: filtering cuts the search in list order and
// scoring is per node, so the hosts must be identical.
func TestParallelismDoesNotChangeDecisions(t *testing.T) {
	run := func(parallelism int) []string {
		var nodes []*corev1.Node
		for i := range 400 {
			nodes = append(nodes, mkNode(fmt.Sprintf("n%03d", i), "4", "8Gi", nodeLabels(corev1.LabelTopologyZone, fmt.Sprintf("z%d", i%4))))
		}
		var existing []*corev1.Pod
		for i := range 300 {
			existing = append(existing, mkPod(fmt.Sprintf("e%d", i), requests(fmt.Sprintf("%dm", 500+i%7*500), "1Gi"),
				withLabels("app", fmt.Sprintf("a%d", i%3)), onNode(fmt.Sprintf("n%03d", i*7%400))))
		}
		snap := NewSnapshot(nodes, existing)
		s := newTestScheduler(t, Options{Seed: 42, Parallelism: parallelism})
		var hosts []string
		for i := range 40 {
			p := mkPod(fmt.Sprintf("p%d", i), requests("1", "1Gi"), withLabels("app", "a1"), withSpread(corev1.TopologySpreadConstraint{
				MaxSkew: 2, TopologyKey: corev1.LabelTopologyZone, WhenUnsatisfiable: corev1.ScheduleAnyway, LabelSelector: selector("app", "a1")}))
			r, err := s.Schedule(context.Background(), snap, p)
			if err != nil {
				t.Fatal(err)
			}
			hosts = append(hosts, r.SuggestedHost)
			if err := snap.AssumePod(p, r.SuggestedHost); err != nil {
				t.Fatal(err)
			}
		}
		return hosts
	}
	if diff := cmp.Diff(run(1), run(4)); diff != "" {
		t.Errorf("(-sequential +parallel):\n%s", diff)
	}
}
