package cluster

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/kubesim/kubesim/clock"
	"github.com/kubesim/kubesim/fakenode"
	"github.com/kubesim/kubesim/fakenode/dns"
	"github.com/kubesim/kubesim/kube"
	"github.com/kubesim/kubesim/kube/apiserver"
)

// Config configures a Cluster. The zero value is a usable cluster.
type Config struct {
	// Start is where virtual time starts; zero means kube.DefaultStart.
	Start time.Time
	// SettleTimeout bounds, in wall time, how long Settle waits for work
	// that never finishes before it reports what is stuck; zero means one
	// minute.
	SettleTimeout time.Duration
	// Nodes are the simulated nodes to start with.
	Nodes []fakenode.NodeSpec
	// Behaviors script how containers behave; see fakenode.Behavior.
	Behaviors []fakenode.Behavior
	// Disable switches parts of the control plane off by name (see
	// kube.Controllers).
	Disable []string
	// Bare runs the API server alone, as envtest does: no controllers, no
	// scheduler, no simulated nodes. Suites written for envtest, which
	// create Jobs and set their status themselves, need this.
	Bare bool
}

// Cluster is one simulated cluster.
type Cluster struct {
	cfg          Config
	Clock        *clock.Clock
	Activity     *clock.Activity
	ControlPlane *kube.ControlPlane
	// Nodes runs the simulated kubelets.
	Nodes *fakenode.Fleet

	client kubernetes.Interface

	mu       sync.Mutex
	servers  []*server
	closed   bool
	stepping sync.Mutex // one Advance at a time
}

// New starts a cluster.
func New(cfg Config) (*Cluster, error) {
	if cfg.Start.IsZero() {
		cfg.Start = kube.DefaultStart
	}
	if cfg.SettleTimeout == 0 {
		cfg.SettleTimeout = time.Minute
	}
	c := &Cluster{cfg: cfg, Clock: clock.New(cfg.Start), Activity: &clock.Activity{}}
	disable := cfg.Disable
	if cfg.Bare {
		disable = kube.Controllers()
	}
	cp, err := kube.New(kube.Options{Clock: c.Clock, Activity: c.Activity, Disable: disable, Kubelets: kubelets{c}})
	if err != nil {
		return nil, fmt.Errorf("start control plane: %w", err)
	}
	c.ControlPlane = cp
	if c.client, err = kubernetes.NewForConfig(cp.ComponentConfig("kubesim")); err != nil {
		return nil, fmt.Errorf("create client: %w", err)
	}
	if cfg.Bare {
		if len(cfg.Nodes) > 0 {
			cp.Close()
			return nil, fmt.Errorf("cluster: a bare API server has no nodes")
		}
		return c, nil
	}
	if err := c.startNodes(cfg); err != nil {
		cp.Close()
		return nil, err
	}
	return c, nil
}

// startNodes starts the kubelets' fleet and registers the configured nodes.
func (c *Cluster) startNodes(cfg Config) error {
	fleet, err := fakenode.NewFleet(fakenode.Config{
		Client: c.client, Clock: c.Clock, Activity: c.Activity, Behaviors: cfg.Behaviors,
	})
	if err != nil {
		return err
	}
	c.Nodes = fleet
	fleet.Start()
	for _, spec := range cfg.Nodes {
		if _, err := fleet.AddNode(context.Background(), spec); err != nil {
			fleet.Stop()
			return err
		}
	}
	return nil
}

// AddNode starts another simulated node.
func (c *Cluster) AddNode(ctx context.Context, spec fakenode.NodeSpec) (*fakenode.Node, error) {
	if c.Nodes == nil {
		return nil, fmt.Errorf("cluster: a bare API server has no nodes")
	}
	return c.Nodes.AddNode(ctx, spec)
}

// RESTConfig returns a client configuration that reaches the cluster's API
// server in-process. Each call returns a new copy.
func (c *Cluster) RESTConfig() *rest.Config { return c.ControlPlane.RESTConfig() }

// Client returns a client-go clientset for the cluster.
func (c *Cluster) Client() kubernetes.Interface { return c.client }

// DNS answers what a name resolves to in the cluster, as its DNS would
// answer a pod in the default namespace; In(ns) changes the namespace.
func (c *Cluster) DNS() *dns.Resolver { return dns.New(c.client) }

// Close stops the cluster: listeners close, watches end, and every
// goroutine the cluster started returns.
func (c *Cluster) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	servers := c.servers
	c.mu.Unlock()
	var firstErr error
	for _, s := range servers {
		if err := s.close(); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	if c.Nodes != nil {
		c.Nodes.Stop()
	}
	c.ControlPlane.Close()
	return firstErr
}

// kubelets routes the API server's calls to the kubelets (container
// logs) to the simulated nodes, in-process.
type kubelets struct{ c *Cluster }

func (k kubelets) RoundTrip(req *http.Request) (*http.Response, error) {
	if k.c.Nodes == nil {
		return nil, fmt.Errorf("no kubelet for node %s: the cluster has no simulated nodes", req.URL.Hostname())
	}
	return (&apiserver.Transport{Handler: k.c.Nodes.Handler()}).RoundTrip(req)
}
