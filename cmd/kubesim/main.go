// Command kubesim runs a simulated Kubernetes cluster you can point kubectl
// at.
//
//	go run ./cmd/kubesim
//	export KUBECONFIG=/tmp/kubesim/kubeconfig   # as printed
//	kubectl get namespaces
//
// Virtual time follows wall time at the rate given by -rate (1 is real
// time, 60 makes a minute pass every second).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/kubesim/kubesim/cluster"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "kubesim:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("kubesim", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "address to serve the API on (port 0 picks a free one)")
	kubeconfig := fs.String("kubeconfig", filepath.Join(os.TempDir(), "kubesim", "kubeconfig"), "where to write the kubeconfig")
	rate := fs.Float64("rate", 1, "how fast virtual time runs: 1 is real time, 60 a minute per second")
	if err := fs.Parse(args); err != nil {
		return err
	}
	c, err := cluster.New(cluster.Config{})
	if err != nil {
		return err
	}
	defer c.Close()
	url, err := c.Serve(*addr)
	if err != nil {
		return err
	}
	if err := c.WriteKubeconfig(*kubeconfig); err != nil {
		return err
	}
	fmt.Printf("kubesim: serving the Kubernetes API at %s\n", url)
	fmt.Printf("kubesim: kubeconfig written to %s; point kubectl at it with:\n", *kubeconfig)
	fmt.Printf("export KUBECONFIG=%s\n", *kubeconfig)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return c.Run(ctx, *rate)
}
