package kubesim_test

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubesim/kubesim/cluster"
	"github.com/kubesim/kubesim/fakenode"
)

// A pod with a nodeSelector waits, Pending and Unschedulable in the
// scheduler's words, until a node carries the label; then it is placed
// there.
func Example_nodeSelector() {
	c, err := cluster.New(cluster.Config{Nodes: []fakenode.NodeSpec{{Name: "node-1"}, {Name: "node-2"}}})
	if err != nil {
		panic(err)
	}
	defer c.Close()
	ctx := context.Background()
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "nginx"},
		Spec: corev1.PodSpec{
			NodeSelector: map[string]string{"disktype": "ssd"},
			Containers:   []corev1.Container{{Name: "nginx", Image: "nginx:1.27"}},
		},
	}
	mustCreate(c, pod)
	if err := c.Advance(ctx, 10*time.Second); err != nil {
		panic(err)
	}
	p := getPod(c, "nginx")
	for _, cond := range p.Status.Conditions {
		if cond.Type == corev1.PodScheduled {
			fmt.Printf("%s, %s: %s\n", p.Status.Phase, cond.Reason, cond.Message)
		}
	}
	patch := []byte(`{"metadata":{"labels":{"disktype":"ssd"}}}`)
	if _, err := c.Client().CoreV1().Nodes().Patch(ctx, "node-2", types.StrategicMergePatchType, patch, metav1.PatchOptions{}); err != nil {
		panic(err)
	}
	if err := c.Advance(ctx, 30*time.Second); err != nil {
		panic(err)
	}
	p = getPod(c, "nginx")
	fmt.Println(p.Status.Phase, "on", p.Spec.NodeName)
	// Output:
	// Pending, Unschedulable: 0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.
	// Running on node-2
}

// A high-priority pod that does not fit preempts a low-priority one: the
// scheduler nominates the node, the victim gets the DisruptionTarget
// condition and its grace period, and the preemptor runs once it is gone.
func Example_preemption() {
	c, err := cluster.New(cluster.Config{Nodes: []fakenode.NodeSpec{{Name: "small", Capacity: map[corev1.ResourceName]string{"cpu": "1"}}}})
	if err != nil {
		panic(err)
	}
	defer c.Close()
	ctx := context.Background()
	for _, pc := range []*schedulingv1.PriorityClass{
		{ObjectMeta: metav1.ObjectMeta{Name: "low-priority"}, Value: 10},
		{ObjectMeta: metav1.ObjectMeta{Name: "high-priority"}, Value: 1000000},
	} {
		if _, err := c.Client().SchedulingV1().PriorityClasses().Create(ctx, pc, metav1.CreateOptions{}); err != nil {
			panic(err)
		}
	}
	mk := func(name, class string) *corev1.Pod {
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: corev1.PodSpec{
			PriorityClassName: class,
			Containers: []corev1.Container{{Name: "app", Image: "busybox:1.36", Command: []string{"sleep", "3600"},
				Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("800m")}}}},
		}}
	}
	mustCreate(c, mk("batch", "low-priority"))
	if err := c.Advance(ctx, 10*time.Second); err != nil {
		panic(err)
	}
	mustCreate(c, mk("web", "high-priority"))
	if err := c.Settle(ctx); err != nil {
		panic(err)
	}
	web, batch := getPod(c, "web"), getPod(c, "batch")
	fmt.Println("web priority", *web.Spec.Priority, "nominated to", web.Status.NominatedNodeName)
	for _, cond := range batch.Status.Conditions {
		if cond.Type == corev1.DisruptionTarget {
			fmt.Println("batch:", cond.Reason, "-", cond.Message)
		}
	}
	if err := c.Advance(ctx, time.Minute); err != nil {
		panic(err)
	}
	web = getPod(c, "web")
	_, err = c.Client().CoreV1().Pods("default").Get(ctx, "batch", metav1.GetOptions{})
	fmt.Println("web", web.Status.Phase, "on", web.Spec.NodeName, "; batch gone:", err != nil)
	// Output:
	// web priority 1000000 nominated to small
	// batch: PreemptionByScheduler - default-scheduler: preempting to accommodate a higher priority pod
	// web Running on small ; batch gone: true
}
