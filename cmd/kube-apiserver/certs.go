package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"

	certutil "k8s.io/client-go/util/cert"
	"k8s.io/client-go/util/keyutil"
)

// servingCertificate loads the HTTPS certificate. As upstream does, when
// neither --tls-cert-file nor apiserver.crt in --cert-dir exists, it
// generates a self-signed one there, for localhost, the loopback addresses
// and --bind-address; envtest always writes its own before starting us.
func servingCertificate(o *options) (tls.Certificate, error) {
	certFile, keyFile, explicit := o.servingFiles()
	if !explicit {
		ok, err := certutil.CanReadCertAndKey(certFile, keyFile)
		if err != nil {
			return tls.Certificate{}, fmt.Errorf("read serving certificate: %w", err)
		}
		if !ok {
			if err := writeSelfSigned(o, certFile, keyFile); err != nil {
				return tls.Certificate{}, err
			}
		}
	}
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("load serving certificate %s: %w", certFile, err)
	}
	return pair, nil
}

func writeSelfSigned(o *options, certFile, keyFile string) error {
	ips := []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	if ip := net.ParseIP(o.bindAddress); ip != nil && !ip.IsUnspecified() {
		ips = append(ips, ip)
	}
	crt, key, err := certutil.GenerateSelfSignedCertKey("localhost", ips, nil)
	if err != nil {
		return fmt.Errorf("generate self-signed serving certificate: %w", err)
	}
	if err := os.MkdirAll(o.certDir, 0o755); err != nil {
		return fmt.Errorf("create --cert-dir: %w", err)
	}
	if err := certutil.WriteCert(certFile, crt); err != nil {
		return fmt.Errorf("write self-signed serving certificate: %w", err)
	}
	if err := keyutil.WriteKey(keyFile, key); err != nil {
		return fmt.Errorf("write self-signed serving key: %w", err)
	}
	return nil
}

// clientCAs reads --client-ca-file; nil when it is not set.
func clientCAs(o *options) (*x509.CertPool, error) {
	if o.clientCAFile == "" {
		return nil, nil
	}
	pool, err := certutil.NewPool(o.clientCAFile)
	if err != nil {
		return nil, fmt.Errorf("read --client-ca-file: %w", err)
	}
	return pool, nil
}
