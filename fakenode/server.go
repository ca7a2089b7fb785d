package fakenode

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubesim/kubesim/fakenode/kubeletstatus"
)

// Handler serves the kubelets' HTTP API that the API server calls, for
// every node of the fleet: GET /containerLogs/{namespace}/{pod}/{container}
// with the pods/log options (follow, previous, timestamps, tailLines,
// limitBytes, sinceSeconds, sinceTime), and GET /stats/summary, the
// node's resource usage that metrics-server reads (stats.go).
func (f *Fleet) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /containerLogs/{namespace}/{pod}/{container}", f.serveLogs)
	mux.HandleFunc("GET /stats/summary", f.serveStats)
	return mux
}

func (f *Fleet) serveLogs(w http.ResponseWriter, r *http.Request) {
	ns, podName, name := r.PathValue("namespace"), r.PathValue("pod"), r.PathValue("container")
	q := r.URL.Query()
	worker := f.findPod(ns, podName)
	if worker == nil {
		writeError(w, http.StatusNotFound, fmt.Sprintf("pod %q not found in namespace %q on this node", podName, ns))
		return
	}
	log, err := worker.logFor(name, q.Get("previous") == "true")
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	opts := logOptions{timestamps: q.Get("timestamps") == "true", follow: q.Get("follow") == "true", tail: -1, limit: -1}
	if v := q.Get("tailLines"); v != "" {
		opts.tail, _ = strconv.Atoi(v)
	}
	if v := q.Get("limitBytes"); v != "" {
		opts.limit, _ = strconv.Atoi(v)
	}
	if v := q.Get("sinceSeconds"); v != "" {
		secs, _ := strconv.Atoi(v)
		opts.since = f.clock.Now().Add(-time.Duration(secs) * time.Second)
	}
	if v := q.Get("sinceTime"); v != "" {
		opts.since, _ = time.Parse(time.RFC3339, v)
	}
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(http.StatusOK)
	writeLog(r.Context(), w, log, opts)
}

type logOptions struct {
	timestamps, follow bool
	tail, limit        int
	since              time.Time
}

// writeLog writes a log as the kubelet does, following it while the
// container runs when asked to.
func writeLog(ctx context.Context, w http.ResponseWriter, log *containerLog, o logOptions) {
	flusher, _ := w.(http.Flusher)
	lines, closed, more := log.from(0)
	if o.tail >= 0 && len(lines) > o.tail {
		lines = lines[len(lines)-o.tail:]
	}
	next := len(lines)
	if all, _, _ := log.from(0); len(all) > next {
		next = len(all)
	}
	written := 0
	for {
		for _, l := range lines {
			if !o.since.IsZero() && l.at.Before(o.since) {
				continue
			}
			var b strings.Builder
			if o.timestamps {
				b.WriteString(l.at.UTC().Format(time.RFC3339Nano))
				b.WriteByte(' ')
			}
			b.Write(l.text)
			b.WriteByte('\n')
			out := b.String()
			if o.limit >= 0 && written+len(out) > o.limit {
				_, _ = w.Write([]byte(out[:o.limit-written]))
				return
			}
			if _, err := w.Write([]byte(out)); err != nil {
				return
			}
			written += len(out)
		}
		if flusher != nil {
			flusher.Flush()
		}
		if !o.follow || closed {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-more:
		}
		lines, closed, more = log.from(next)
		next += len(lines)
	}
}

// findPod finds the worker of a pod on any of the fleet's nodes.
func (f *Fleet) findPod(ns, name string) *podWorker {
	for _, n := range f.Nodes() {
		n.mu.Lock()
		for _, w := range n.pods {
			if p := w.podNow(); p.Namespace == ns && p.Name == name {
				n.mu.Unlock()
				return w
			}
		}
		n.mu.Unlock()
	}
	return nil
}

// writeError answers with the error's text as the kubelet's server does
// (go-restful's WriteError): without the newline http.Error adds, which
// the API server would pass on in its message.
func writeError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(msg))
}

// logFor returns a container's current log, or its previous one, with the
// kubelet's errors for a container that has none.
func (w *podWorker) logFor(name string, previous bool) (*containerLog, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, c := range w.all() {
		if c.spec.Name != name {
			continue
		}
		if previous {
			if c.prevLog == nil {
				return nil, fmt.Errorf("previous terminated container %q in pod %q not found", name, w.pod.Name)
			}
			return c.prevLog, nil
		}
		if c.log == nil {
			return nil, fmt.Errorf("container %q in pod %q is waiting to start%s", name, w.pod.Name, w.waitingForLogs(name))
		}
		return c.log, nil
	}
	return nil, fmt.Errorf("container %s is not valid for pod %s", name, w.pod.Name)
}

// waitingForLogs is what the kubelet says of a container without logs, from
// the waiting reason in the status manager's status ("PodInitializing"
// behind init containers), with its own words for the pull failures.
func (w *podWorker) waitingForLogs(name string) string {
	st := &w.pod.Status
	if w.cached != nil {
		st = w.cached
	}
	for _, list := range [][]corev1.ContainerStatus{st.ContainerStatuses, st.InitContainerStatuses, st.EphemeralContainerStatuses} {
		for _, cs := range list {
			if cs.Name != name || cs.State.Waiting == nil {
				continue
			}
			switch reason := cs.State.Waiting.Reason; reason {
			case kubeletstatus.ReasonErrImagePull:
				return ": image can't be pulled"
			case kubeletstatus.ReasonImagePullBackOff:
				return ": trying and failing to pull image"
			default:
				return ": " + reason
			}
		}
	}
	return " - no logs yet"
}
