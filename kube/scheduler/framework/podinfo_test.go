package framework

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
)

// TestSimpleRequestsMatchComponentHelpers checks the fast path against the
// general computation with component-helpers' PodRequests.
func TestSimpleRequestsMatchComponentHelpers(t *testing.T) {
	gpu := corev1.ResourceName("example.com/gpu")
	pods := []*corev1.Pod{
		mkPod("empty"),
		mkPod("cpu-only", requests("250m", "")),
		mkPod("mem-only", requests("", "300Mi")),
		mkPod("both", requests("1500m", "1Gi"), requestRes(gpu, "2"), requestRes(corev1.ResourceEphemeralStorage, "1Gi")),
		mkPod("explicit-zero", requests("0", "0")),
		func() *corev1.Pod {
			p := mkPod("two", requests("100m", "64Mi"))
			p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: "side",
				Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: mustQ("0.3")}}})
			return p
		}(),
	}
	type result struct {
		Requests      Resource
		NonZeroCPU    int64
		NonZeroMemory int64
	}
	for _, p := range pods {
		fast := &PodInfo{Pod: p}
		if !fast.computeSimpleRequests() {
			t.Fatalf("%s: fast path refused a simple pod", p.Name)
		}
		// Force the general path with an explicit empty overhead.
		slow := p.DeepCopy()
		slow.Spec.Overhead = corev1.ResourceList{}
		general := &PodInfo{Pod: slow}
		general.computeRequests()
		got := result{fast.Requests, fast.NonZeroCPU, fast.NonZeroMemory}
		want := result{general.Requests, general.NonZeroCPU, general.NonZeroMemory}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-general +fast):\n%s", p.Name, diff)
		}
	}
}
