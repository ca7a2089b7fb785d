package fakenode_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	statsapi "k8s.io/kubelet/pkg/apis/stats/v1alpha1"

	"github.com/kubesim/kubesim/testkit"
)

// summary asks node's kubelet for /stats/summary, as metrics-server does.
func summary(t *testing.T, env *testkit.Env, node string) *statsapi.Summary {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "https://"+node+":10250/stats/summary", nil)
	rec := httptest.NewRecorder()
	env.Cluster().Nodes.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /stats/summary: %d %s", rec.Code, rec.Body)
	}
	var s statsapi.Summary
	if err := json.Unmarshal(rec.Body.Bytes(), &s); err != nil {
		t.Fatalf("decode summary: %v\n%s", err, rec.Body)
	}
	return &s
}

func TestStatsSummaryFollowsBehaviour(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	run(t, env, scripted("busy", map[string]string{sim + "cpu": "250m", sim + "memory": "64Mi"}))
	run(t, env, scripted("idle", nil))
	env.Advance(11 * time.Second) // pull 1s, then 10s of running

	s := summary(t, env, "node-1")
	if s.Node.NodeName != "node-1" || len(s.Pods) != 2 {
		t.Fatalf("summary of %s with %d pods, want node-1 with 2: %+v", s.Node.NodeName, len(s.Pods), s)
	}
	busy, idle := s.Pods[0], s.Pods[1]
	if busy.PodRef.Name != "busy" || len(busy.Containers) != 1 {
		t.Fatalf("first pod %+v", busy)
	}
	c := busy.Containers[0]
	if got := *c.CPU.UsageNanoCores; got != 250_000_000 {
		t.Errorf("busy cpu %d nanocores, want 250m", got)
	}
	if got := *c.CPU.UsageCoreNanoSeconds; got != 2_500_000_000 {
		t.Errorf("busy cpu time %d core-ns, want 10s at 250m", got)
	}
	if got := *c.Memory.WorkingSetBytes; got != 64<<20 {
		t.Errorf("busy working set %d, want 64Mi", got)
	}
	if got := *idle.Containers[0].CPU.UsageNanoCores; got != 1_000_000 {
		t.Errorf("idle cpu %d nanocores, want the 1m baseline", got)
	}
	wantNode := uint64(100_000_000 + 250_000_000 + 1_000_000)
	if got := *s.Node.CPU.UsageNanoCores; got != wantNode {
		t.Errorf("node cpu %d, want system 100m + pods", got)
	}
	if got, want := *s.Node.Memory.WorkingSetBytes, uint64(512<<20+64<<20+4<<20); got != want {
		t.Errorf("node memory %d, want %d", got, want)
	}

	// A new annotation on the running pod changes what it uses.
	patch := []byte(`{"metadata":{"annotations":{"sim.kubesim.io/cpu":"1500m"}}}`)
	if _, err := env.Client().CoreV1().Pods("default").Patch(ctx, "busy", types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Settle()
	if got := *summary(t, env, "node-1").Pods[0].Containers[0].CPU.UsageNanoCores; got != 1_500_000_000 {
		t.Errorf("after the patch busy uses %d nanocores, want 1.5 cores", got)
	}
}

func TestStatsMemoryGrowsToItsTarget(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	run(t, env, scripted("grow", map[string]string{sim + "memory": "104Mi", sim + "memory-after": "20s"}))
	env.Advance(11 * time.Second) // running for 10 s: halfway
	mem := *summary(t, env, "node-1").Pods[0].Memory.WorkingSetBytes
	if mem != 54<<20 {
		t.Errorf("halfway the working set is %d, want 54Mi (4Mi idle + half of 100Mi)", mem)
	}
	env.Advance(20 * time.Second)
	if mem := *summary(t, env, "node-1").Pods[0].Memory.WorkingSetBytes; mem != 104<<20 {
		t.Errorf("after memory-after the working set is %d, want 104Mi", mem)
	}
}

func TestStatsLeaveOutFinishedPodsAndUnknownNodes(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	p := scripted("done", map[string]string{sim + "exit-code": "0"})
	p.Spec.RestartPolicy = "Never"
	run(t, env, p)
	env.Advance(5 * time.Second)
	if s := summary(t, env, "node-1"); len(s.Pods) != 0 {
		t.Errorf("a succeeded pod is reported: %+v", s.Pods)
	}
	req := httptest.NewRequest(http.MethodGet, "https://node-9:10250/stats/summary", nil)
	rec := httptest.NewRecorder()
	env.Cluster().Nodes.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusNotFound {
		t.Errorf("unknown node: %d, want 404", rec.Code)
	}
}
