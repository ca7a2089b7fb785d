package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestHelp checks what envtest reads from "etcd --help": it exits cleanly
// and lists the flags envtest passes.
func TestHelp(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), []string{"--help"}, &out, io.Discard); err != nil {
		t.Fatalf("--help: %v", err)
	}
	for _, flag := range []string{"--listen-client-urls", "--advertise-client-urls", "--data-dir", "--listen-peer-urls"} {
		if !strings.Contains(out.String(), flag) {
			t.Errorf("--help does not list %s:\n%s", flag, out.String())
		}
	}
}

// TestHealth runs the stand-in with envtest's flags and polls it as envtest
// does, then stops it as SIGTERM would.
func TestHealth(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	logR, logW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{
			"--listen-client-urls=http://127.0.0.1:0", "--advertise-client-urls=http://127.0.0.1:0",
			"--listen-peer-urls=http://127.0.0.1:0", "--data-dir=" + t.TempDir(), "--unsafe-no-fsync=true",
		}, io.Discard, logW)
		logW.Close()
	}()
	url := listeningURL(t, logR, done)
	go func() { _, _ = io.Copy(io.Discard, logR) }()

	for path, want := range map[string]string{"/health": `{"health":"true","reason":""}`, "/livez": "ok", "/readyz": "ok"} {
		code, body := get(t, url+path)
		if code != http.StatusOK || body != want {
			t.Errorf("GET %s: %d %q, want 200 %q", path, code, body, want)
		}
	}
	if code, _ := get(t, url+"/v3/kv/range"); code != http.StatusNotFound {
		t.Errorf("GET /v3/kv/range: %d, want 404: this etcd stores nothing", code)
	}

	cancel()
	if err := <-done; err != nil {
		t.Errorf("run after cancel: %v", err)
	}
}

func TestUnsupportedScheme(t *testing.T) {
	err := run(t.Context(), []string{"--listen-client-urls=unix:///tmp/etcd.sock"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), `scheme "unix" is not supported`) {
		t.Errorf("unix listen URL: got %v", err)
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// listeningURL reads the log until it names the client URL.
func listeningURL(t *testing.T, log io.Reader, done <-chan error) string {
	t.Helper()
	sc := bufio.NewScanner(log)
	for sc.Scan() {
		if _, url, ok := strings.Cut(sc.Text(), "answering health checks at "); ok {
			return url
		}
	}
	t.Fatalf("etcd exited without listening: %v", <-done)
	return ""
}
