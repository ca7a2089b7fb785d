// Command etcd is the etcd that envtest starts next to kubesim's
// kube-apiserver (cmd/kube-apiserver). kubesim keeps its store inside the
// kube-apiserver process, so this one stores nothing: it listens on
// --listen-client-urls, answers the health checks that envtest (and
// anything else that checks etcd) polls, GET /health, /livez and /readyz,
// and exits on SIGTERM or SIGINT. Every other etcd flag is accepted and
// ignored.
//
// Start reading at main.go.
package main
