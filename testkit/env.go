package testkit

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/kubesim/kubesim/clock"
	"github.com/kubesim/kubesim/cluster"
	"github.com/kubesim/kubesim/fakenode"
	"github.com/kubesim/kubesim/fakenode/dns"
	"github.com/kubesim/kubesim/testkit/timeline"
)

// TB is what Start needs of a test: *testing.T and *testing.B have it,
// and so does Ginkgo's GinkgoT(), so a Ginkgo spec can start a cluster
// with testkit.Start(GinkgoT()).
type TB interface {
	Helper()
	Cleanup(func())
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
	Failed() bool
	Name() string
	TempDir() string
}

// Env is a running simulated cluster bound to a test.
type Env struct {
	t       TB
	cluster *cluster.Cluster

	kubeconfigOnce sync.Once
	kubeconfig     string

	recorder *timeline.Recorder // nil if recording could not start
}

// Option configures Start.
type Option func(*cluster.Config)

// WithStartTime sets where virtual time starts.
func WithStartTime(start time.Time) Option {
	return func(c *cluster.Config) { c.Start = start }
}

// WithSettleTimeout sets how much wall time Settle and Advance wait for
// work that never finishes before they fail the test.
func WithSettleTimeout(d time.Duration) Option {
	return func(c *cluster.Config) { c.SettleTimeout = d }
}

// WithNodes starts the cluster with n simulated nodes, node-1 to node-n,
// of the default size (see fakenode.NodeSpec).
func WithNodes(n int) Option {
	return func(c *cluster.Config) {
		for i := 0; i < n; i++ {
			c.Nodes = append(c.Nodes, fakenode.NodeSpec{Name: fmt.Sprintf("node-%d", len(c.Nodes)+1)})
		}
	}
}

// WithNode starts the cluster with a simulated node as described.
func WithNode(spec fakenode.NodeSpec) Option {
	return func(c *cluster.Config) { c.Nodes = append(c.Nodes, spec) }
}

// Bare runs the API server alone, as envtest does: no controllers, no
// scheduler, no nodes.
func Bare() Option {
	return func(c *cluster.Config) { c.Bare = true }
}

// WithoutControllers switches built-in controllers off by name (see
// kube.Controllers).
func WithoutControllers(names ...string) Option {
	return func(c *cluster.Config) { c.Disable = append(c.Disable, names...) }
}

// WithBehaviors scripts how containers behave; see fakenode.Behavior.
func WithBehaviors(rules ...fakenode.Behavior) Option {
	return func(c *cluster.Config) { c.Behaviors = append(c.Behaviors, rules...) }
}

// Start starts a simulated cluster for the test and registers its
// shutdown with t.Cleanup.
func Start(t TB, opts ...Option) *Env {
	t.Helper()
	var cfg cluster.Config
	for _, o := range opts {
		o(&cfg)
	}
	c, err := cluster.New(cfg)
	if err != nil {
		t.Fatalf("testkit: start cluster: %v", err)
	}
	e := &Env{t: t, cluster: c}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("testkit: stop cluster: %v", err)
		}
	})
	e.startRecording()
	return e
}

// Config returns a client configuration that reaches the cluster
// in-process. Each call returns a new copy that the caller may modify.
func (e *Env) Config() *rest.Config { return e.cluster.RESTConfig() }

// Client returns a ready client-go clientset.
func (e *Env) Client() kubernetes.Interface { return e.cluster.Client() }

// Clock returns the cluster's virtual clock. It implements
// k8s.io/utils/clock's interfaces, so it can be handed to a reconciler.
func (e *Env) Clock() *clock.Clock { return e.cluster.Clock }

// Cluster returns the underlying cluster, for what testkit does not wrap.
func (e *Env) Cluster() *cluster.Cluster { return e.cluster }

// DNS answers what a name resolves to in the cluster, as its DNS would
// answer a pod in the default namespace: env.DNS().In("shop").LookupHost(ctx, "web").
func (e *Env) DNS() *dns.Resolver { return e.cluster.DNS() }

// Advance moves virtual time forward by d, letting everything that
// happens in that time happen in causal order. It fails the test if the
// cluster cannot settle.
func (e *Env) Advance(d time.Duration) {
	e.t.Helper()
	if err := e.cluster.Advance(context.Background(), d); err != nil {
		e.t.Fatalf("testkit: %v", err)
	}
}

// Settle returns once nothing is in flight in the cluster, without moving
// virtual time.
func (e *Env) Settle() {
	e.t.Helper()
	if err := e.cluster.Settle(context.Background()); err != nil {
		e.t.Fatalf("testkit: %v", err)
	}
}

// Kubeconfig serves the cluster on a loopback HTTPS listener and returns
// the path of a kubeconfig for it, in the test's temporary directory.
func (e *Env) Kubeconfig() string {
	e.t.Helper()
	e.kubeconfigOnce.Do(func() {
		path := filepath.Join(e.t.TempDir(), "kubeconfig")
		if err := e.cluster.WriteKubeconfig(path); err != nil {
			e.t.Fatalf("testkit: %v", err)
		}
		e.kubeconfig = path
	})
	return e.kubeconfig
}
