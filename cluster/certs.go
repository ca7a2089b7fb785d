package cluster

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"

	"github.com/kubesim/kubesim/kube/auth"
)

// Certificates are a throwaway CA and a serving certificate it signed, in
// PEM: what a loopback HTTPS server (the API server's, or a test's
// webhook server) needs.
type Certificates struct {
	CA   []byte
	Cert []byte
	Key  []byte
}

// NewCertificates makes a throwaway CA and a serving certificate for the
// loopback addresses, localhost, the in-cluster names of the kubernetes
// Service, and hosts (DNS names or IP addresses), with auth.CA's validity
// (neither wall nor virtual time makes them expire).
func NewCertificates(hosts ...string) (*Certificates, error) {
	ca, err := auth.NewCA()
	if err != nil {
		return nil, err
	}
	serving, err := ca.ServingCertificate(hosts...)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(serving.PrivateKey)
	if err != nil {
		return nil, fmt.Errorf("encode serving key: %w", err)
	}
	return &Certificates{
		CA:   ca.CertPEM,
		Cert: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: serving.Certificate[0]}),
		Key:  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}),
	}, nil
}

// TLS returns the serving certificate, with the CA in its chain.
func (c *Certificates) TLS() (tls.Certificate, error) {
	return tls.X509KeyPair(append(append([]byte{}, c.Cert...), c.CA...), c.Key)
}
