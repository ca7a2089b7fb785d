package main

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"
)

// listeners serve the health endpoints on every client URL.
type listeners struct {
	servers []*http.Server
	urls    []string
	failed  chan error // receives the first listener that stops on its own
}

func listen(o *options) (*listeners, error) {
	ls := &listeners{failed: make(chan error, 1)}
	for _, raw := range o.listenClientURLs {
		if err := ls.add(o, raw); err != nil {
			ls.close()
			return nil, err
		}
	}
	return ls, nil
}

func (ls *listeners) add(o *options, raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("--listen-client-urls: %w", err)
	}
	srv := &http.Server{Handler: healthHandler(), ReadHeaderTimeout: 10 * time.Second}
	switch u.Scheme {
	case "http":
	case "https":
		if o.certFile == "" || o.keyFile == "" {
			return fmt.Errorf("--listen-client-urls %s: https needs --cert-file and --key-file", raw)
		}
		pair, err := tls.LoadX509KeyPair(o.certFile, o.keyFile)
		if err != nil {
			return fmt.Errorf("load --cert-file: %w", err)
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}
	default:
		return fmt.Errorf("--listen-client-urls %s: scheme %q is not supported (want http or https)", raw, u.Scheme)
	}
	ln, err := net.Listen("tcp", u.Host)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", u.Host, err)
	}
	ls.servers = append(ls.servers, srv)
	ls.urls = append(ls.urls, u.Scheme+"://"+ln.Addr().String())
	go func() {
		var err error
		if srv.TLSConfig != nil {
			err = srv.ServeTLS(ln, "", "")
		} else {
			err = srv.Serve(ln)
		}
		if !errors.Is(err, http.ErrServerClosed) {
			select {
			case ls.failed <- fmt.Errorf("serve %s: %w", raw, err):
			default:
			}
		}
	}()
	return nil
}

func (ls *listeners) close() {
	for _, srv := range ls.servers {
		_ = srv.Close()
	}
}

// healthHandler answers as a healthy single-member etcd does: /health
// with {"health":"true","reason":""} (etcd 3.3 and later), /livez and
// /readyz with "ok" (etcd 3.5.11 and later). Anything else is 404: no
// client stores data here.
func healthHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"health":"true","reason":""}`))
	})
	ok := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok"))
	}
	mux.HandleFunc("GET /livez", ok)
	mux.HandleFunc("GET /readyz", ok)
	return mux
}
