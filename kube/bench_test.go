package kube_test

import (
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"

	"github.com/kubesim/kubesim/cluster"
	"github.com/kubesim/kubesim/kube"
)

// BenchmarkStart measures starting a control plane (store, registry, API
// server and the system namespaces) up to its first successful request.
func BenchmarkStart(b *testing.B) {
	for b.Loop() {
		cp, err := kube.New(kube.Options{})
		if err != nil {
			b.Fatal(err)
		}
		c, err := kubernetes.NewForConfig(cp.RESTConfig())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.CoreV1().Namespaces().Get(ctx, "default", metav1.GetOptions{}); err != nil {
			b.Fatal(err)
		}
		cp.Close()
	}
}

type transport struct {
	name   string
	client func(b *testing.B, c *cluster.Cluster) kubernetes.Interface
}

var transports = []transport{
	{"in-process", func(b *testing.B, c *cluster.Cluster) kubernetes.Interface { return c.Client() }},
	{"loopback", func(b *testing.B, c *cluster.Cluster) kubernetes.Interface {
		cfg, err := c.LoopbackConfig()
		if err != nil {
			b.Fatal(err)
		}
		cfg.ContentType = "application/vnd.kubernetes.protobuf"
		client, err := kubernetes.NewForConfig(cfg)
		if err != nil {
			b.Fatal(err)
		}
		return client
	}},
}

// benchCluster starts a bare API server: the figures are the API's own,
// without controllers reacting to what the benchmark creates.
func benchCluster(b *testing.B, tr transport) kubernetes.Interface {
	c, err := cluster.New(cluster.Config{Bare: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = c.Close() })
	return tr.client(b, c)
}

func BenchmarkCreatePod(b *testing.B) {
	for _, tr := range transports {
		b.Run(tr.name, func(b *testing.B) {
			pods := benchCluster(b, tr).CoreV1().Pods("default")
			i := 0
			for b.Loop() {
				if _, err := pods.Create(ctx, pod(fmt.Sprintf("p%d", i)), metav1.CreateOptions{}); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

func BenchmarkGetPod(b *testing.B) {
	for _, tr := range transports {
		b.Run(tr.name, func(b *testing.B) {
			pods := benchCluster(b, tr).CoreV1().Pods("default")
			if _, err := pods.Create(ctx, pod("web"), metav1.CreateOptions{}); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := pods.Get(ctx, "web", metav1.GetOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkListPods lists 100 pods per operation.
func BenchmarkListPods(b *testing.B) {
	for _, tr := range transports {
		b.Run(tr.name, func(b *testing.B) {
			pods := benchCluster(b, tr).CoreV1().Pods("default")
			for i := 0; i < 100; i++ {
				if _, err := pods.Create(ctx, pod(fmt.Sprintf("p%d", i)), metav1.CreateOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			for b.Loop() {
				l, err := pods.List(ctx, metav1.ListOptions{})
				if err != nil || len(l.Items) != 100 {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkWatchPods measures delivering one event to one watcher: each
// operation updates a pod and waits for the event.
func BenchmarkWatchPods(b *testing.B) {
	for _, tr := range transports {
		b.Run(tr.name, func(b *testing.B) {
			pods := benchCluster(b, tr).CoreV1().Pods("default")
			p, err := pods.Create(ctx, pod("web"), metav1.CreateOptions{})
			if err != nil {
				b.Fatal(err)
			}
			w, err := pods.Watch(ctx, metav1.ListOptions{ResourceVersion: p.ResourceVersion})
			if err != nil {
				b.Fatal(err)
			}
			defer w.Stop()
			i := 0
			for b.Loop() {
				p.Labels["n"] = fmt.Sprint(i)
				i++
				if p, err = pods.Update(ctx, p, metav1.UpdateOptions{}); err != nil {
					b.Fatal(err)
				}
				if ev := <-w.ResultChan(); ev.Type != watch.Modified {
					b.Fatalf("event %s", ev.Type)
				}
			}
			_ = corev1.PodRunning
		})
	}
}
