package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"k8s.io/apiserver/pkg/endpoints/request"
)

// testCA signs client certificates the way envtest's TinyCA does.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

// Certificates are checked against wall time by crypto/x509, so their
// validity is set from it.
func newTestCA(t *testing.T) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test-ca"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), // wall-clock: TLS validity
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testCA{cert: cert, key: key}
}

func (ca *testCA) pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.cert)
	return p
}

func (ca *testCA) clientCert(t *testing.T, name string, groups ...string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: name, Organization: groups},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), // wall-clock: TLS validity
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// whoami answers with the user in the request's context.
var whoami = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	u, ok := request.UserFrom(r.Context())
	if !ok {
		fmt.Fprint(w, "no user")
		return
	}
	fmt.Fprintf(w, "%s %v", u.GetName(), u.GetGroups())
})

func TestClientCertificates(t *testing.T) {
	ca := newTestCA(t)
	ts := httptest.NewUnstartedServer(withClientCerts(whoami, newCertAuthenticator(ca.pool())))
	ts.TLS = &tls.Config{ClientAuth: tls.RequestClientCert, ClientCAs: ca.pool()}
	ts.StartTLS()
	defer ts.Close()

	get := func(certs ...tls.Certificate) (int, string) {
		t.Helper()
		tr := ts.Client().Transport.(*http.Transport).Clone()
		tr.TLSClientConfig.Certificates = certs
		c := &http.Client{Transport: tr}
		defer c.CloseIdleConnections()
		resp, err := c.Get(ts.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}

	if code, body := get(ca.clientCert(t, "user", "dev", "ops")); code != http.StatusOK || body != "user [dev ops system:authenticated]" {
		t.Errorf("certificate for user in dev, ops: got %d %q", code, body)
	}
	if code, body := get(); code != http.StatusOK || body != "no user" {
		t.Errorf("no certificate: got %d %q, want the request passed on without a user", code, body)
	}
	stranger := newTestCA(t)
	code, body := get(stranger.clientCert(t, "admin", "system:masters"))
	if code != http.StatusUnauthorized || !strings.Contains(body, `"reason":"Unauthorized"`) {
		t.Errorf("certificate from an unknown CA: got %d %q, want a 401 Status", code, body)
	}
	if code, _ := get(ca.clientCert(t, "")); code != http.StatusUnauthorized {
		t.Errorf("certificate without a CommonName: got %d, want 401", code)
	}
}
