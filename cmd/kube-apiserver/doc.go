// Command kube-apiserver is kubesim standing in for kube-apiserver, so that
// an existing envtest suite (sigs.k8s.io/controller-runtime/pkg/envtest)
// runs against kubesim without a change to its code:
//
//	go build -o /tmp/kubesim-assets/kube-apiserver github.com/kubesim/kubesim/cmd/kube-apiserver
//	go build -o /tmp/kubesim-assets/etcd github.com/kubesim/kubesim/cmd/etcd
//	KUBEBUILDER_ASSETS=/tmp/kubesim-assets go test ./...
//
// It honours the part of kube-apiserver's command line that envtest relies
// on (flags.go): it serves HTTPS on --bind-address:--secure-port with the
// certificate in --cert-dir (or --tls-cert-file/--tls-private-key-file),
// authenticates client certificates signed by --client-ca-file (CN is the
// user, O the groups, as envtest's AddUser makes them; authn.go), answers
// /healthz, /livez and /readyz, and exits on SIGTERM or SIGINT. Flags it
// has no use for (--etcd-servers, --service-account-*, admission plugins,
// ...) are accepted and ignored, so that newer envtest versions keep
// working.
//
// Behind the listener is a bare kubesim cluster (cluster.Config.Bare): the
// API server alone, as envtest runs it, with no controllers, scheduler or
// nodes. Its store lives in this process; the etcd that envtest starts
// next to it (cmd/etcd) only answers health checks. Its virtual clock
// follows wall time at rate 1, starting now, so timestamps read as they
// would on a real API server.
//
// Start reading at main.go.
package main
