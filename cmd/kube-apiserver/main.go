package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/kubesim/kubesim/cluster"
	"github.com/kubesim/kubesim/kube/apiserver"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "kube-apiserver (kubesim):", err)
		stop()
		os.Exit(1)
	}
}

// run starts the cluster and serves it until ctx ends (on SIGTERM or
// SIGINT in main). --help and --version print and return at once, with no
// error: envtest runs "kube-apiserver --help" to learn which flags exist.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, fs := newOptions()
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			printUsage(stdout, fs)
			return nil
		}
		return err
	}
	if o.version {
		fmt.Fprintf(stdout, "Kubernetes %s+kubesim\n", apiserver.KubernetesVersion)
		return nil
	}
	for _, w := range o.warnings() {
		fmt.Fprintln(stderr, "kube-apiserver (kubesim): warning:", w)
	}
	// Virtual time starts now and follows wall time, so that the suite's
	// time.Now compares with the creationTimestamps it reads.
	c, err := cluster.New(cluster.Config{Bare: true, Start: time.Now()}) // wall-clock: see above
	if err != nil {
		return fmt.Errorf("start cluster: %w", err)
	}
	defer c.Close()
	srv, err := newServers(o, c.ControlPlane.Handler())
	if err != nil {
		return err
	}
	defer srv.close()
	// A listener that fails ends the run, as the clock's end would.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-srv.failed:
			cancel()
		case <-ctx.Done():
		}
	}()
	for _, u := range srv.urls() {
		fmt.Fprintf(stderr, "kube-apiserver (kubesim): serving the Kubernetes API at %s\n", u)
	}
	runClock(ctx, c, stderr)
	return srv.err()
}

// runClock moves virtual time with wall time until ctx ends. A suite's
// API server must outlive a stuck moment: when the cluster does not settle
// (cluster.Config.SettleTimeout), the clock is restarted, falling behind
// wall time by the time lost, rather than ending the process under the
// suite's feet.
func runClock(ctx context.Context, c *cluster.Cluster, stderr io.Writer) {
	for ctx.Err() == nil {
		if err := c.Run(ctx, 1); err != nil {
			fmt.Fprintln(stderr, "kube-apiserver (kubesim): warning: virtual clock:", err)
		}
	}
}
