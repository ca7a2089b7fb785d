package fakenode_test

import (
	"context"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesim/kubesim/testkit"
)

var ctx = context.Background()

func TestNodeRegistersAndHeartbeats(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(2))
	env.Settle()
	nodes, err := env.Client().CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(nodes.Items) != 2 {
		t.Fatalf("%d nodes registered, want 2", len(nodes.Items))
	}
	n := nodes.Items[0]
	if n.Labels[corev1.LabelHostname] != "node-1" || n.Status.Allocatable.Cpu().String() != "4" {
		t.Errorf("node-1: labels %v allocatable %v", n.Labels, n.Status.Allocatable)
	}
	ready := false
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady && c.Status == corev1.ConditionTrue && c.Reason == "KubeletReady" {
			ready = true
		}
	}
	if !ready {
		t.Errorf("node-1 not Ready: %+v", n.Status.Conditions)
	}
	lease := func() *coordinationv1.Lease {
		l, err := env.Client().CoordinationV1().Leases(corev1.NamespaceNodeLease).Get(ctx, "node-1", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	first := lease().Spec.RenewTime.Time
	env.Advance(25 * time.Second)
	if got := lease().Spec.RenewTime.Time; got.Sub(first) != 20*time.Second {
		t.Errorf("lease renewed at %v after %v, want 20s later (every 10s)", got, first)
	}
}

// TestDeletedNodeRegistersAgain: a kubelet whose Node object is deleted
// while it runs creates it again at its next status check.
func TestDeletedNodeRegistersAgain(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	env.Settle()
	nodes := env.Client().CoreV1().Nodes()
	before, err := nodes.Get(ctx, "node-1", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := nodes.Delete(ctx, "node-1", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(10 * time.Second)
	after, err := nodes.Get(ctx, "node-1", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("10 s after its deletion: %v", err)
	}
	if after.UID == before.UID {
		t.Errorf("node-1 has its old uid %s", after.UID)
	}
	if after.Status.Allocatable.Cpu().String() != "4" || len(after.Status.Conditions) == 0 {
		t.Errorf("registered again without its status: %+v", after.Status)
	}
	// The status checks go on against the new object.
	env.Advance(5 * time.Minute)
	latest, err := nodes.Get(ctx, "node-1", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if latest.UID != after.UID || latest.ResourceVersion == after.ResourceVersion {
		t.Errorf("node-1 after 5 minutes: uid %s (was %s), resourceVersion %s (was %s): the status report every 5 minutes is missing",
			latest.UID, after.UID, latest.ResourceVersion, after.ResourceVersion)
	}
}

func nginxPod(name, node string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: corev1.PodSpec{
			NodeName:   node,
			Containers: []corev1.Container{{Name: "nginx", Image: "nginx:1.25"}},
		},
	}
}

func TestPodRunsToReady(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	pods := env.Client().CoreV1().Pods("default")
	if _, err := pods.Create(ctx, nginxPod("web", "node-1"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Settle()
	p, _ := pods.Get(ctx, "web", metav1.GetOptions{})
	if p.Status.Phase != corev1.PodPending || p.Status.ContainerStatuses[0].State.Waiting == nil ||
		p.Status.ContainerStatuses[0].State.Waiting.Reason != "ContainerCreating" {
		t.Errorf("while pulling: phase %s statuses %+v", p.Status.Phase, p.Status.ContainerStatuses)
	}
	env.Advance(2 * time.Second)
	p, _ = pods.Get(ctx, "web", metav1.GetOptions{})
	if p.Status.Phase != corev1.PodRunning || !p.Status.ContainerStatuses[0].Ready || p.Status.PodIP == "" {
		t.Fatalf("after the pull: phase %s statuses %+v ip %q", p.Status.Phase, p.Status.ContainerStatuses, p.Status.PodIP)
	}
	evs, _ := env.Client().CoreV1().Events("default").List(ctx, metav1.ListOptions{})
	var reasons []string
	for _, e := range evs.Items {
		reasons = append(reasons, e.Reason)
	}
	t.Logf("events: %v", reasons)
}
