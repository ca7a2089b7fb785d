package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/pflag"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "etcd (kubesim):", err)
		stop()
		os.Exit(1)
	}
}

// options are the etcd flags this stand-in reads; defaults are etcd's.
type options struct {
	listenClientURLs    []string
	advertiseClientURLs []string
	certFile, keyFile   string
	dataDir             string
	listenPeerURLs      []string
}

// newOptions declares the flags. Unknown ones are accepted and ignored,
// so that whatever envtest or a suite passes to a real etcd
// (--unsafe-no-fsync, --quota-backend-bytes, ...) does not stop us.
func newOptions() (*options, *pflag.FlagSet) {
	o := &options{}
	fs := pflag.NewFlagSet("etcd", pflag.ContinueOnError)
	fs.ParseErrorsAllowlist.UnknownFlags = true
	fs.SetOutput(io.Discard)
	fs.StringSliceVar(&o.listenClientURLs, "listen-client-urls", []string{"http://localhost:2379"}, "List of URLs to listen on for client traffic (health checks only: kubesim keeps its data in kube-apiserver).")
	fs.StringSliceVar(&o.advertiseClientURLs, "advertise-client-urls", []string{"http://localhost:2379"}, "Ignored: nothing connects to this etcd but health checks.")
	fs.StringVar(&o.certFile, "cert-file", "", "Path to the client server TLS cert file, for https:// client URLs.")
	fs.StringVar(&o.keyFile, "key-file", "", "Path to the client server TLS key file, for https:// client URLs.")
	fs.StringVar(&o.dataDir, "data-dir", "", "Ignored: nothing is stored.")
	fs.StringSliceVar(&o.listenPeerURLs, "listen-peer-urls", nil, "Ignored: there are no peers.")
	return o, fs
}

// run serves the health endpoints until ctx ends. --help prints the flags
// and returns at once: envtest runs "etcd --help" to learn which flags
// exist.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, fs := newOptions()
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			fmt.Fprintf(stdout, "etcd (kubesim) answers etcd's health checks for kubesim's kube-apiserver; it stores nothing.\n\nUsage:\n  etcd [flags]\n\nFlags:\n%s", fs.FlagUsages())
			return nil
		}
		return err
	}
	ls, err := listen(o)
	if err != nil {
		return err
	}
	defer ls.close()
	for _, u := range ls.urls {
		fmt.Fprintf(stderr, "etcd (kubesim): answering health checks at %s\n", u)
	}
	select {
	case <-ctx.Done():
		return nil
	case err := <-ls.failed:
		return err
	}
}
