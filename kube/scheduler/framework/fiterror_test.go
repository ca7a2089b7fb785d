package framework

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
)

// scheduleAndPreempt runs a failing cycle as the scheduler does: Schedule,
// then Preempt with the FitError, and returns the FailedScheduling message.
func scheduleAndPreempt(t *testing.T, s *Scheduler, snap *Snapshot, pod *corev1.Pod) (string, *PreemptionResult) {
	t.Helper()
	_, err := s.Schedule(context.Background(), snap, pod)
	var fe *FitError
	if !errors.As(err, &fe) {
		t.Fatalf("Schedule: want a *FitError, got %v", err)
	}
	res, err := s.Preempt(context.Background(), snap, pod, fe, PreemptOptions{Now: time.Unix(1000, 0)})
	if err != nil {
		t.Fatalf("Preempt: %v", err)
	}
	return fe.Error(), res
}

func TestFitErrorMessages(t *testing.T) {
	never := corev1.PreemptNever
	immediateWorld := &volumeWorld{
		pvcs:    map[string]*corev1.PersistentVolumeClaim{"default/data": claim("data", "fast", "")},
		classes: map[string]*storagev1.StorageClass{"fast": class("fast", storagev1.VolumeBindingImmediate, "csi.example.com")},
	}
	manyNodes := func() []*corev1.Node {
		var nodes []*corev1.Node
		for i := range 10 {
			nodes = append(nodes, mkNode(fmt.Sprintf("small-%d", i), "1", "4Gi"))
		}
		return append(nodes, mkNode("tainted-1", "8", "8Gi", taint("k", "v", corev1.TaintEffectNoSchedule)),
			mkNode("tainted-2", "8", "8Gi", taint("k", "v", corev1.TaintEffectNoSchedule)))
	}
	tests := []struct {
		name     string
		nodes    []*corev1.Node
		existing []*corev1.Pod
		pod      *corev1.Pod
		listers  Listers
		want     string
	}{
		{
			name: "two reasons, no victims",
			nodes: []*corev1.Node{mkNode("a", "2", "4Gi", nodeLabels("disk", "ssd")),
				mkNode("b", "8", "8Gi"), mkNode("c", "8", "8Gi")},
			existing: []*corev1.Pod{mkPod("busy", requests("1500m", ""), onNode("a"), withPriority(100))},
			pod:      mkPod("p", requests("1", ""), withNodeSelector("disk", "ssd")),
			want: "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector. " +
				"preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.",
		},
		{
			name:  "every node too small for its pods",
			nodes: []*corev1.Node{mkNode("a", "2", "4Gi"), mkNode("b", "2", "4Gi"), mkNode("c", "2", "4Gi")},
			existing: []*corev1.Pod{mkPod("e1", requests("2", ""), onNode("a")), mkPod("e2", requests("2", ""), onNode("b")),
				mkPod("e3", requests("2", ""), onNode("c"))},
			pod:  mkPod("p", requests("1", "")),
			want: "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
		},
		{
			name:  "larger than any node",
			nodes: []*corev1.Node{mkNode("a", "2", "4Gi"), mkNode("b", "2", "4Gi")},
			pod:   mkPod("p", requests("1", "8Gi")),
			want:  "0/2 nodes are available: 2 Insufficient memory. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
		},
		{
			name:     "several reasons on one node",
			nodes:    []*corev1.Node{mkNode("a", "2", "4Gi"), mkNode("b", "2", "2Gi")},
			existing: []*corev1.Pod{mkPod("e1", requests("2", "3Gi"), onNode("a")), mkPod("e2", requests("2", ""), onNode("b"))},
			pod:      mkPod("p", requests("1", "2Gi"), withPreemptionPolicy(never)),
			want:     "0/2 nodes are available: 1 Insufficient memory, 2 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.",
		},
		{
			name:  "counts sort as strings",
			nodes: manyNodes(),
			pod:   mkPod("p", requests("2", "")),
			want: "0/12 nodes are available: 10 Insufficient cpu, 2 node(s) had untolerated taint(s). " +
				"preemption: 0/12 nodes are available: 12 Preemption is not helpful for scheduling.",
		},
		{
			name:    "rejected in PreFilter",
			nodes:   []*corev1.Node{mkNode("a", "2", "4Gi"), mkNode("b", "2", "4Gi")},
			pod:     mkPod("p", withPVC("data")),
			listers: immediateWorld.listers(),
			want: "0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. " +
				"preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestScheduler(t, Options{Listers: tc.listers})
			got, _ := scheduleAndPreempt(t, s, NewSnapshot(tc.nodes, tc.existing), tc.pod)
			if got != tc.want {
				t.Errorf("message:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestScheduleNoNodes(t *testing.T) {
	_, err := newTestScheduler(t, Options{}).Schedule(context.Background(), NewSnapshot(nil, nil), mkPod("p"))
	if !errors.Is(err, ErrNoNodesAvailable) {
		t.Fatalf("got %v, want ErrNoNodesAvailable", err)
	}
}

func TestFitErrorDiagnosisPlugins(t *testing.T) {
	nodes := []*corev1.Node{mkNode("a", "1", "4Gi"), mkNode("b", "8", "8Gi", taint("k", "v", corev1.TaintEffectNoSchedule))}
	_, err := newTestScheduler(t, Options{}).Schedule(context.Background(), NewSnapshot(nodes, nil), mkPod("p", requests("2", "")))
	var fe *FitError
	if !errors.As(err, &fe) {
		t.Fatalf("want FitError, got %v", err)
	}
	if got := fe.Diagnosis.UnschedulablePlugins; !got.Has(PluginNodeResourcesFit) || !got.Has(PluginTaintToleration) || got.Len() != 2 {
		t.Errorf("UnschedulablePlugins = %v", got.UnsortedList())
	}
	if st := fe.Diagnosis.NodeToStatus.Get("a"); st.Code() != UnschedulableAndUnresolvable || st.Plugin() != PluginNodeResourcesFit {
		t.Errorf("status of a = %v", st)
	}
}
