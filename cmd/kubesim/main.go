// Command kubesim runs a simulated Kubernetes cluster you can point kubectl
// at, and controls a running one.
//
//	go run ./cmd/kubesim -nodes 3 -f manifests/     # start; prints export KUBECONFIG=...
//	kubectl get pods -w
//	go run ./cmd/kubesim advance 10m                # ten virtual minutes, now
//	go run ./cmd/kubesim settle                     # wait until nothing is in flight
//	go run ./cmd/kubesim snapshot ./state           # the cluster's objects as YAML
//	go run ./cmd/kubesim -from ./state              # start from a snapshot
//
// Virtual time follows wall time at the rate given by -rate (1 is real
// time, 60 makes a minute pass every second); with -rate 0 it moves only
// when `kubesim advance` asks.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubesim/kubesim/cluster"
	"github.com/kubesim/kubesim/fakenode"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "kubesim:", err)
		os.Exit(1)
	}
}

var defaultKubeconfig = filepath.Join(os.TempDir(), "kubesim", "kubeconfig")

func run(ctx context.Context, args []string) error {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return control(ctx, args[0], args[1:])
	}
	return serve(ctx, args)
}

// listFlag collects a repeated flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// serve starts a cluster and serves it until ctx ends.
func serve(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("kubesim", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "address to serve the API on (port 0 picks a free one)")
	kubeconfig := fs.String("kubeconfig", defaultKubeconfig, "where to write the kubeconfig")
	rate := fs.Float64("rate", 1, "how fast virtual time runs: 1 is real time, 60 a minute per second, 0 only on `kubesim advance`")
	nodes := fs.Int("nodes", 3, "how many simulated nodes to start (node-1 ... node-N)")
	size := fs.String("node-size", "", "capacity of each node, e.g. cpu=8,memory=32Gi,pods=110,nvidia.com/gpu=1 (default cpu=4,memory=16Gi,pods=110)")
	zones := fs.Int("zones", 0, "spread the nodes over this many zones (zone-a, zone-b, ...); 0 sets no zone")
	from := fs.String("from", "", "a snapshot directory to start from")
	var manifests listFlag
	fs.Var(&manifests, "f", "manifest file or directory to apply at start (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	specs, err := nodeSpecs(*nodes, *size, *zones)
	if err != nil {
		return err
	}
	c, err := cluster.New(cluster.Config{Nodes: specs})
	if err != nil {
		return err
	}
	defer c.Close()
	if *from != "" {
		if err := c.Restore(ctx, *from); err != nil {
			return err
		}
	}
	if len(manifests) > 0 {
		if err := cluster.Apply(ctx, c.RESTConfig(), manifests...); err != nil {
			return err
		}
	}
	apiURL, err := c.Serve(*addr)
	if err != nil {
		return err
	}
	if err := c.WriteKubeconfig(*kubeconfig); err != nil {
		return err
	}
	fmt.Printf("kubesim: serving the Kubernetes API at %s with %d nodes\n", apiURL, len(specs))
	fmt.Printf("kubesim: kubeconfig written to %s; point kubectl at it with:\n", *kubeconfig)
	fmt.Printf("export KUBECONFIG=%s\n", *kubeconfig)
	if *rate == 0 {
		fmt.Println("kubesim: time moves only with `kubesim advance DURATION`")
		<-ctx.Done()
		return nil
	}
	return c.Run(ctx, *rate)
}

// nodeSpecs describes n nodes of the given size spread over zones.
func nodeSpecs(n int, size string, zones int) ([]fakenode.NodeSpec, error) {
	capacity := map[corev1.ResourceName]string{}
	if size != "" {
		for _, kv := range strings.Split(size, ",") {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || k == "" || v == "" {
				return nil, fmt.Errorf("-node-size %q: want name=quantity pairs separated by commas", size)
			}
			capacity[corev1.ResourceName(k)] = v
		}
	}
	specs := make([]fakenode.NodeSpec, n)
	for i := range specs {
		specs[i] = fakenode.NodeSpec{Name: fmt.Sprintf("node-%d", i+1), Capacity: capacity}
		if zones > 0 {
			specs[i].Zone = fmt.Sprintf("zone-%c", 'a'+i%zones)
		}
	}
	return specs, nil
}

// control runs a subcommand against a running kubesim.
func control(ctx context.Context, cmd string, args []string) error {
	fs := flag.NewFlagSet("kubesim "+cmd, flag.ContinueOnError)
	kubeconfig := fs.String("kubeconfig", kubeconfigPath(), "kubeconfig of the running kubesim")
	if err := fs.Parse(args); err != nil {
		return err
	}
	want := map[string]int{"advance": 1, "settle": 0, "snapshot": 1}
	if n, ok := want[cmd]; !ok || fs.NArg() != n {
		return fmt.Errorf("usage: kubesim [flags] | kubesim advance DURATION | kubesim settle | kubesim snapshot DIR")
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		return fmt.Errorf("%s: %w", cmd, err)
	}
	cfg.QPS = -1 // a simulation needs no client-side rate limit
	var out string
	switch cmd {
	case "advance":
		out, err = cluster.Control(ctx, cfg, "advance?duration="+url.QueryEscape(fs.Arg(0)))
	case "settle":
		out, err = cluster.Control(ctx, cfg, "settle")
	case "snapshot":
		err = cluster.Snapshot(ctx, cfg, fs.Arg(0))
		out = "snapshot written to " + fs.Arg(0)
	}
	if err != nil {
		return err
	}
	fmt.Println(out)
	return nil
}

// kubeconfigPath is $KUBECONFIG's first file, or where kubesim writes one.
func kubeconfigPath() string {
	if p := filepath.SplitList(os.Getenv("KUBECONFIG")); len(p) > 0 && p[0] != "" {
		return p[0]
	}
	return defaultKubeconfig
}
