package daemonset_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/fakenode"
	"github.com/kubesim/kubesim/testkit"
)

func TestOnePodPerNode(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(3))
	c := env.Client()
	ds := create(t, c, newDaemonSet("agent"))
	env.Advance(5 * time.Second)

	ps := pods(t, c, "agent", true)
	if diff := cmp.Diff(map[string]int{"node-1": 1, "node-2": 1, "node-3": 1}, nodesOf(ps)); diff != "" {
		t.Fatalf("pods per node (-want +got):\n%s", diff)
	}
	revs, err := c.AppsV1().ControllerRevisions(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(revs.Items) != 1 {
		t.Fatalf("revisions %v, want 1", revs.Items)
	}
	rev := revs.Items[0]
	hash := rev.Labels[appsv1.DefaultDaemonSetUniqueLabelKey]
	if rev.Name != "agent-"+hash || rev.Revision != 1 || metav1.GetControllerOf(&rev).UID != ds.UID {
		t.Errorf("revision %s (%d), hash %s", rev.Name, rev.Revision, hash)
	}
	wantTolerations := []corev1.Toleration{
		{Key: "node.kubernetes.io/not-ready", Operator: "Exists", Effect: "NoExecute"},
		{Key: "node.kubernetes.io/unreachable", Operator: "Exists", Effect: "NoExecute"},
		{Key: "node.kubernetes.io/disk-pressure", Operator: "Exists", Effect: "NoSchedule"},
		{Key: "node.kubernetes.io/memory-pressure", Operator: "Exists", Effect: "NoSchedule"},
		{Key: "node.kubernetes.io/pid-pressure", Operator: "Exists", Effect: "NoSchedule"},
		{Key: "node.kubernetes.io/unschedulable", Operator: "Exists", Effect: "NoSchedule"},
	}
	for _, p := range ps {
		if p.Labels[appsv1.DefaultDaemonSetUniqueLabelKey] != hash || p.GenerateName != "agent-" {
			t.Errorf("%s labels %v, generateName %q", p.Name, p.Labels, p.GenerateName)
		}
		wantAffinity := &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
			NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchFields: []corev1.NodeSelectorRequirement{{Key: "metadata.name", Operator: "In", Values: []string{p.Spec.NodeName}}}}},
		}}}
		if diff := cmp.Diff(wantAffinity, p.Spec.Affinity); diff != "" {
			t.Errorf("%s affinity (-want +got):\n%s", p.Name, diff)
		}
		if diff := cmp.Diff(wantTolerations, p.Spec.Tolerations); diff != "" {
			t.Errorf("%s tolerations (-want +got):\n%s", p.Name, diff)
		}
		if !isReady(&p) {
			t.Errorf("%s not ready", p.Name)
		}
	}
	want := appsv1.DaemonSetStatus{CurrentNumberScheduled: 3, DesiredNumberScheduled: 3, NumberReady: 3, ObservedGeneration: 1, UpdatedNumberScheduled: 3, NumberAvailable: 3}
	if diff := cmp.Diff(want, getDS(t, c, "agent").Status); diff != "" {
		t.Errorf("status (-want +got):\n%s", diff)
	}
	if n := countPrefix(events(t, c, "DaemonSet", "agent"), "SuccessfulCreate: Created pod: agent-"); n != 3 {
		t.Errorf("%d SuccessfulCreate events, want 3", n)
	}
}

func countPrefix(list []string, prefix string) int {
	n := 0
	for _, s := range list {
		if len(s) >= len(prefix) && s[:len(prefix)] == prefix {
			n++
		}
	}
	return n
}

// TestFollowsNodes: a node added later gets a pod, a node whose labels stop
// matching the node selector loses it, one that starts matching gets one.
func TestFollowsNodes(t *testing.T) {
	worker := map[string]string{"role": "worker"}
	env := testkit.Start(t, node("node-1", worker), node("node-2", nil))
	c := env.Client()
	ds := newDaemonSet("agent")
	ds.Spec.Template.Spec.NodeSelector = worker
	create(t, c, ds)
	env.Advance(5 * time.Second)
	if diff := cmp.Diff(map[string]int{"node-1": 1}, nodesOf(pods(t, c, "agent", true))); diff != "" {
		t.Fatalf("pods per node (-want +got):\n%s", diff)
	}

	n3, err := env.Cluster().AddNode(ctx, fakenode.NodeSpec{Name: "node-3", Labels: worker})
	if err != nil {
		t.Fatal(err)
	}
	// fakenode drops the pods bound to a node while it registers (it is
	// not "running" until its Lease exists), and the DaemonSet pod can be
	// bound that fast; a restart makes the kubelet list its pods again.
	n3.Stop()
	if err := n3.Start(ctx); err != nil {
		t.Fatal(err)
	}
	env.Advance(5 * time.Second)
	if diff := cmp.Diff(map[string]int{"node-1": 1, "node-3": 1}, nodesOf(pods(t, c, "agent", true))); diff != "" {
		t.Fatalf("after adding node-3 (-want +got):\n%s", diff)
	}

	modifyNode(t, c, "node-1", func(n *corev1.Node) { delete(n.Labels, "role") })
	modifyNode(t, c, "node-2", func(n *corev1.Node) { n.Labels["role"] = "worker" })
	env.Advance(35 * time.Second)
	if diff := cmp.Diff(map[string]int{"node-2": 1, "node-3": 1}, nodesOf(pods(t, c, "agent", true))); diff != "" {
		t.Fatalf("after relabelling (-want +got):\n%s", diff)
	}
	st := getDS(t, c, "agent").Status
	if st.DesiredNumberScheduled != 2 || st.CurrentNumberScheduled != 2 || st.NumberMisscheduled != 0 || st.NumberReady != 2 {
		t.Errorf("status: %+v", st)
	}
	if n := countPrefix(events(t, c, "DaemonSet", "agent"), "SuccessfulDelete: Deleted pod: agent-"); n != 1 {
		t.Errorf("%d SuccessfulDelete events, want 1", n)
	}
}

// TestTaints: a NoSchedule taint keeps a DaemonSet off a node unless it
// tolerates it; a cordoned node gets its pod anyway; a NoExecute taint
// evicts, a NoSchedule one added later does not.
func TestTaints(t *testing.T) {
	dedicated := corev1.Taint{Key: "dedicated", Value: "infra", Effect: corev1.TaintEffectNoSchedule}
	env := testkit.Start(t, node("node-1", nil), node("node-2", nil, dedicated),
		testkit.WithNode(fakenode.NodeSpec{Name: "node-3", Unschedulable: true}))
	c := env.Client()
	create(t, c, newDaemonSet("plain"))
	tolerant := newDaemonSet("tolerant")
	tolerant.Spec.Template.Spec.Tolerations = []corev1.Toleration{{Key: "dedicated", Operator: corev1.TolerationOpEqual, Value: "infra", Effect: corev1.TaintEffectNoSchedule}}
	create(t, c, tolerant)
	env.Advance(5 * time.Second)
	if diff := cmp.Diff(map[string]int{"node-1": 1, "node-3": 1}, nodesOf(pods(t, c, "plain", true))); diff != "" {
		t.Errorf("plain pods per node (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int{"node-1": 1, "node-2": 1, "node-3": 1}, nodesOf(pods(t, c, "tolerant", true))); diff != "" {
		t.Errorf("tolerant pods per node (-want +got):\n%s", diff)
	}
	for _, p := range pods(t, c, "plain", false) {
		if !isReady(&p) {
			t.Errorf("%s on %s not ready", p.Name, p.Spec.NodeName)
		}
	}
	if st := getDS(t, c, "plain").Status; st.DesiredNumberScheduled != 2 || st.NumberReady != 2 {
		t.Errorf("plain status %+v", st)
	}

	modifyNode(t, c, "node-1", func(n *corev1.Node) {
		n.Spec.Taints = append(n.Spec.Taints, corev1.Taint{Key: "gpu", Effect: corev1.TaintEffectNoSchedule})
	})
	modifyNode(t, c, "node-3", func(n *corev1.Node) {
		n.Spec.Taints = append(n.Spec.Taints, corev1.Taint{Key: "broken", Effect: corev1.TaintEffectNoExecute})
	})
	env.Advance(35 * time.Second)
	if diff := cmp.Diff(map[string]int{"node-1": 1}, nodesOf(pods(t, c, "plain", true))); diff != "" {
		t.Errorf("plain pods after tainting (-want +got):\n%s", diff)
	}
	if st := getDS(t, c, "plain").Status; st.DesiredNumberScheduled != 0 || st.NumberMisscheduled != 1 || st.CurrentNumberScheduled != 0 {
		t.Errorf("plain status after tainting %+v: the pod on node-1 should count as misscheduled", st)
	}
}

// TestRollingUpdate replaces one pod at a time (maxUnavailable 1), never
// leaving more than one node without a ready pod.
func TestRollingUpdate(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(3))
	c := env.Client()
	ds := newDaemonSet("agent")
	ds.Spec.Template.Annotations = map[string]string{"sim.kubesim.io/ready-after": "2s"}
	create(t, c, ds)
	env.Advance(5 * time.Second)
	oldHash := pods(t, c, "agent", false)[0].Labels[appsv1.DefaultDaemonSetUniqueLabelKey]

	modify(t, c, "agent", func(ds *appsv1.DaemonSet) { ds.Spec.Template.Spec.Containers[0].Image = "nginx:1.28" })
	most := 0
	for step := 0; step < 80; step++ {
		env.Advance(250 * time.Millisecond)
		ready := readyByNode(pods(t, c, "agent", false))
		down := 3 - len(ready) // nodes without a live pod
		for _, ok := range ready {
			if !ok {
				down++
			}
		}
		if down > 1 {
			t.Fatalf("at %v: %d nodes without a ready pod, maxUnavailable is 1", env.Clock().Now(), down)
		}
		most = max(most, down)
	}
	if most != 1 {
		t.Errorf("at most %d nodes were down at once, want 1", most)
	}
	ps := pods(t, c, "agent", true)
	for _, p := range ps {
		if p.Spec.Containers[0].Image != "nginx:1.28" || p.Labels[appsv1.DefaultDaemonSetUniqueLabelKey] == oldHash {
			t.Errorf("%s on %s not updated", p.Name, p.Spec.NodeName)
		}
	}
	want := appsv1.DaemonSetStatus{CurrentNumberScheduled: 3, DesiredNumberScheduled: 3, NumberReady: 3, ObservedGeneration: 2, UpdatedNumberScheduled: 3, NumberAvailable: 3}
	if diff := cmp.Diff(want, getDS(t, c, "agent").Status); diff != "" {
		t.Errorf("status (-want +got):\n%s", diff)
	}
	revs, err := c.AppsV1().ControllerRevisions(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]bool{}
	for _, r := range revs.Items {
		got[r.Revision] = true
	}
	if diff := cmp.Diff(map[int64]bool{1: true, 2: true}, got); diff != "" {
		t.Errorf("revision numbers (-want +got):\n%s", diff)
	}
}

// readyByNode maps each node with a live pod to whether one is ready.
func readyByNode(ps []corev1.Pod) map[string]bool {
	out := map[string]bool{}
	for _, p := range ps {
		out[p.Spec.NodeName] = out[p.Spec.NodeName] || isReady(&p)
	}
	return out
}

// TestRollingUpdateSurge (maxSurge 1, maxUnavailable 0) starts the new pod
// beside the old one, so that every node keeps a ready pod throughout.
func TestRollingUpdateSurge(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(3))
	c := env.Client()
	ds := newDaemonSet("agent")
	ds.Spec.Template.Annotations = map[string]string{"sim.kubesim.io/ready-after": "2s"}
	ds.Spec.UpdateStrategy = appsv1.DaemonSetUpdateStrategy{
		Type:          appsv1.RollingUpdateDaemonSetStrategyType,
		RollingUpdate: &appsv1.RollingUpdateDaemonSet{MaxSurge: ptr.To(intstr.FromInt32(1)), MaxUnavailable: ptr.To(intstr.FromInt32(0))},
	}
	create(t, c, ds)
	env.Advance(5 * time.Second)
	modify(t, c, "agent", func(ds *appsv1.DaemonSet) { ds.Spec.Template.Spec.Containers[0].Image = "nginx:1.28" })
	doubled := 0
	for step := 0; step < 80; step++ {
		env.Advance(250 * time.Millisecond)
		ps := pods(t, c, "agent", false)
		ready := readyByNode(ps)
		if len(ready) != 3 {
			t.Fatalf("at %v: pods on %v, want every node covered", env.Clock().Now(), nodesOf(ps))
		}
		for n, ok := range ready {
			if !ok {
				t.Fatalf("at %v: no ready pod on %s", env.Clock().Now(), n)
			}
		}
		two := 0
		for _, count := range nodesOf(ps) {
			if count > 1 {
				two++
			}
		}
		if two > 1 {
			t.Fatalf("at %v: %d nodes with two pods, maxSurge is 1", env.Clock().Now(), two)
		}
		doubled = max(doubled, two)
	}
	if doubled != 1 {
		t.Errorf("no node ever ran two pods")
	}
	for _, p := range pods(t, c, "agent", true) {
		if p.Spec.Containers[0].Image != "nginx:1.28" {
			t.Errorf("%s on %s not updated", p.Name, p.Spec.NodeName)
		}
	}
	if st := getDS(t, c, "agent").Status; st.UpdatedNumberScheduled != 3 || st.NumberAvailable != 3 {
		t.Errorf("status %+v", st)
	}
}

// TestOnDelete changes no pod until it is deleted.
func TestOnDelete(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(2))
	c := env.Client()
	ds := newDaemonSet("agent")
	ds.Spec.UpdateStrategy = appsv1.DaemonSetUpdateStrategy{Type: appsv1.OnDeleteDaemonSetStrategyType}
	create(t, c, ds)
	env.Advance(5 * time.Second)
	modify(t, c, "agent", func(ds *appsv1.DaemonSet) { ds.Spec.Template.Spec.Containers[0].Image = "nginx:1.28" })
	env.Advance(10 * time.Second)
	ps := pods(t, c, "agent", false)
	for _, p := range ps {
		if p.Spec.Containers[0].Image != "nginx:1.27" {
			t.Fatalf("%s updated without being deleted", p.Name)
		}
	}
	if st := getDS(t, c, "agent").Status; st.UpdatedNumberScheduled != 0 || st.ObservedGeneration != 2 {
		t.Errorf("status before deleting: %+v", st)
	}
	if err := c.CoreV1().Pods(ns).Delete(ctx, ps[0].Name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(40 * time.Second)
	images := map[string]string{}
	for _, p := range pods(t, c, "agent", true) {
		images[p.Spec.NodeName] = p.Spec.Containers[0].Image
	}
	want := map[string]string{ps[0].Spec.NodeName: "nginx:1.28", ps[1].Spec.NodeName: "nginx:1.27"}
	if diff := cmp.Diff(want, images); diff != "" {
		t.Errorf("images (-want +got):\n%s", diff)
	}
	if st := getDS(t, c, "agent").Status; st.UpdatedNumberScheduled != 1 {
		t.Errorf("status after deleting one: %+v", st)
	}
}

// TestReplacesFailedPod: a pod that failed is deleted, with a
// FailedDaemonPod warning, and replaced.
func TestReplacesFailedPod(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	c := env.Client()
	create(t, c, newDaemonSet("agent"))
	env.Advance(5 * time.Second)
	pod := pods(t, c, "agent", false)[0]
	pod.Status.Phase = corev1.PodFailed
	pod.Status.Reason = "Evicted"
	if _, err := c.CoreV1().Pods(ns).UpdateStatus(ctx, &pod, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(40 * time.Second)
	ps := pods(t, c, "agent", true)
	if len(ps) != 1 || ps[0].UID == pod.UID || !isReady(&ps[0]) {
		t.Fatalf("pods after the failure: %v", ps)
	}
	want := "FailedDaemonPod: Found failed daemon pod default/" + pod.Name + " on node node-1, will try to kill it"
	found := false
	for _, e := range events(t, c, "DaemonSet", "agent") {
		found = found || e == want
	}
	if !found {
		t.Errorf("no event %q in %v", want, events(t, c, "DaemonSet", "agent"))
	}
}

// TestPodsBoundByHand runs without the scheduler: the pods stay pending,
// pinned by their node affinity, until bound through the API the way a
// scheduler would.
func TestPodsBoundByHand(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(3), testkit.WithoutControllers("scheduler"))
	c := env.Client()
	create(t, c, newDaemonSet("agent"))
	env.Settle()
	if st := getDS(t, c, "agent").Status; st.DesiredNumberScheduled != 3 || st.CurrentNumberScheduled != 3 || st.NumberReady != 0 {
		t.Fatalf("status with pending pods %+v", st)
	}
	bound := bindPending(t, c, "agent")
	if len(bound) != 3 {
		t.Fatalf("bound %v, want 3 pods", bound)
	}
	seen := map[string]bool{}
	for _, n := range bound {
		seen[n] = true
	}
	if len(seen) != 3 {
		t.Errorf("bindings %v: the affinity should pin one pod per node", bound)
	}
	env.Advance(5 * time.Second)
	if st := getDS(t, c, "agent").Status; st.NumberReady != 3 || st.NumberAvailable != 3 {
		t.Errorf("status once bound %+v", st)
	}
}

// TestMinReadySeconds: numberAvailable follows the virtual clock.
func TestMinReadySeconds(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(2))
	c := env.Client()
	ds := newDaemonSet("agent")
	ds.Spec.MinReadySeconds = 10
	create(t, c, ds)
	env.Advance(5 * time.Second)
	if st := getDS(t, c, "agent").Status; st.NumberReady != 2 || st.NumberAvailable != 0 || st.NumberUnavailable != 2 {
		t.Fatalf("5s in: %+v", st)
	}
	env.Advance(10 * time.Second)
	if st := getDS(t, c, "agent").Status; st.NumberAvailable != 2 || st.NumberUnavailable != 0 {
		t.Fatalf("15s in: %+v", st)
	}
}
