package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	certutil "k8s.io/client-go/util/cert"
)

// TestHelp checks what envtest reads from "kube-apiserver --help": it exits
// cleanly and lists --insecure-port (envtest then passes --insecure-port=0
// instead of dropping it) and the flags kubesim honours.
func TestHelp(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), []string{"--help"}, &out, io.Discard); err != nil {
		t.Fatalf("--help: %v", err)
	}
	for _, flag := range []string{"--secure-port", "--bind-address", "--cert-dir", "--client-ca-file", "--insecure-port"} {
		if !strings.Contains(out.String(), "\n      "+flag+" ") && !strings.Contains(out.String(), "\n  "+flag) {
			t.Errorf("--help does not list %s:\n%s", flag, out.String())
		}
	}
}

// TestServe starts the server in-process with the flags envtest passes
// (and some it does not know), without a serving certificate so that one
// is generated, checks /healthz over TLS against that certificate, and
// stops it as SIGTERM would.
func TestServe(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	logR, logW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{
			"--secure-port=0", "--bind-address=127.0.0.1", "--cert-dir=" + dir,
			"--etcd-servers=http://127.0.0.1:2379", "--service-account-issuer=https://127.0.0.1/",
			"--feature-gates=AllAlpha=false", "--allow-privileged=true",
		}, io.Discard, logW)
		logW.Close()
	}()
	url := servingURL(t, logR, done)
	go func() { _, _ = io.Copy(io.Discard, logR) }()

	roots, err := certutil.NewPool(filepath.Join(dir, "apiserver.crt"))
	if err != nil {
		t.Fatalf("generated serving certificate: %v", err)
	}
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	defer c.CloseIdleConnections()
	resp, err := c.Get(url + "/healthz")
	if err != nil {
		t.Fatalf("GET /healthz: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "ok" {
		t.Errorf("GET /healthz: %d %q", resp.StatusCode, body)
	}

	cancel()
	if err := <-done; err != nil {
		t.Errorf("run after cancel: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "apiserver.key")); err != nil {
		t.Errorf("generated serving key: %v", err)
	}
}

// servingURL reads the server's log until it names its HTTPS address.
func servingURL(t *testing.T, log io.Reader, done <-chan error) string {
	t.Helper()
	sc := bufio.NewScanner(log)
	for sc.Scan() {
		if _, url, ok := strings.Cut(sc.Text(), "serving the Kubernetes API at "); ok {
			return url
		}
	}
	t.Fatalf("server exited without serving: %v", <-done)
	return ""
}
