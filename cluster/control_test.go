package cluster_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubesim/kubesim/cluster"
	"github.com/kubesim/kubesim/fakenode"
)

func newCluster(t *testing.T) *cluster.Cluster {
	t.Helper()
	c, err := cluster.New(cluster.Config{Nodes: []fakenode.NodeSpec{{Name: "node-1"}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// TestControlOverLoopback: the kubeconfig's admin moves virtual time of a
// served cluster; anyone else may not.
func TestControlOverLoopback(t *testing.T) {
	c := newCluster(t)
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := c.WriteKubeconfig(path); err != nil {
		t.Fatal(err)
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	start := c.Clock.Now()
	out, err := cluster.Control(ctx, cfg, "advance?duration=10m")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Clock.Since(start); got != 10*time.Minute || !strings.Contains(out, "virtual time is 2025-01-01T00:10:00Z") {
		t.Errorf("advance: clock moved %v, answer %q", got, out)
	}
	if _, err := cluster.Control(ctx, cfg, "settle"); err != nil {
		t.Errorf("settle: %v", err)
	}
	if _, err := cluster.Control(ctx, cfg, "advance?duration=soon"); err == nil || !strings.Contains(err.Error(), "positive Go duration") {
		t.Errorf("bad duration: %v", err)
	}
	other := *cfg
	other.BearerToken = "someone-else"
	if _, err := cluster.Control(ctx, &other, "settle"); err == nil || !strings.Contains(err.Error(), "only the cluster admin") {
		t.Errorf("stranger: %v", err)
	}
}

// TestSnapshotAndRestore: what a user made comes back in a new cluster;
// what controllers made is made again by them.
func TestSnapshotAndRestore(t *testing.T) {
	ctx := context.Background()
	src := newCluster(t)
	dir := t.TempDir()
	manifest := filepath.Join(dir, "app.yaml")
	if err := os.WriteFile(manifest, []byte(`apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
data: {level: debug}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := cluster.Apply(ctx, src.RESTConfig(), manifest); err != nil {
		t.Fatal(err)
	}
	if err := src.Advance(ctx, time.Minute); err != nil {
		t.Fatal(err)
	}
	snap := filepath.Join(t.TempDir(), "snap")
	if err := cluster.Snapshot(ctx, src.RESTConfig(), snap); err != nil {
		t.Fatal(err)
	}
	files, _ := os.ReadDir(snap)
	var names []string
	for _, f := range files {
		names = append(names, f.Name())
	}
	if strings.Contains(strings.Join(names, " "), "pods") || strings.Contains(strings.Join(names, " "), "replicasets") {
		t.Errorf("snapshot has controller-made objects: %v", names)
	}

	dst := newCluster(t)
	if err := dst.Restore(ctx, snap); err != nil {
		t.Fatal(err)
	}
	if err := dst.Advance(ctx, time.Minute); err != nil {
		t.Fatal(err)
	}
	cm, err := dst.Client().CoreV1().ConfigMaps("shop").Get(ctx, "settings", metav1.GetOptions{})
	if err != nil || cm.Data["level"] != "debug" {
		t.Errorf("configmap after restore: %v %v", cm, err)
	}
	pods, err := dst.Client().CoreV1().Pods("shop").List(ctx, metav1.ListOptions{})
	if err != nil || len(pods.Items) != 2 {
		t.Fatalf("pods after restore: %v, %d", err, len(pods.Items))
	}
	for _, p := range pods.Items {
		if p.Status.Phase != corev1.PodRunning {
			t.Errorf("pod %s is %s after restore", p.Name, p.Status.Phase)
		}
	}
}
