package disruption_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
)

// TestKubectlDrain drains a node with the real kubectl: its pods move to
// the other node one at a time, as the budget demands, and kubectl
// retries the evictions the budget refuses.
func TestKubectlDrain(t *testing.T) {
	if testing.Short() {
		t.Skip("runs kubectl against a clock that follows wall time")
	}
	env, c := start(t)
	kubectl := func(args ...string) string {
		t.Helper()
		out, err := env.Kubectl(args...)
		if err != nil {
			t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	// Both pods start on node-1; a DaemonSet runs on both nodes.
	kubectl("cordon", "node-2")
	deploy(t, env, "web", 2)
	kubectl("uncordon", "node-2")
	createPDB(t, env, minAvailable("web", intstr.FromInt32(1)))
	createDaemonSet(t, c, "agent")
	env.Advance(10 * time.Second)

	watchCtx, stopWatch := context.WithCancel(ctx)
	lowest := watchReady(t, watchCtx, c, "web")
	// kubectl polls on wall time; let virtual time follow it, a minute
	// per second, while it drains.
	runCtx, stopRun := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = env.Cluster().Run(runCtx, 60)
	}()
	out, err := env.Kubectl("drain", "node-1", "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=60s")
	stopRun()
	wg.Wait()
	stopWatch()
	if err != nil {
		t.Fatalf("kubectl drain: %v\n%s", err, out)
	}
	for _, want := range []string{"node/node-1 cordoned", "node/node-1 drained", "Warning: ignoring DaemonSet-managed Pods: default/agent-",
		"Cannot evict pod as it would violate the pod's disruption budget."} {
		if !strings.Contains(out, want) {
			t.Errorf("kubectl drain output lacks %q:\n%s", want, out)
		}
	}
	env.Advance(time.Minute)
	pods := runningPods(t, c, "web")
	if len(pods) != 2 {
		t.Fatalf("%d pods after the drain, want 2", len(pods))
	}
	for _, p := range pods {
		if p.Spec.NodeName != "node-2" {
			t.Errorf("pod %s on %s after the drain, want node-2", p.Name, p.Spec.NodeName)
		}
	}
	if n := <-lowest; n < 1 {
		t.Errorf("only %d pods were ready at one point during the drain; the budget wants 1", n)
	}
}

func createDaemonSet(t *testing.T, c kubernetes.Interface, name string) {
	t.Helper()
	ds := &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels(name)},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels(name)},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "agent", Image: "busybox", Command: []string{"sh", "-c", "sleep 100000"}}}},
			},
		},
	}
	if _, err := c.AppsV1().DaemonSets(ns).Create(ctx, ds, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// watchReady follows the pods labelled app=<app> until ctx ends and then
// sends the fewest that were ready (and not terminating) at any moment.
func watchReady(t *testing.T, ctx context.Context, c kubernetes.Interface, app string) <-chan int {
	t.Helper()
	list, err := c.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "app=" + app})
	if err != nil {
		t.Fatal(err)
	}
	w, err := c.CoreV1().Pods(ns).Watch(ctx, metav1.ListOptions{LabelSelector: "app=" + app, ResourceVersion: list.ResourceVersion})
	if err != nil {
		t.Fatal(err)
	}
	ready := map[string]bool{}
	for i := range list.Items {
		ready[list.Items[i].Name] = available(&list.Items[i])
	}
	out := make(chan int, 1)
	go func() {
		defer w.Stop()
		lowest := count(ready)
		for {
			select {
			case <-ctx.Done():
				out <- lowest
				return
			case ev, ok := <-w.ResultChan():
				if !ok {
					out <- lowest
					return
				}
				pod, isPod := ev.Object.(*corev1.Pod)
				if !isPod {
					continue
				}
				ready[pod.Name] = ev.Type != watch.Deleted && available(pod)
				lowest = min(lowest, count(ready))
			}
		}
	}()
	return out
}

func available(pod *corev1.Pod) bool {
	c := podCondition(pod, corev1.PodReady)
	return pod.DeletionTimestamp == nil && c != nil && c.Status == corev1.ConditionTrue
}

func count(m map[string]bool) int {
	n := 0
	for _, v := range m {
		if v {
			n++
		}
	}
	return n
}
