package cluster

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/kubesim/kubesim/kube/apiserver"
	"github.com/kubesim/kubesim/kube/registry"
)

// server is one loopback HTTPS listener serving the API.
type server struct {
	http     *http.Server
	listener net.Listener
	url      string
	caPEM    []byte
	token    string
}

// Serve starts an HTTPS listener on addr (":0" style addresses pick a free
// port; "" means 127.0.0.1:0) with a certificate made for this cluster,
// and returns its URL.
func (c *Cluster) Serve(addr string) (string, error) {
	s, err := c.serve(addr)
	if err != nil {
		return "", err
	}
	return s.url, nil
}

func (c *Cluster) serve(addr string) (*server, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, errors.New("serve: cluster is closed")
	}
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	// Signed by the cluster CA, which pods find in kube-root-ca.crt, so
	// that a pod's ca.crt verifies the API server as in a real cluster.
	serving, err := c.ControlPlane.CA.ServingCertificate(registry.KubernetesServiceIP.String())
	if err != nil {
		return nil, err
	}
	// The kubeconfig's user is the cluster admin.
	token, err := c.ControlPlane.Tokens.Add(apiserver.Admin)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	s := &server{
		listener: ln,
		url:      "https://" + ln.Addr().String(),
		caPEM:    c.ControlPlane.CA.CertPEM,
		token:    token,
		http: &http.Server{
			Handler:           c.withControl(c.ControlPlane.Handler(), token),
			TLSConfig:         &tls.Config{Certificates: []tls.Certificate{serving}, MinVersion: tls.VersionTLS12, NextProtos: []string{"h2", "http/1.1"}},
			ReadHeaderTimeout: 30 * time.Second,
		},
	}
	go func() { _ = s.http.ServeTLS(ln, "", "") }()
	c.servers = append(c.servers, s)
	return s, nil
}

// close stops the listener at once: open watches end, as they would when
// a real API server goes away.
func (s *server) close() error { return s.http.Close() }

// WriteKubeconfig serves the API on a loopback listener (starting one if
// none is open) and writes a kubeconfig for it to path, with a context
// named "kubesim" selected.
func (c *Cluster) WriteKubeconfig(path string) error {
	s, err := c.firstServer()
	if err != nil {
		return err
	}
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["kubesim"] = &clientcmdapi.Cluster{Server: s.url, CertificateAuthorityData: s.caPEM}
	cfg.AuthInfos["kubesim-admin"] = &clientcmdapi.AuthInfo{Token: s.token}
	cfg.Contexts["kubesim"] = &clientcmdapi.Context{Cluster: "kubesim", AuthInfo: "kubesim-admin", Namespace: "default"}
	cfg.CurrentContext = "kubesim"
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write kubeconfig: %w", err)
	}
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		return fmt.Errorf("write kubeconfig: %w", err)
	}
	return nil
}

// LoopbackConfig returns a client configuration for the loopback HTTPS
// listener, starting one if none is open.
func (c *Cluster) LoopbackConfig() (*rest.Config, error) {
	s, err := c.firstServer()
	if err != nil {
		return nil, err
	}
	return &rest.Config{
		Host:            s.url,
		BearerToken:     s.token,
		TLSClientConfig: rest.TLSClientConfig{CAData: s.caPEM},
		QPS:             -1,
	}, nil
}

func (c *Cluster) firstServer() (*server, error) {
	c.mu.Lock()
	if len(c.servers) > 0 {
		s := c.servers[0]
		c.mu.Unlock()
		return s, nil
	}
	c.mu.Unlock()
	return c.serve("")
}
