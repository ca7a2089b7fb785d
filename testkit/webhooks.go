package testkit

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/kubesim/kubesim/cluster"
)

// WebhookInstallOptions are envtest's options for installing admission
// webhooks that the test process serves itself (a controller-runtime
// webhook server, say). Start generates a serving certificate into
// LocalServingCertDir (tls.crt, tls.key), picks LocalServingHost and a
// free LocalServingPort, rewrites each webhook's service reference to a
// URL on that host and port with the CA bundle, and installs the
// configurations. Point the webhook server at the filled-in fields:
//
//	webhook.NewServer(webhook.Options{
//		Host: o.LocalServingHost, Port: o.LocalServingPort, CertDir: o.LocalServingCertDir})
type WebhookInstallOptions struct {
	// Paths are files or directories of webhook configuration manifests.
	Paths              []string
	MutatingWebhooks   []*admissionregistrationv1.MutatingWebhookConfiguration
	ValidatingWebhooks []*admissionregistrationv1.ValidatingWebhookConfiguration
	// IgnoreErrorIfPathMissing skips paths that do not exist.
	IgnoreErrorIfPathMissing bool
	// IgnoreSchemeConvertible is accepted for compatibility; CRD
	// conversion webhooks are not rewritten.
	IgnoreSchemeConvertible bool

	// Set by Start unless given.
	LocalServingHost    string
	LocalServingPort    int
	LocalServingCertDir string
	LocalServingCAData  []byte
	// LocalServingHostExternalName is the host the API server dials, when
	// not LocalServingHost.
	LocalServingHostExternalName string

	// MaxTime and PollInterval are accepted for compatibility: the
	// configurations are in effect once created.
	MaxTime      time.Duration
	PollInterval time.Duration

	madeCertDir bool
}

// install prepares certificates and addresses and creates the webhook
// configurations.
func (o *WebhookInstallOptions) install(config *rest.Config) error {
	if len(o.Paths) == 0 && len(o.MutatingWebhooks) == 0 && len(o.ValidatingWebhooks) == 0 {
		return nil
	}
	if err := o.read(); err != nil {
		return err
	}
	if err := o.prepare(); err != nil {
		return err
	}
	client, err := kubernetes.NewForConfig(config)
	if err != nil {
		return err
	}
	ctx := context.Background()
	for _, w := range o.MutatingWebhooks {
		_, err := client.AdmissionregistrationV1().MutatingWebhookConfigurations().Create(ctx, w, metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("install mutating webhook %s: %w", w.Name, err)
		}
	}
	for _, w := range o.ValidatingWebhooks {
		_, err := client.AdmissionregistrationV1().ValidatingWebhookConfigurations().Create(ctx, w, metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("install validating webhook %s: %w", w.Name, err)
		}
	}
	return nil
}

// read adds the configurations found in Paths.
func (o *WebhookInstallOptions) read() error {
	for _, p := range o.Paths {
		objs, err := readManifests(p, !o.IgnoreErrorIfPathMissing)
		if err != nil {
			return fmt.Errorf("read webhooks: %w", err)
		}
		for _, obj := range objs {
			switch w := obj.(type) {
			case *admissionregistrationv1.MutatingWebhookConfiguration:
				o.MutatingWebhooks = append(o.MutatingWebhooks, w)
			case *admissionregistrationv1.ValidatingWebhookConfiguration:
				o.ValidatingWebhooks = append(o.ValidatingWebhooks, w)
			}
		}
	}
	return nil
}

// prepare fills in host, port and certificates, and points every webhook
// at them.
func (o *WebhookInstallOptions) prepare() error {
	if o.LocalServingHost == "" {
		o.LocalServingHost = "127.0.0.1"
	}
	if o.LocalServingPort == 0 {
		port, err := freePort(o.LocalServingHost)
		if err != nil {
			return err
		}
		o.LocalServingPort = port
	}
	if len(o.LocalServingCAData) == 0 {
		certs, err := cluster.NewCertificates(o.LocalServingHost, o.LocalServingHostExternalName)
		if err != nil {
			return fmt.Errorf("webhook serving certificate: %w", err)
		}
		if o.LocalServingCertDir == "" {
			if o.LocalServingCertDir, err = os.MkdirTemp("", "kubesim-webhook-certs-"); err != nil {
				return err
			}
			o.madeCertDir = true
		}
		if err := os.WriteFile(filepath.Join(o.LocalServingCertDir, "tls.crt"), certs.Cert, 0o600); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(o.LocalServingCertDir, "tls.key"), certs.Key, 0o600); err != nil {
			return err
		}
		o.LocalServingCAData = certs.CA
	}
	host := o.LocalServingHostExternalName
	if host == "" {
		host = o.LocalServingHost
	}
	hostPort := net.JoinHostPort(host, strconv.Itoa(o.LocalServingPort))
	for _, c := range o.MutatingWebhooks {
		for i := range c.Webhooks {
			o.pointAt(&c.Webhooks[i].ClientConfig, hostPort)
		}
	}
	for _, c := range o.ValidatingWebhooks {
		for i := range c.Webhooks {
			o.pointAt(&c.Webhooks[i].ClientConfig, hostPort)
		}
	}
	return nil
}

// pointAt replaces a service reference with a URL on the local server,
// keeping the service's path, as envtest does.
func (o *WebhookInstallOptions) pointAt(cc *admissionregistrationv1.WebhookClientConfig, hostPort string) {
	cc.CABundle = o.LocalServingCAData
	if cc.Service != nil && cc.Service.Path != nil {
		url := "https://" + hostPort + "/" + strings.TrimPrefix(*cc.Service.Path, "/")
		cc.URL, cc.Service = &url, nil
	}
}

// cleanup removes the certificates Start generated.
func (o *WebhookInstallOptions) cleanup() error {
	if !o.madeCertDir {
		return nil
	}
	return os.RemoveAll(o.LocalServingCertDir)
}

func freePort(host string) (int, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return 0, fmt.Errorf("find a port for webhooks: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
