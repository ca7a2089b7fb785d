package kubesim_test

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesim/kubesim/cluster"
	"github.com/kubesim/kubesim/fakenode"
	"github.com/kubesim/kubesim/kube"
)

// A cluster starts in milliseconds with the namespaces every cluster has,
// and its clock moves only when asked to.
func Example() {
	c, err := cluster.New(cluster.Config{})
	if err != nil {
		panic(err)
	}
	defer c.Close()
	ctx := context.Background()

	cm := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "settings"},
		Data:       map[string]string{"level": "debug"},
	}
	if _, err := c.Client().CoreV1().ConfigMaps("default").Create(ctx, cm, metav1.CreateOptions{}); err != nil {
		panic(err)
	}
	start := c.Clock.Now()
	if err := c.Advance(ctx, 10*time.Minute); err != nil {
		panic(err)
	}
	got, err := c.Client().CoreV1().ConfigMaps("default").Get(ctx, "settings", metav1.GetOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Println(got.Data["level"], "created at", got.CreationTimestamp.UTC().Format(time.RFC3339))
	fmt.Println("virtual time passed:", c.Clock.Since(start))
	// Output:
	// debug created at 2025-01-01T00:00:00Z
	// virtual time passed: 10m0s
}

// newCluster starts a cluster with one node for the examples.
func newCluster() *cluster.Cluster {
	c, err := cluster.New(cluster.Config{Nodes: []fakenode.NodeSpec{{Name: "node-1"}}})
	if err != nil {
		panic(err)
	}
	return c
}

func mustCreate(c *cluster.Cluster, pod *corev1.Pod) {
	if _, err := c.Client().CoreV1().Pods("default").Create(context.Background(), pod, metav1.CreateOptions{}); err != nil {
		panic(err)
	}
}

func getPod(c *cluster.Cluster, name string) *corev1.Pod {
	p, err := c.Client().CoreV1().Pods("default").Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		panic(err)
	}
	return p
}

// The liveness probe example of the seed notes, unchanged: the container
// removes /tmp/healthy after 30 seconds, the exec probe fails three times
// in a row, and the kubelet restarts the container. The pod stays Running.
// (busybox's sh runs as PID 1 and ignores SIGTERM, so the restart comes
// after the 30 s grace period, as on a real node.)
func Example_livenessProbe() {
	c := newCluster()
	defer c.Close()
	ctx := context.Background()
	mustCreate(c, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "test-liveness-exec", Labels: map[string]string{"test": "liveness"}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name: "liveness", Image: "busybox",
			Args: []string{"/bin/sh", "-c", "touch /tmp/healthy; sleep 30; rm -rf /tmp/healthy; sleep 600"},
			LivenessProbe: &corev1.Probe{
				ProbeHandler:        corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"cat", "/tmp/healthy"}}},
				InitialDelaySeconds: 5, PeriodSeconds: 5,
			},
		}}},
	})
	for _, d := range []time.Duration{10 * time.Second, 35 * time.Second, 40 * time.Second} {
		if err := c.Advance(ctx, d); err != nil {
			panic(err)
		}
		p := getPod(c, "test-liveness-exec")
		fmt.Printf("%v: %s, restarts %d\n", c.Clock.Since(kube.DefaultStart), p.Status.Phase, p.Status.ContainerStatuses[0].RestartCount)
	}
	evs, _ := c.Client().CoreV1().Events("default").List(ctx, metav1.ListOptions{FieldSelector: "reason=Unhealthy"})
	fmt.Println(evs.Items[0].Message)
	// Output:
	// 10s: Running, restarts 0
	// 45s: Running, restarts 0
	// 1m25s: Running, restarts 1
	// Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory
}

// A pod that does its work and exits 0 Succeeds; what it printed stays in
// its log.
func Example_podSucceeds() {
	c := newCluster()
	defer c.Close()
	mustCreate(c, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "hello"},
		Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyOnFailure,
			Containers: []corev1.Container{{
				Name: "hello", Image: "busybox",
				Command: []string{"/bin/sh", "-c", "date; echo Hello from the Kubernetes cluster"},
			}},
		},
	})
	if err := c.Advance(context.Background(), time.Minute); err != nil {
		panic(err)
	}
	p := getPod(c, "hello")
	fmt.Println(p.Status.Phase, p.Status.ContainerStatuses[0].State.Terminated.Reason)
	log, _ := c.Client().CoreV1().Pods("default").GetLogs("hello", &corev1.PodLogOptions{}).DoRaw(context.Background())
	fmt.Print(string(log))
	// Output:
	// Succeeded Completed
	// Wed Jan  1 00:00:01 UTC 2025
	// Hello from the Kubernetes cluster
}

// A container that keeps failing goes into CrashLoopBackOff: restarted at
// once the first time, then after back-offs of 10 s, 20 s, 40 s ... An
// untagged image means :latest, so imagePullPolicy defaults to Always and
// every start pulls for 1 s first; each run lasts 2 s. Starts: 1 s, 4 s,
// 17 s, 40 s, 83 s.
func Example_crashLoop() {
	c := newCluster()
	defer c.Close()
	mustCreate(c, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "crasher"},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name: "app", Image: "busybox", Command: []string{"sh", "-c", "echo starting; sleep 2; exit 1"},
		}}},
	})
	for i := 0; i < 4; i++ {
		if err := c.Advance(context.Background(), 20*time.Second); err != nil {
			panic(err)
		}
		cs := getPod(c, "crasher").Status.ContainerStatuses[0]
		state := "Running"
		if cs.State.Waiting != nil {
			state = cs.State.Waiting.Reason
		}
		fmt.Printf("%v: %s, restarts %d\n", c.Clock.Since(kube.DefaultStart), state, cs.RestartCount)
	}
	// Output:
	// 20s: CrashLoopBackOff, restarts 2
	// 40s: Running, restarts 3
	// 1m0s: CrashLoopBackOff, restarts 3
	// 1m20s: CrashLoopBackOff, restarts 3
}

// Deleting a pod gives its containers terminationGracePeriodSeconds to
// stop: a script that traps SIGTERM stops at once, one that does not is
// killed when the grace period is over.
func Example_gracefulTermination() {
	c := newCluster()
	defer c.Close()
	ctx := context.Background()
	mk := func(name, script string) *corev1.Pod {
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name: "main", Image: "busybox", Command: []string{"sh", "-c", script},
		}}}}
	}
	mustCreate(c, mk("polite", "trap 'echo shutting down; exit 0' TERM; while true; do sleep 1; done"))
	mustCreate(c, mk("stubborn", "sleep 3600"))
	if err := c.Advance(ctx, 5*time.Second); err != nil {
		panic(err)
	}
	for _, name := range []string{"polite", "stubborn"} {
		if err := c.Client().CoreV1().Pods("default").Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
			panic(err)
		}
	}
	for _, d := range []time.Duration{5 * time.Second, 30 * time.Second} {
		if err := c.Advance(ctx, d); err != nil {
			panic(err)
		}
		list, _ := c.Client().CoreV1().Pods("default").List(ctx, metav1.ListOptions{})
		var names []string
		for _, p := range list.Items {
			names = append(names, p.Name)
		}
		fmt.Printf("%v after deletion: %v\n", c.Clock.Since(kube.DefaultStart)-5*time.Second, names)
	}
	// Output:
	// 5s after deletion: [stubborn]
	// 35s after deletion: []
}
