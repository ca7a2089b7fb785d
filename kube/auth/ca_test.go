package auth_test

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/kubesim/kubesim/kube/auth"
)

// A client that trusts only the CA's certificate (what a pod finds in
// ca.crt) accepts a server whose certificate the CA issued.
func TestCAIssuesServingCertificates(t *testing.T) {
	ca, err := auth.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	serving, err := ca.ServingCertificate("kubesim.example")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") }))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{serving}, MinVersion: tls.VersionTLS12}
	srv.StartTLS()
	defer srv.Close()

	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca.CertPEM) {
		t.Fatal("CertPEM holds no certificate")
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	defer client.CloseIdleConnections()
	resp, err := client.Get(srv.URL)
	if err != nil {
		t.Fatalf("the CA's client refused the server: %v", err)
	}
	_ = resp.Body.Close()

	other, err := auth.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AppendCertsFromPEM(other.CertPEM)
	client = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	defer client.CloseIdleConnections()
	if resp, err := client.Get(srv.URL); err == nil {
		_ = resp.Body.Close()
		t.Error("a client trusting another CA accepted the server")
	}
}
