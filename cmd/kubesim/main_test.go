package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubesim/kubesim/cluster"
)

func TestNodeSpecs(t *testing.T) {
	specs, err := nodeSpecs(3, "cpu=8,memory=32Gi,nvidia.com/gpu=1", 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) != 3 || specs[2].Name != "node-3" || specs[0].Zone != "zone-a" || specs[1].Zone != "zone-b" || specs[2].Zone != "zone-a" {
		t.Errorf("specs %+v", specs)
	}
	if specs[0].Capacity[corev1.ResourceCPU] != "8" || specs[0].Capacity["nvidia.com/gpu"] != "1" {
		t.Errorf("capacity %v", specs[0].Capacity)
	}
	if _, err := nodeSpecs(1, "cpu", 0); err == nil {
		t.Error("a size without a quantity was accepted")
	}
}

// TestAdvanceSubcommand: `kubesim advance` moves the clock of a running
// cluster found through its kubeconfig.
func TestAdvanceSubcommand(t *testing.T) {
	c, err := cluster.New(cluster.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := c.WriteKubeconfig(path); err != nil {
		t.Fatal(err)
	}
	start := c.Clock.Now()
	if err := run(context.Background(), []string{"advance", "-kubeconfig", path, "90s"}); err != nil {
		t.Fatal(err)
	}
	if got := c.Clock.Since(start); got != 90*time.Second {
		t.Errorf("clock moved %v, want 90s", got)
	}
	if err := run(context.Background(), []string{"settle", "-kubeconfig", path}); err != nil {
		t.Errorf("settle: %v", err)
	}
	snap := filepath.Join(t.TempDir(), "snap")
	if err := run(context.Background(), []string{"snapshot", "-kubeconfig", path, snap}); err != nil {
		t.Errorf("snapshot: %v", err)
	}
	if err := run(context.Background(), []string{"rewind"}); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Errorf("unknown subcommand: %v", err)
	}
}
