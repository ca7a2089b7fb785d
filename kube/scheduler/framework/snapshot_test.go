package framework

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
)

func TestSnapshotAccounting(t *testing.T) {
	snap := NewSnapshot([]*corev1.Node{mkNode("a", "4", "8Gi")}, []*corev1.Pod{
		mkPod("e1", requests("1", "1Gi"), onNode("a")),
		mkPod("done", requests("1", "1Gi"), onNode("a"), func(p *corev1.Pod) { p.Status.Phase = corev1.PodSucceeded }),
		mkPod("pending", requests("1", "1Gi")),
	})
	ni := snap.NodeInfo("a")
	if got := len(ni.Pods()); got != 1 {
		t.Fatalf("pods on a = %d, want 1 (finished and pending pods are left out)", got)
	}
	p := mkPod("p", withHostPort(80))
	if err := snap.AssumePod(p, "a"); err != nil {
		t.Fatal(err)
	}
	if p.Spec.NodeName != "" {
		t.Errorf("AssumePod changed the caller's pod")
	}
	type acct struct{ CPU, Mem, NonZeroCPU, NonZeroMem int64 }
	get := func() acct {
		r, nz := ni.Requested(), ni.NonZeroRequested()
		return acct{r.MilliCPU, r.Memory, nz.MilliCPU, nz.Memory}
	}
	// The best-effort pod adds nothing to Requested, 100m/200Mi to NonZeroRequested.
	if diff := cmp.Diff(acct{1000, 1 << 30, 1100, 1<<30 + 200<<20}, get()); diff != "" {
		t.Errorf("after assume (-want +got):\n%s", diff)
	}
	if !ni.usedPorts.conflicts("", "TCP", 80) {
		t.Errorf("host port 80 not recorded")
	}
	// Updating a pod replaces it.
	if err := snap.UpdatePod(mkPod("e1", requests("2", "1Gi"), onNode("a"))); err != nil {
		t.Fatal(err)
	}
	if err := snap.RemovePod(p.UID); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(acct{2000, 1 << 30, 2000, 1 << 30}, get()); diff != "" {
		t.Errorf("after update and remove (-want +got):\n%s", diff)
	}
	if ni.usedPorts.conflicts("", "TCP", 80) {
		t.Errorf("host port 80 still recorded")
	}
	if err := snap.RemovePod(p.UID); err == nil {
		t.Errorf("removing a missing pod should fail")
	}
	if err := snap.AssumePod(mkPod("q"), "nope"); err == nil {
		t.Errorf("assuming onto a missing node should fail")
	}
}

func TestSnapshotPodsBeforeTheirNode(t *testing.T) {
	snap := NewSnapshot(nil, []*corev1.Pod{mkPod("early", requests("1", ""), onNode("late"))})
	if snap.NumNodes() != 0 || snap.NodeInfo("late") != nil {
		t.Fatalf("a node without a Node object must not be listed")
	}
	snap.SetNode(mkNode("late", "4", "8Gi"))
	if got := snap.NodeInfo("late").Requested().MilliCPU; got != 1000 {
		t.Errorf("requested on late = %d, want 1000", got)
	}
	snap.RemoveNode("late")
	snap.SetNode(mkNode("late", "4", "8Gi"))
	if got := len(snap.NodeInfo("late").Pods()); got != 1 {
		t.Errorf("pods kept across node removal = %d, want 1", got)
	}
}

func TestSnapshotInterleavesZones(t *testing.T) {
	zone := func(name, z string) *corev1.Node {
		return mkNode(name, "1", "1Gi", nodeLabels(corev1.LabelTopologyZone, z))
	}
	snap := NewSnapshot([]*corev1.Node{zone("a1", "a"), zone("a2", "a"), zone("a3", "a"), zone("b1", "b"), zone("c1", "c"), zone("c2", "c")}, nil)
	var got []string
	for _, ni := range snap.NodeInfos() {
		got = append(got, ni.Node().Name)
	}
	if diff := cmp.Diff([]string{"a1", "b1", "c1", "a2", "c2", "a3"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// Moving a node to another zone moves it in the list.
	snap.SetNode(zone("a1", "b"))
	got = got[:0]
	for _, ni := range snap.NodeInfos() {
		got = append(got, ni.Node().Name)
	}
	if diff := cmp.Diff([]string{"a2", "b1", "c1", "a3", "a1", "c2"}, got); diff != "" {
		t.Errorf("after zone change (-want +got):\n%s", diff)
	}
}
