package timeline_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesim/kubesim/cluster"
	"github.com/kubesim/kubesim/fakenode"
	"github.com/kubesim/kubesim/testkit/timeline"
)

// Record works on any simulated cluster, not only in tests: here it tells
// the story of a pod that runs for three seconds and completes. The
// kubelet's status lines are shown; its events are in the story too.
func ExampleRecord() {
	c, err := cluster.New(cluster.Config{Nodes: []fakenode.NodeSpec{{Name: "node-1"}}})
	if err != nil {
		panic(err)
	}
	defer c.Close()
	rec, err := timeline.Record(timeline.Source{Store: c.ControlPlane.Store, Clock: c.Clock, Activity: c.Activity})
	if err != nil {
		panic(err)
	}
	defer rec.Stop()
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "job", Namespace: "default"},
		Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyNever, Containers: []corev1.Container{{
			Name: "main", Image: "busybox:1.36", Command: []string{"sh", "-c", "sleep 3"},
		}}},
	}
	if _, err := c.Client().CoreV1().Pods("default").Create(context.Background(), pod, metav1.CreateOptions{}); err != nil {
		panic(err)
	}
	if err := c.Advance(context.Background(), time.Minute); err != nil {
		panic(err)
	}
	tl := rec.Timeline()
	p, _ := tl.Pod("default", "job")
	for _, l := range tl.Story(p) {
		if strings.Contains(l.Text, ": ") && !strings.HasPrefix(l.Text, "container") {
			continue // an event
		}
		fmt.Println(tl.Offset(l.At), l.Text)
	}
	var page strings.Builder
	_ = tl.WriteHTML(&page) // a self-contained page, to save and open in a browser
	// Output:
	// 00:00:00 created
	// 00:00:00 phase Pending
	// 00:00:00 scheduled to node-1
	// 00:00:00 container main: ContainerCreating
	// 00:00:01 container main: Running
	// 00:00:01 container main: ready
	// 00:00:01 phase Running
	// 00:00:01 ready
	// 00:00:04 container main: Completed (exit code 0)
	// 00:00:04 phase Succeeded
	// 00:00:04 not ready
}
