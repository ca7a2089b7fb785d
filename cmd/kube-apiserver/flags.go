package main

import (
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
)

// options are the kube-apiserver flags kubesim honours. Defaults are
// upstream's (k8s.io/apiserver/pkg/server/options SecureServingOptions and
// kube-apiserver's deprecated insecure serving).
type options struct {
	bindAddress    string
	securePort     int
	certDir        string
	tlsCertFile    string
	tlsKeyFile     string
	clientCAFile   string
	insecureBind   string
	insecurePort   int
	authzModes     []string
	version        bool
	advertiseAddr  string
	etcdServers    []string
	admissionOff   []string
	serviceIPRange string
}

// newOptions declares the flags. Unknown flags are accepted and ignored:
// envtest, and the suites that configure it, pass many kube-apiserver
// flags that mean nothing to a simulation (--service-account-issuer,
// --feature-gates, -v, ...), and newer envtest versions may add more.
func newOptions() (*options, *pflag.FlagSet) {
	o := &options{}
	fs := pflag.NewFlagSet("kube-apiserver", pflag.ContinueOnError)
	fs.ParseErrorsAllowlist.UnknownFlags = true
	fs.SetOutput(io.Discard) // run prints usage itself, on --help only
	fs.StringVar(&o.bindAddress, "bind-address", "0.0.0.0", "The IP address on which to listen for the --secure-port port.")
	fs.IntVar(&o.securePort, "secure-port", 6443, "The port on which to serve HTTPS with authentication and authorization. 0 picks a free port.")
	fs.StringVar(&o.certDir, "cert-dir", "/var/run/kubernetes", "The directory where the TLS certs are located (apiserver.crt and apiserver.key). If --tls-cert-file and --tls-private-key-file are provided, this flag will be ignored. Missing certificates are generated, self-signed.")
	fs.StringVar(&o.tlsCertFile, "tls-cert-file", "", "File containing the default x509 Certificate for HTTPS.")
	fs.StringVar(&o.tlsKeyFile, "tls-private-key-file", "", "File containing the default x509 private key matching --tls-cert-file.")
	fs.StringVar(&o.clientCAFile, "client-ca-file", "", "If set, any request presenting a client certificate signed by one of the authorities in the client-ca-file is authenticated with an identity corresponding to the CommonName of the client certificate, and groups from its Organizations.")
	// Deprecated upstream and gone since 1.24, but envtest passes it to
	// binaries that list it, and serves its deprecated APIServer.URL on it.
	fs.StringVar(&o.insecureBind, "insecure-bind-address", "127.0.0.1", "The IP address on which to serve the --insecure-port.")
	fs.IntVar(&o.insecurePort, "insecure-port", 0, "The port on which to serve unsecured, unauthenticated access, as the cluster admin. 0 disables it.")
	fs.StringSliceVar(&o.authzModes, "authorization-mode", []string{"RBAC"}, "Ordered list of plug-ins to do authorization on secure port. kubesim always authorizes with RBAC.")
	fs.BoolVar(&o.version, "version", false, "Print version information and quit.")
	// Accepted and ignored: named here so that --help lists them.
	fs.StringVar(&o.advertiseAddr, "advertise-address", "", "Ignored by kubesim.")
	fs.StringSliceVar(&o.etcdServers, "etcd-servers", nil, "Ignored by kubesim: its store lives in this process.")
	fs.StringSliceVar(&o.admissionOff, "disable-admission-plugins", nil, "Ignored by kubesim, which has no ServiceAccount admission plugin.")
	fs.StringVar(&o.serviceIPRange, "service-cluster-ip-range", "", "Ignored by kubesim.")
	return o, fs
}

func printUsage(w io.Writer, fs *pflag.FlagSet) {
	fmt.Fprintf(w, "kube-apiserver (kubesim) serves a simulated Kubernetes API in place of kube-apiserver.\n\nUsage:\n  kube-apiserver [flags]\n\nFlags:\n%s", fs.FlagUsages())
}

// warnings lists the flags whose values kubesim cannot honour.
func (o *options) warnings() []string {
	var ws []string
	for _, m := range o.authzModes {
		// Node only grants kubelets (system:node:*) what they need; a
		// bare cluster has none.
		if m != "RBAC" && m != "Node" {
			ws = append(ws, fmt.Sprintf("--authorization-mode=%s is not supported; authorizing with RBAC", strings.Join(o.authzModes, ",")))
			break
		}
	}
	return ws
}

// secureAddr is the address the HTTPS listener binds.
func (o *options) secureAddr() string {
	return net.JoinHostPort(o.bindAddress, strconv.Itoa(o.securePort))
}

// insecureAddr is the plain HTTP listener's address, or "" when off.
func (o *options) insecureAddr() string {
	if o.insecurePort <= 0 {
		return ""
	}
	return net.JoinHostPort(o.insecureBind, strconv.Itoa(o.insecurePort))
}

// servingFiles are the serving certificate and key: the explicit files if
// both are given, else apiserver.crt and apiserver.key in --cert-dir, as
// upstream's SecureServingOptions.MaybeDefaultWithSelfSignedCerts.
func (o *options) servingFiles() (cert, key string, explicit bool) {
	if o.tlsCertFile != "" && o.tlsKeyFile != "" {
		return o.tlsCertFile, o.tlsKeyFile, true
	}
	return filepath.Join(o.certDir, "apiserver.crt"), filepath.Join(o.certDir, "apiserver.key"), false
}
