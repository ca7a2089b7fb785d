package daemonset_test

import (
	"context"
	"sort"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/client-go/kubernetes"
	"k8s.io/component-helpers/scheduling/corev1/nodeaffinity"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/fakenode"
	"github.com/kubesim/kubesim/testkit"
)

var ctx = context.Background()

const ns = "default"

// newDaemonSet runs nginx pods labelled app=<name>. The grace period is
// spelled out because defaulting may not be wired in yet.
func newDaemonSet(name string) *appsv1.DaemonSet {
	return &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": name}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": name}},
				Spec: corev1.PodSpec{
					TerminationGracePeriodSeconds: ptr.To[int64](30),
					Containers:                    []corev1.Container{{Name: "agent", Image: "nginx:1.27"}},
				},
			},
		},
	}
}

func node(name string, labels map[string]string, taints ...corev1.Taint) testkit.Option {
	return testkit.WithNode(fakenode.NodeSpec{Name: name, Labels: labels, Taints: taints})
}

func create(t *testing.T, c kubernetes.Interface, ds *appsv1.DaemonSet) *appsv1.DaemonSet {
	t.Helper()
	out, err := c.AppsV1().DaemonSets(ns).Create(ctx, ds, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func getDS(t *testing.T, c kubernetes.Interface, name string) *appsv1.DaemonSet {
	t.Helper()
	ds, err := c.AppsV1().DaemonSets(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// modify reads the DaemonSet, applies fn and writes it back, again if the
// controller wrote the status in between.
func modify(t *testing.T, c kubernetes.Interface, name string, fn func(*appsv1.DaemonSet)) {
	t.Helper()
	retryOnConflict(t, func() error {
		ds := getDS(t, c, name)
		fn(ds)
		_, err := c.AppsV1().DaemonSets(ns).Update(ctx, ds, metav1.UpdateOptions{})
		return err
	})
}

// modifyNode changes a Node as an administrator would, again if the
// kubelet wrote its status in between.
func modifyNode(t *testing.T, c kubernetes.Interface, name string, fn func(*corev1.Node)) {
	t.Helper()
	retryOnConflict(t, func() error {
		n, err := c.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		fn(n)
		_, err = c.CoreV1().Nodes().Update(ctx, n, metav1.UpdateOptions{})
		return err
	})
}

func retryOnConflict(t *testing.T, write func() error) {
	t.Helper()
	for attempt := 0; ; attempt++ {
		err := write()
		if err == nil {
			return
		}
		if !apierrors.IsConflict(err) || attempt == 5 {
			t.Fatal(err)
		}
	}
}

// pods lists the pods labelled app=<app>, terminating ones only if asked.
func pods(t *testing.T, c kubernetes.Interface, app string, withTerminating bool) []corev1.Pod {
	t.Helper()
	list, err := c.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "app=" + app})
	if err != nil {
		t.Fatal(err)
	}
	var out []corev1.Pod
	for _, p := range list.Items {
		if withTerminating || p.DeletionTimestamp == nil {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Spec.NodeName+out[i].Name < out[j].Spec.NodeName+out[j].Name })
	return out
}

// nodesOf maps node name to the number of live pods of app there.
func nodesOf(ps []corev1.Pod) map[string]int {
	out := map[string]int{}
	for _, p := range ps {
		out[p.Spec.NodeName]++
	}
	return out
}

func isReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func events(t *testing.T, c kubernetes.Interface, kind, name string) []string {
	t.Helper()
	sel := fields.Set{"involvedObject.kind": kind, "involvedObject.name": name}.AsSelector().String()
	list, err := c.CoreV1().Events(ns).List(ctx, metav1.ListOptions{FieldSelector: sel})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range list.Items {
		out = append(out, e.Reason+": "+e.Message)
	}
	return out
}

// bindPending binds every pending pod of app to the first node (by name)
// its required node affinity and node selector match, through the
// pods/binding API, as the scheduler would; it returns the bindings made.
// It stands in for the scheduler where a test switches it off.
func bindPending(t *testing.T, c kubernetes.Interface, app string) map[string]string {
	t.Helper()
	nodes, err := c.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(nodes.Items, func(i, j int) bool { return nodes.Items[i].Name < nodes.Items[j].Name })
	bound := map[string]string{}
	for _, pod := range pods(t, c, app, false) {
		if pod.Spec.NodeName != "" {
			continue
		}
		affinity := nodeaffinity.GetRequiredNodeAffinity(&pod)
		for i := range nodes.Items {
			if ok, err := affinity.Match(&nodes.Items[i]); err != nil || !ok {
				continue
			}
			b := &corev1.Binding{ObjectMeta: metav1.ObjectMeta{Name: pod.Name}, Target: corev1.ObjectReference{Kind: "Node", Name: nodes.Items[i].Name}}
			if err := c.CoreV1().Pods(ns).Bind(ctx, b, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
			bound[pod.Name] = nodes.Items[i].Name
			break
		}
	}
	return bound
}
