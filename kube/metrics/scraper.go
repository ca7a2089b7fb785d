package metrics

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	statsapi "k8s.io/kubelet/pkg/apis/stats/v1alpha1"
	utilclock "k8s.io/utils/clock"
)

// DefaultResolution is metrics-server's default --metric-resolution: how
// often it scrapes each kubelet, and so how old the metrics it serves may
// be.
const DefaultResolution = 15 * time.Second

// KubeletPort is the port the kubelets serve their API on.
const KubeletPort = 10250

// Scraper reads the kubelets' summaries. It scrapes a node when asked for
// its metrics and keeps the answer for Resolution of virtual time, so
// that, as with metrics-server, a change in usage shows once the next
// scrape is due rather than at once.
type Scraper struct {
	transport  http.RoundTripper
	clock      utilclock.PassiveClock
	resolution time.Duration

	mu    sync.Mutex
	cache map[string]scrape
}

type scrape struct {
	at      time.Time
	summary *statsapi.Summary
}

// NewScraper returns a scraper that reaches the kubelets through
// transport, by node name (https://<node>:10250/...), on clock. A nil
// transport has no kubelets to ask: every node is without metrics.
func NewScraper(transport http.RoundTripper, clock utilclock.PassiveClock) *Scraper {
	return &Scraper{transport: transport, clock: clock, resolution: DefaultResolution, cache: map[string]scrape{}}
}

// Resolution is how long a scrape is served, and the window the metrics
// report.
func (s *Scraper) Resolution() time.Duration { return s.resolution }

// summary returns the node's latest summary, scraping it if the last one
// is Resolution old.
func (s *Scraper) summary(ctx context.Context, node string) (*statsapi.Summary, error) {
	now := s.clock.Now()
	s.mu.Lock()
	last, ok := s.cache[node]
	s.mu.Unlock()
	if ok && now.Sub(last.at) < s.resolution && !now.Before(last.at) {
		return last.summary, nil
	}
	sum, err := s.fetch(ctx, node)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.cache[node] = scrape{at: now, summary: sum}
	s.mu.Unlock()
	return sum, nil
}

// fetch does GET /stats/summary on the node's kubelet.
func (s *Scraper) fetch(ctx context.Context, node string) (*statsapi.Summary, error) {
	if s.transport == nil {
		return nil, fmt.Errorf("no kubelet transport to reach node %s", node)
	}
	url := fmt.Sprintf("https://%s:%d/stats/summary", node, KubeletPort)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("scrape node %s: %w", node, err)
	}
	resp, err := s.transport.RoundTrip(req)
	if err != nil {
		return nil, fmt.Errorf("scrape node %s: %w", node, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("scrape node %s: %w", node, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("scrape node %s: request failed, status: %q, body: %s", node, resp.Status, body)
	}
	var sum statsapi.Summary
	if err := json.Unmarshal(body, &sum); err != nil {
		return nil, fmt.Errorf("scrape node %s: decode summary: %w", node, err)
	}
	return &sum, nil
}

// point is one measurement: CPU and memory working set at a time.
type point struct {
	at    time.Time
	usage corev1.ResourceList
}

// usagePoint turns kubelet stats into a point; ok is false when either
// figure is missing, as metrics-server drops such a sample.
func usagePoint(cpu *statsapi.CPUStats, mem *statsapi.MemoryStats) (point, bool) {
	if cpu == nil || mem == nil || cpu.UsageNanoCores == nil || mem.WorkingSetBytes == nil {
		return point{}, false
	}
	return point{at: cpu.Time.Time, usage: corev1.ResourceList{
		corev1.ResourceCPU:    *resource.NewScaledQuantity(int64(*cpu.UsageNanoCores), resource.Nano),
		corev1.ResourceMemory: *resource.NewQuantity(int64(*mem.WorkingSetBytes), resource.BinarySI),
	}}, true
}

// nodePoint is a node's usage, if its kubelet reported it.
func (s *Scraper) nodePoint(ctx context.Context, node string) (point, bool) {
	sum, err := s.summary(ctx, node)
	if err != nil {
		return point{}, false
	}
	return usagePoint(sum.Node.CPU, sum.Node.Memory)
}

// containerPoints are the usage of a pod's running containers, in the
// kubelet's order, with the time of the scrape; ok is false when the
// kubelet has no complete metrics for the pod.
func (s *Scraper) containerPoints(ctx context.Context, pod *corev1.Pod) ([]string, []point, bool) {
	if pod.Spec.NodeName == "" {
		return nil, nil, false
	}
	sum, err := s.summary(ctx, pod.Spec.NodeName)
	if err != nil {
		return nil, nil, false
	}
	for _, ps := range sum.Pods {
		if ps.PodRef.Namespace != pod.Namespace || ps.PodRef.Name != pod.Name || (ps.PodRef.UID != "" && ps.PodRef.UID != string(pod.UID)) {
			continue
		}
		var names []string
		var points []point
		for _, c := range ps.Containers {
			p, ok := usagePoint(c.CPU, c.Memory)
			if !ok {
				return nil, nil, false
			}
			names = append(names, c.Name)
			points = append(points, p)
		}
		return names, points, len(points) > 0
	}
	return nil, nil, false
}
