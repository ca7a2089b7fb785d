package apiserver

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
)

// Transport is an http.RoundTripper that serves requests by calling a
// handler in the same process: no sockets, no TLS, but the same bytes on
// the wire, so client-go, controller-runtime and kubectl's libraries work
// unchanged. Responses stream, so watches work too.
type Transport struct {
	Handler http.Handler
}

var _ http.RoundTripper = (*Transport)(nil)

// RoundTrip implements http.RoundTripper. A watch is streamed: RoundTrip
// returns as soon as the handler has written its headers, the body follows
// as the handler writes it, and closing the body cancels the request.
// Other requests are served on the caller's goroutine into a buffer.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !isWatch(req) {
		return t.roundTripBuffered(req)
	}
	ctx, cancel := context.WithCancel(req.Context())
	req = req.Clone(ctx)
	prepare(req)
	pr, pw := io.Pipe()
	rw := &pipeWriter{header: http.Header{}, body: pw, ready: make(chan struct{})}
	go func() {
		defer func() {
			if v := recover(); v != nil && v != http.ErrAbortHandler {
				rw.WriteHeader(http.StatusInternalServerError)
			}
			rw.WriteHeader(http.StatusOK) // no-op if already written
			_ = pw.Close()
		}()
		t.Handler.ServeHTTP(rw, req)
	}()
	select {
	case <-rw.ready:
	case <-ctx.Done():
		cancel()
		_ = pr.Close()
		return nil, ctx.Err()
	}
	return &http.Response{
		Status:        http.StatusText(rw.status),
		StatusCode:    rw.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        rw.sent,
		Body:          &cancelBody{ReadCloser: pr, cancel: cancel},
		ContentLength: -1,
		Request:       req,
	}, nil
}

func prepare(req *http.Request) {
	req.RequestURI = req.URL.RequestURI()
	if req.RemoteAddr == "" {
		req.RemoteAddr = "127.0.0.1:0"
	}
}

// isWatch reports whether a request asks for a stream: a watch, in either
// of the forms the API accepts, or a followed log.
func isWatch(req *http.Request) bool {
	if strings.HasPrefix(req.URL.Path, "/api/v1/watch/") || (strings.HasPrefix(req.URL.Path, "/apis/") && strings.Contains(req.URL.Path, "/watch/")) {
		return true
	}
	q := req.URL.Query()
	w, f := q.Get("watch"), q.Get("follow")
	return w == "true" || w == "1" || f == "true" || f == "1"
}

func (t *Transport) roundTripBuffered(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	prepare(req)
	rw := &bufferWriter{header: http.Header{}}
	func() {
		defer func() {
			if v := recover(); v != nil && v != http.ErrAbortHandler {
				rw.WriteHeader(http.StatusInternalServerError)
			}
		}()
		t.Handler.ServeHTTP(rw, req)
	}()
	rw.WriteHeader(http.StatusOK) // no-op if already written
	return &http.Response{
		Status:        http.StatusText(rw.status),
		StatusCode:    rw.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        rw.sent,
		Body:          io.NopCloser(&rw.body),
		ContentLength: int64(rw.body.Len()),
		Request:       req,
	}, nil
}

// bufferWriter collects a whole response.
type bufferWriter struct {
	header http.Header
	sent   http.Header
	status int
	body   bytes.Buffer
}

func (w *bufferWriter) Header() http.Header { return w.header }

func (w *bufferWriter) WriteHeader(status int) {
	if w.sent == nil {
		w.status = status
		w.sent = w.header.Clone()
	}
}

func (w *bufferWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(p)
}

// Flush implements http.Flusher; a buffered response is delivered whole.
func (w *bufferWriter) Flush() {}

// pipeWriter is the http.ResponseWriter the handler writes to.
type pipeWriter struct {
	header http.Header
	sent   http.Header
	body   *io.PipeWriter
	once   sync.Once
	status int
	ready  chan struct{}
}

func (w *pipeWriter) Header() http.Header { return w.header }

func (w *pipeWriter) WriteHeader(status int) {
	w.once.Do(func() {
		w.status = status
		w.sent = w.header.Clone()
		close(w.ready)
	})
}

func (w *pipeWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(p)
}

// Flush implements http.Flusher: writes reach the reader as they happen.
func (w *pipeWriter) Flush() { w.WriteHeader(http.StatusOK) }

// cancelBody cancels the request when the client closes the response.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	b.cancel()
	return b.ReadCloser.Close()
}
