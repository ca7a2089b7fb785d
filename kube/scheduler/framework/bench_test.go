package framework

import (
	"context"
	"fmt"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// benchNodes are 1,000 nodes of 32 cpu / 128Gi over three zones.
func benchNodes() []*corev1.Node {
	nodes := make([]*corev1.Node, 1000)
	for i := range nodes {
		nodes[i] = mkNode(fmt.Sprintf("node-%04d", i), "32", "128Gi",
			nodeLabels(corev1.LabelTopologyZone, fmt.Sprintf("zone-%d", i%3)))
	}
	return nodes
}

// benchPods are 10,000 replicas of one ReplicaSet, as a Deployment makes.
func benchPods() []*corev1.Pod {
	pods := make([]*corev1.Pod, 10000)
	for i := range pods {
		p := mkPod(fmt.Sprintf("web-%05d", i), requests("100m", "128Mi"), withLabels("app", "web", "pod-template-hash", "abc"))
		p.UID = types.UID(p.Name)
		p.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web-abc", Controller: ptrTrue()}}
		pods[i] = p
	}
	return pods
}

// runBench schedules and assumes every pod, one after another, as the
// scheduling queue does, and reports the throughput.
func runBench(b *testing.B, opts Options) {
	nodes, pods := benchNodes(), benchPods()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		snap := NewSnapshot(nodes, nil)
		s, err := New(opts)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for _, p := range pods {
			r, err := s.Schedule(ctx, snap, p)
			if err != nil {
				b.Fatal(err)
			}
			if err := snap.AssumePod(p, r.SuggestedHost); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(pods)*b.N)/b.Elapsed().Seconds(), "pods/s")
}

// BenchmarkSchedule10kPods1kNodes measures the pure algorithm on the
// default profile without workload listers (no default spreading).
func BenchmarkSchedule10kPods1kNodes(b *testing.B) { runBench(b, Options{Seed: 1}) }

// BenchmarkSchedule10kPods1kNodesDefaultSpread adds the ReplicaSet lister,
// so the system default topology spreading scores every pod.
func BenchmarkSchedule10kPods1kNodesDefaultSpread(b *testing.B) {
	rs := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "web-abc", Namespace: "default"},
		Spec: appsv1.ReplicaSetSpec{Selector: selector("app", "web", "pod-template-hash", "abc")}}
	runBench(b, Options{Seed: 1, Listers: Listers{ReplicaSet: func(string, string) *appsv1.ReplicaSet { return rs }}})
}
