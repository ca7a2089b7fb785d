package framework

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// Builders for the tests: pods in namespace "default" whose UID is their
// name, nodes allowing 110 pods.

type podOpt func(*corev1.Pod)

func mkPod(name string, opts ...podOpt) *corev1.Pod {
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", UID: types.UID(name)},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c"}}},
	}
	for _, o := range opts {
		o(p)
	}
	return p
}

func requests(cpu, mem string) podOpt {
	return func(p *corev1.Pod) {
		rl := corev1.ResourceList{}
		if cpu != "" {
			rl[corev1.ResourceCPU] = resource.MustParse(cpu)
		}
		if mem != "" {
			rl[corev1.ResourceMemory] = resource.MustParse(mem)
		}
		p.Spec.Containers[0].Resources.Requests = rl
	}
}

func requestRes(name corev1.ResourceName, q string) podOpt {
	return func(p *corev1.Pod) {
		if p.Spec.Containers[0].Resources.Requests == nil {
			p.Spec.Containers[0].Resources.Requests = corev1.ResourceList{}
		}
		p.Spec.Containers[0].Resources.Requests[name] = resource.MustParse(q)
	}
}

func onNode(n string) podOpt { return func(p *corev1.Pod) { p.Spec.NodeName = n } }

func withLabels(kv ...string) podOpt {
	return func(p *corev1.Pod) {
		if p.Labels == nil {
			p.Labels = map[string]string{}
		}
		for i := 0; i+1 < len(kv); i += 2 {
			p.Labels[kv[i]] = kv[i+1]
		}
	}
}

func withPriority(v int32) podOpt { return func(p *corev1.Pod) { p.Spec.Priority = &v } }

func withNodeSelector(kv ...string) podOpt {
	return func(p *corev1.Pod) {
		p.Spec.NodeSelector = map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			p.Spec.NodeSelector[kv[i]] = kv[i+1]
		}
	}
}

func withToleration(t corev1.Toleration) podOpt {
	return func(p *corev1.Pod) { p.Spec.Tolerations = append(p.Spec.Tolerations, t) }
}

func withHostPort(port int32) podOpt {
	return func(p *corev1.Pod) {
		p.Spec.Containers[0].Ports = append(p.Spec.Containers[0].Ports, corev1.ContainerPort{ContainerPort: port, HostPort: port, Protocol: corev1.ProtocolTCP})
	}
}

func withAffinity(a *corev1.Affinity) podOpt { return func(p *corev1.Pod) { p.Spec.Affinity = a } }

func withSpread(c ...corev1.TopologySpreadConstraint) podOpt {
	return func(p *corev1.Pod) { p.Spec.TopologySpreadConstraints = c }
}

func withPVC(claim string) podOpt {
	return func(p *corev1.Pod) {
		p.Spec.Volumes = append(p.Spec.Volumes, corev1.Volume{Name: claim,
			VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: claim}}})
	}
}

func withStartTime(sec int64) podOpt {
	return func(p *corev1.Pod) { t := metav1.Unix(sec, 0); p.Status.StartTime = &t }
}

func selector(kv ...string) *metav1.LabelSelector {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return &metav1.LabelSelector{MatchLabels: m}
}

type nodeOpt func(*corev1.Node)

func mkNode(name, cpu, mem string, opts ...nodeOpt) *corev1.Node {
	n := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{corev1.LabelHostname: name}},
		Status: corev1.NodeStatus{Allocatable: corev1.ResourceList{
			corev1.ResourceCPU:    resource.MustParse(cpu),
			corev1.ResourceMemory: resource.MustParse(mem),
			corev1.ResourcePods:   resource.MustParse("110"),
		}},
	}
	for _, o := range opts {
		o(n)
	}
	return n
}

func nodeLabels(kv ...string) nodeOpt {
	return func(n *corev1.Node) {
		for i := 0; i+1 < len(kv); i += 2 {
			n.Labels[kv[i]] = kv[i+1]
		}
	}
}

func taint(key, value string, effect corev1.TaintEffect) nodeOpt {
	return func(n *corev1.Node) {
		n.Spec.Taints = append(n.Spec.Taints, corev1.Taint{Key: key, Value: value, Effect: effect})
	}
}

func allocatable(name corev1.ResourceName, q string) nodeOpt {
	return func(n *corev1.Node) { n.Status.Allocatable[name] = resource.MustParse(q) }
}

func unschedulable() nodeOpt { return func(n *corev1.Node) { n.Spec.Unschedulable = true } }

func newTestScheduler(t testing.TB, opts Options) *Scheduler {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// statusesOf evaluates pod and returns "code: reasons" per rejected node
// (nodes the PreFilter rejected show the shared status).
func statusesOf(t *testing.T, s *Scheduler, snap *Snapshot, pod *corev1.Pod) map[string]string {
	t.Helper()
	ev, err := s.Evaluate(context.Background(), snap, pod)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	out := map[string]string{}
	feasible := map[string]bool{}
	for _, sc := range ev.Scores {
		feasible[sc.Name] = true
	}
	for _, ni := range snap.NodeInfos() {
		name := ni.Node().Name
		if feasible[name] {
			continue
		}
		st := ev.Diagnosis.NodeToStatus.Get(name)
		out[name] = st.Code().String() + ": " + st.Message()
	}
	return out
}

// pluginScores evaluates pod and returns the unweighted score each plugin
// gave each node.
func pluginScores(t *testing.T, s *Scheduler, snap *Snapshot, pod *corev1.Pod, plugin string) map[string]int64 {
	t.Helper()
	ev, err := s.Evaluate(context.Background(), snap, pod)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	weights := map[string]int64{
		PluginTaintToleration: weightTaintToleration, PluginNodeAffinity: weightNodeAffinity,
		PluginNodeResourcesFit: weightNodeResourcesFit, PluginPodTopologySpread: weightPodTopologySpread,
		PluginInterPodAffinity: weightInterPodAffinity, PluginBalancedAllocation: weightBalancedAllocation,
	}
	out := map[string]int64{}
	for _, ns := range ev.Scores {
		for _, ps := range ns.Scores {
			if ps.Plugin == plugin {
				out[ns.Name] = ps.Score / weights[plugin]
			}
		}
	}
	return out
}

func mustQ(s string) resource.Quantity { return resource.MustParse(s) }

func metav1ObjectMeta(name string, kv ...string) metav1.ObjectMeta {
	m := metav1.ObjectMeta{Name: name, Labels: map[string]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		m.Labels[kv[i]] = kv[i+1]
	}
	return m
}

func withPreemptionPolicy(p corev1.PreemptionPolicy) podOpt {
	return func(pod *corev1.Pod) { pod.Spec.PreemptionPolicy = &p }
}
