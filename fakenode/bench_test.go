package fakenode_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesim/kubesim/testkit"
)

// BenchmarkThousandPodsReady creates 1,000 pods (nginx, no command) on 10
// simulated nodes, spread by the scheduler, and runs the cluster until all
// are Running and Ready: creation, scheduling, image pulls, starts, status
// and events, end to end. It also reports the heap held per running pod,
// when all are Ready and ten virtual minutes later.
func BenchmarkThousandPodsReady(b *testing.B) {
	const pods = 1000
	var heapPerPod, idleHeapPerPod float64
	for b.Loop() {
		b.StopTimer()
		env := testkit.Start(b, testkit.WithNodes(10))
		env.Settle()
		settleHeap()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		b.StartTimer()
		for i := 0; i < pods; i++ {
			p := nginxPod(fmt.Sprintf("web-%d", i), "")
			if _, err := env.Client().CoreV1().Pods("default").Create(ctx, p, metav1.CreateOptions{}); err != nil {
				b.Fatal(err)
			}
		}
		env.Advance(2 * time.Second) // the image pull
		b.StopTimer()
		list, err := env.Client().CoreV1().Pods("default").List(ctx, metav1.ListOptions{})
		if err != nil {
			b.Fatal(err)
		}
		ready := 0
		for _, p := range list.Items {
			for _, c := range p.Status.Conditions {
				if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
					ready++
				}
			}
		}
		if ready != pods {
			b.Fatalf("%d of %d pods ready", ready, pods)
		}
		list = nil
		heapPerPod = heapSince(&before) / pods
		// Ten minutes later the pods have been synced, probed for
		// status and kept by their nodes' heartbeats many times over:
		// what they hold then is what an idle pod costs for good.
		env.Advance(10 * time.Minute)
		idleHeapPerPod = heapSince(&before) / pods
		b.StartTimer()
	}
	b.ReportMetric(heapPerPod, "heap-B/pod")
	b.ReportMetric(idleHeapPerPod, "idle-heap-B/pod")
}

// heapSince returns the bytes the heap grew since before.
func heapSince(before *runtime.MemStats) float64 {
	settleHeap()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	return float64(after.HeapAlloc) - float64(before.HeapAlloc)
}

// settleHeap collects garbage twice: sync.Pool's victim caches outlive
// one collection, and would count as heap held by the pods.
func settleHeap() {
	runtime.GC()
	runtime.GC()
}
