package metrics

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kubesim/kubesim/clock"
)

// kubelet answers /stats/summary with a node's usage, counting scrapes.
type kubelet struct {
	scrapes int
	status  int
	body    string
}

func (k *kubelet) RoundTrip(req *http.Request) (*http.Response, error) {
	k.scrapes++
	if req.URL.Host != "node-1:10250" || req.URL.Path != "/stats/summary" {
		return &http.Response{StatusCode: http.StatusNotFound, Status: "404 Not Found", Body: io.NopCloser(strings.NewReader("no such node"))}, nil
	}
	return &http.Response{StatusCode: k.status, Status: http.StatusText(k.status), Body: io.NopCloser(strings.NewReader(k.body))}, nil
}

const nodeSummary = `{"node":{"nodeName":"node-1","cpu":{"time":"2025-01-01T00:00:00Z","usageNanoCores":250000000},
"memory":{"time":"2025-01-01T00:00:00Z","workingSetBytes":1048576}},"pods":[]}`

func TestScraperKeepsAScrapeForTheResolution(t *testing.T) {
	clk := clock.New(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	k := &kubelet{status: http.StatusOK, body: nodeSummary}
	s := NewScraper(k, clk)
	p, ok := s.nodePoint(context.Background(), "node-1")
	if cpu, mem := p.usage.Cpu(), p.usage.Memory(); !ok || cpu.MilliValue() != 250 || mem.Value() != 1<<20 {
		t.Fatalf("node point %+v %v", p, ok)
	}
	clk.Step(14 * time.Second)
	s.nodePoint(context.Background(), "node-1")
	if k.scrapes != 1 {
		t.Errorf("%d scrapes within the resolution, want 1", k.scrapes)
	}
	clk.Step(time.Second)
	s.nodePoint(context.Background(), "node-1")
	if k.scrapes != 2 {
		t.Errorf("%d scrapes after the resolution, want 2", k.scrapes)
	}
}

func TestScraperWithoutAnswer(t *testing.T) {
	clk := clock.New(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	for name, k := range map[string]*kubelet{
		"unknown node": {status: http.StatusOK, body: nodeSummary},
		"failing":      {status: http.StatusInternalServerError, body: "boom"},
		"garbage":      {status: http.StatusOK, body: "{"},
		"incomplete":   {status: http.StatusOK, body: `{"node":{"nodeName":"node-1"}}`},
	} {
		node := "node-1"
		if name == "unknown node" {
			node = "node-9"
		}
		if p, ok := NewScraper(k, clk).nodePoint(context.Background(), node); ok {
			t.Errorf("%s: a point %+v", name, p)
		}
	}
	if _, err := NewScraper(nil, clk).summary(context.Background(), "node-1"); err == nil {
		t.Error("no transport: no error")
	}
}
