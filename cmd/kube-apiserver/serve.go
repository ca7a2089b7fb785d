package main

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"k8s.io/apiserver/pkg/authentication/authenticator"
)

// servers are the HTTPS listener and, when --insecure-port asks for it,
// the plain HTTP one.
type servers struct {
	list   []*http.Server
	addrs  []string
	failed chan struct{} // closed when a listener stops on its own

	mu       sync.Mutex
	firstErr error
}

// newServers listens on the configured addresses and starts serving h.
func newServers(o *options, h http.Handler) (*servers, error) {
	tlsConfig, authn, err := secureConfig(o)
	if err != nil {
		return nil, err
	}
	s := &servers{failed: make(chan struct{})}
	secure := &http.Server{Handler: withClientCerts(h, authn), TLSConfig: tlsConfig, ReadHeaderTimeout: 30 * time.Second}
	if err := s.start(secure, o.secureAddr(), "https"); err != nil {
		return nil, err
	}
	if addr := o.insecureAddr(); addr != "" {
		// Upstream's insecure port skipped authentication and
		// authorization; kubesim runs requests without credentials as the
		// cluster admin, which is the same.
		insecure := &http.Server{Handler: h, ReadHeaderTimeout: 30 * time.Second}
		if err := s.start(insecure, addr, "http"); err != nil {
			s.close()
			return nil, err
		}
	}
	return s, nil
}

// secureConfig builds the HTTPS listener's TLS configuration. Client
// certificates are requested but verified by the authenticator, as
// kube-apiserver does, so that a bad one gets a 401 rather than a failed
// handshake.
func secureConfig(o *options) (*tls.Config, authenticator.Request, error) {
	serving, err := servingCertificate(o)
	if err != nil {
		return nil, nil, err
	}
	roots, err := clientCAs(o)
	if err != nil {
		return nil, nil, err
	}
	cfg := &tls.Config{
		Certificates: []tls.Certificate{serving},
		MinVersion:   tls.VersionTLS12,
		NextProtos:   []string{"h2", "http/1.1"},
	}
	if roots == nil {
		return cfg, nil, nil
	}
	cfg.ClientAuth = tls.RequestClientCert
	cfg.ClientCAs = roots
	return cfg, newCertAuthenticator(roots), nil
}

func (s *servers) start(srv *http.Server, addr, scheme string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	s.list = append(s.list, srv)
	s.addrs = append(s.addrs, scheme+"://"+ln.Addr().String())
	go func() {
		var err error
		if srv.TLSConfig != nil {
			err = srv.ServeTLS(ln, "", "")
		} else {
			err = srv.Serve(ln)
		}
		if !errors.Is(err, http.ErrServerClosed) {
			s.fail(fmt.Errorf("serve %s://%s: %w", scheme, addr, err))
		}
	}()
	return nil
}

func (s *servers) fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.firstErr == nil {
		s.firstErr = err
		close(s.failed)
	}
}

// err is why a listener stopped on its own, if one did.
func (s *servers) err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.firstErr
}

func (s *servers) urls() []string { return s.addrs }

// close stops the listeners at once: open watches end, as they do when a
// real API server goes away.
func (s *servers) close() {
	for _, srv := range s.list {
		_ = srv.Close()
	}
}
