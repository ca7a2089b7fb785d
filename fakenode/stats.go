package fakenode

import (
	"encoding/json"
	"net"
	"net/http"
	"time"

	statsapi "k8s.io/kubelet/pkg/apis/stats/v1alpha1"
)

// The kubelet's GET /stats/summary answers with upstream's Summary type
// (k8s.io/kubelet/pkg/apis/stats/v1alpha1), which metrics-server and
// kubesim's kube/metrics read. Only the fields those readers use are
// filled: CPU and memory of the node, of each pod and of each running
// container.

// serveStats answers GET /stats/summary for the node the request was
// addressed to (https://<node>:10250/stats/summary).
func (f *Fleet) serveStats(w http.ResponseWriter, r *http.Request) {
	name := nodeOfRequest(r)
	n := f.Node(name)
	if n == nil {
		http.Error(w, "node "+name+" is not part of this fleet", http.StatusNotFound)
		return
	}
	summary, err := n.Summary()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(summary)
}

// nodeOfRequest is the host a kubelet request was sent to, without port.
func nodeOfRequest(r *http.Request) string {
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		return h
	}
	return host
}

// Summary is what the node's kubelet answers on /stats/summary now.
func (n *Node) Summary() (*statsapi.Summary, error) {
	now := n.fleet.clock.Now()
	capacity, err := n.spec.capacity()
	if err != nil {
		return nil, err
	}
	n.mu.Lock()
	workers := make([]*podWorker, 0, len(n.pods))
	for _, w := range n.pods {
		workers = append(workers, w)
	}
	n.mu.Unlock()

	total := systemUsage(capacity)
	out := &statsapi.Summary{Pods: []statsapi.PodStats{}}
	for _, w := range workers {
		ps, ok := w.stats(now)
		if !ok {
			continue
		}
		out.Pods = append(out.Pods, ps.stats)
		total = total.add(ps.usage)
	}
	sortPodStats(out.Pods)
	out.Node = statsapi.NodeStats{NodeName: n.Name(), CPU: total.cpuStats(now), Memory: total.memoryStats(now)}
	if mem := capacity.Memory().Value(); mem > total.memory {
		out.Node.Memory.AvailableBytes = ptrU64(mem - total.memory)
	}
	return out, nil
}

func ptrU64(v int64) *uint64 {
	if v < 0 {
		v = 0
	}
	u := uint64(v)
	return &u
}

// cpuTime is the cumulative CPU time of a process that ran at rate
// nanocores for d.
func cpuTime(nanoCores int64, d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	// nanocores * seconds = core-nanoseconds; split to avoid overflow.
	secs := int64(d / time.Second)
	rest := int64(d % time.Second)
	return nanoCores*secs + nanoCores*rest/int64(time.Second)
}
