package deployment_test

import (
	"fmt"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubesim/kubesim/testkit"
)

const (
	benchReplicas = 1000
	benchNodes    = 20
)

// BenchmarkDeployment1000 measures a Deployment of 1,000 replicas on 20
// nodes, in wall time: from creation until all are available ("create"),
// and a rolling update of it with the default 25% surge and
// unavailability ("rollingUpdate"). Pods the scheduler has not bound (or
// all of them, where no scheduler runs) are bound round-robin by a
// stand-in; its binds are part of the cost.
func BenchmarkDeployment1000(b *testing.B) {
	b.Run("create", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			env := startBench(b)
			b.StartTimer()
			create(b, env.Client(), benchDeployment())
			runUntilRolledOut(b, env, "web")
			b.StopTimer()
			if err := env.Cluster().Close(); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
	})
	b.Run("rollingUpdate", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			env := startBench(b)
			create(b, env.Client(), benchDeployment())
			runUntilRolledOut(b, env, "web")
			b.StartTimer()
			update(b, env.Client(), "web", setImage("nginx:1.28"))
			runUntilRolledOut(b, env, "web")
			b.StopTimer()
			if err := env.Cluster().Close(); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
	})
}

// startBench starts 20 nodes. Most of a rollout of 1,000 pods happens at
// one instant of virtual time, so one Advance settles a lot of work: on a
// loaded machine that takes longer than the default settle timeout.
func startBench(b *testing.B) *testkit.Env {
	return testkit.Start(b, testkit.WithNodes(benchNodes), testkit.WithSettleTimeout(10*time.Minute))
}

func benchDeployment() *appsv1.Deployment {
	d := newDeployment("web", benchReplicas)
	d.Spec.Template.Spec.NodeName = "" // bound by bindPending
	return d
}

// runUntilRolledOut binds pending pods and advances the clock a second at
// a time until kubectl rollout status would report success.
func runUntilRolledOut(b *testing.B, env *testkit.Env, name string) {
	b.Helper()
	c := env.Client()
	next := 0
	for waited := 0; waited < 600; waited++ {
		for bindPending(b, c, &next) > 0 {
			env.Settle()
		}
		env.Advance(time.Second)
		if _, done, err := rolloutStatus(get(b, c, name)); err != nil {
			b.Fatal(err)
		} else if done {
			return
		}
	}
	b.Fatalf("deployment %s not rolled out after 600 s", name)
}

// bindPending binds every pod still unscheduled to node-1 ... node-20 in
// turn, and returns how many it bound; a conflict means the scheduler was
// first.
func bindPending(b *testing.B, c kubernetes.Interface, next *int) int {
	b.Helper()
	list, err := c.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{FieldSelector: "spec.nodeName="})
	if err != nil {
		b.Fatal(err)
	}
	bound := 0
	for _, p := range list.Items {
		if p.DeletionTimestamp != nil || p.Spec.NodeName != "" {
			continue
		}
		node := fmt.Sprintf("node-%d", *next%benchNodes+1)
		*next++
		binding := &corev1.Binding{ObjectMeta: metav1.ObjectMeta{Name: p.Name}, Target: corev1.ObjectReference{Kind: "Node", Name: node}}
		err := c.CoreV1().Pods(ns).Bind(ctx, binding, metav1.CreateOptions{})
		if err != nil && !apierrors.IsConflict(err) && !apierrors.IsNotFound(err) {
			b.Fatal(err)
		}
		bound++
	}
	return bound
}
