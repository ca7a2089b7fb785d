package apiserver

import (
	"context"
	"net/http"
	"sync"

	"k8s.io/apiserver/pkg/endpoints/filters"
	"k8s.io/apiserver/pkg/warning"
)

// withWarnings gives handlers the Warning header recorder that upstream's
// WithWarningRecorder does, made safe for kubesim's filter chain.
//
// When a request's context ends (its client went away, the environment
// stopped), upstream's request finisher writes the response on the
// serving goroutine while admission may still run on another and add
// warnings. kube-apiserver's timeout filter hands the handler a separate
// writer; kubesim has no such filter, so warnings are collected apart
// from the response's headers and copied into them, under a lock, when
// the response starts. Later warnings are dropped.
func withWarnings(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g := &warnings{req: r}
		h.ServeHTTP(&warningWriter{ResponseWriter: w, g: g}, r.WithContext(warning.WithWarningRecorder(r.Context(), g)))
	})
}

// warnings is a request's warning recorder.
type warnings struct {
	mu       sync.Mutex
	req      *http.Request
	upstream context.Context // carries upstream's recorder, from the first warning on
	staged   http.Header
	sent     bool
}

// AddWarning records a warning unless the response has started.
func (g *warnings) AddWarning(agent, text string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.sent {
		return
	}
	if g.upstream == nil {
		// Upstream's recorder deduplicates and truncates as kube-apiserver
		// does; it writes to the staged headers, which only g touches.
		// Made on first use: most requests warn of nothing.
		g.staged = http.Header{}
		filters.WithWarningRecorder(http.HandlerFunc(func(_ http.ResponseWriter, sr *http.Request) {
			g.upstream = sr.Context()
		})).ServeHTTP(stagingWriter{g.staged}, g.req)
	}
	warning.AddWarning(g.upstream, agent, text)
}

// send copies the warnings into the response's headers, once.
func (g *warnings) send(h http.Header) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.sent {
		return
	}
	g.sent = true
	for _, v := range g.staged.Values("Warning") {
		h.Add("Warning", v)
	}
}

// warningWriter sends the warnings when the response starts.
type warningWriter struct {
	http.ResponseWriter
	g *warnings
}

func (w *warningWriter) WriteHeader(code int) {
	w.g.send(w.Header())
	w.ResponseWriter.WriteHeader(code)
}

func (w *warningWriter) Write(b []byte) (int, error) {
	w.g.send(w.Header())
	return w.ResponseWriter.Write(b)
}

// Flush keeps watches streaming.
func (w *warningWriter) Flush() {
	w.g.send(w.Header())
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (w *warningWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// stagingWriter only has headers: what upstream's recorder writes to.
type stagingWriter struct{ h http.Header }

func (s stagingWriter) Header() http.Header         { return s.h }
func (s stagingWriter) Write(b []byte) (int, error) { return len(b), nil }
func (s stagingWriter) WriteHeader(int)             {}
