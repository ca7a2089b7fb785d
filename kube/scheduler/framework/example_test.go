package framework_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubesim/kubesim/kube/scheduler/framework"
)

func node(name, cpu string) *corev1.Node {
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Status: corev1.NodeStatus{Allocatable: corev1.ResourceList{
			corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse("4Gi"),
			corev1.ResourcePods: resource.MustParse("110"),
		}},
	}
}

func pod(name, cpu string, priority int32) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", UID: types.UID(name)},
		Spec: corev1.PodSpec{Priority: &priority, Containers: []corev1.Container{{Name: "c",
			Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu)}}}}},
	}
}

// A pod that fits is placed and assumed; one that does not fit gets the
// FailedScheduling message, and preemption picks a victim for it.
func Example() {
	ctx := context.Background()
	snap := framework.NewSnapshot([]*corev1.Node{node("a", "2"), node("b", "2")}, nil)
	s, _ := framework.New(framework.Options{Seed: 1})

	for _, p := range []*corev1.Pod{pod("batch-1", "1500m", 0), pod("batch-2", "1500m", 0)} {
		res, _ := s.Schedule(ctx, snap, p)
		_ = snap.AssumePod(p, res.SuggestedHost)
	}

	urgent := pod("urgent", "1", 1000)
	_, err := s.Schedule(ctx, snap, urgent)
	var fitErr *framework.FitError
	if errors.As(err, &fitErr) {
		pr, _ := s.Preempt(ctx, snap, urgent, fitErr, framework.PreemptOptions{Now: time.Unix(0, 0)})
		fmt.Println(fitErr.Error())
		fmt.Println("victims:", len(pr.Victims), "nominated:", pr.NominatedNodeName != "")
	}

	lowly := pod("lowly", "1", 0)
	_, err = s.Schedule(ctx, snap, lowly)
	if errors.As(err, &fitErr) {
		_, _ = s.Preempt(ctx, snap, lowly, fitErr, framework.PreemptOptions{})
		fmt.Println(fitErr.Error())
	}
	// Output:
	// 0/2 nodes are available: 2 Insufficient cpu.
	// victims: 1 nominated: true
	// 0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.
}
