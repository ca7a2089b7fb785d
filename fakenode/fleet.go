package fakenode

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes"
	utilclock "k8s.io/utils/clock"

	"github.com/kubesim/kubesim/clock"
	"github.com/kubesim/kubesim/events"
	"github.com/kubesim/kubesim/fakenode/memfs"
)

// Config configures a Fleet.
type Config struct {
	// Client reaches the API server, in-process or remote.
	Client kubernetes.Interface
	// Clock is the time the kubelets live on: kubesim's virtual clock,
	// or k8s.io/utils/clock.RealClock{} against a real cluster.
	Clock utilclock.WithDelayedExecution
	// Activity, when set, is told about the fleet's work in flight and
	// how far its watches have read, so that a simulated cluster can tell
	// when the kubelets have caught up. Nil outside a simulation.
	Activity *clock.Activity
	// KubeletVersion is what nodes report; empty means v1.37.2.
	KubeletVersion string
	// Behaviors script how containers behave where their commands do not
	// say; see Behavior.
	Behaviors []Behavior
}

// Fleet simulates a set of nodes with one set of watches.
type Fleet struct {
	client         kubernetes.Interface
	clock          utilclock.WithDelayedExecution
	activity       *clock.Activity
	kubeletVersion string
	recorders      map[string]*events.Recorder

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	runtime *runtime

	mu        sync.Mutex
	nodes     map[string]*Node
	next      int
	behaviors []Behavior
	claims    map[string]*memfs.Volume // claim data by namespace/name
}

// NewFleet returns a fleet with no nodes; AddNode adds them.
func NewFleet(cfg Config) (*Fleet, error) {
	if cfg.Client == nil || cfg.Clock == nil {
		return nil, errors.New("fakenode: Config.Client and Config.Clock are required")
	}
	if cfg.Activity == nil {
		cfg.Activity = &clock.Activity{}
	}
	if cfg.KubeletVersion == "" {
		cfg.KubeletVersion = "v1.37.2"
	}
	ctx, cancel := context.WithCancel(context.Background())
	f := &Fleet{
		client:         cfg.Client,
		clock:          cfg.Clock,
		activity:       cfg.Activity,
		kubeletVersion: cfg.KubeletVersion,
		recorders:      map[string]*events.Recorder{},
		ctx:            ctx,
		cancel:         cancel,
		nodes:          map[string]*Node{},
		behaviors:      append([]Behavior(nil), cfg.Behaviors...),
	}
	f.runtime = &runtime{fleet: f}
	return f, nil
}

// AddNode registers a node and starts its kubelet.
func (f *Fleet) AddNode(ctx context.Context, spec NodeSpec) (*Node, error) {
	f.mu.Lock()
	if spec.Name == "" {
		spec.Name = fmt.Sprintf("node-%d", f.next+1)
	}
	if _, ok := f.nodes[spec.Name]; ok {
		f.mu.Unlock()
		return nil, fmt.Errorf("fakenode: node %s already exists", spec.Name)
	}
	n := &Node{fleet: f, spec: spec, index: f.next, pods: map[string]*podWorker{}, pulled: map[string]bool{}}
	f.next++
	f.nodes[spec.Name] = n
	f.mu.Unlock()
	if err := n.register(ctx); err != nil {
		f.mu.Lock()
		delete(f.nodes, spec.Name)
		f.mu.Unlock()
		return nil, err
	}
	return n, nil
}

// Node returns the named node, or nil.
func (f *Fleet) Node(name string) *Node {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.nodes[name]
}

// Nodes returns the fleet's nodes in the order they were added.
func (f *Fleet) Nodes() []*Node {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]*Node, 0, len(f.nodes))
	for _, n := range f.nodes {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].index < out[j].index })
	return out
}

// Stop stops every node and waits for the fleet's goroutines.
func (f *Fleet) Stop() {
	f.cancel()
	for _, n := range f.Nodes() {
		n.stop()
	}
	f.wg.Wait()
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.recorders {
		r.Stop()
	}
}

// goTracked runs fn on its own goroutine, counted as work in flight from
// now until it returns. Timer callbacks use it so that the work a tick
// causes is counted before the clock can move again.
func (f *Fleet) goTracked(fn func(ctx context.Context)) {
	if f.ctx.Err() != nil {
		return
	}
	f.activity.Begin()
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		defer f.activity.End()
		fn(f.ctx)
	}()
}

// recorder returns the event recorder of a node's kubelet.
func (f *Fleet) recorder(node string) *events.Recorder {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.recorders[node]
	if !ok {
		r = events.NewRecorder(f.client, f.clock, f.activity, "kubelet", node)
		f.recorders[node] = r
	}
	return r
}

func sortImages(images []corev1.ContainerImage) {
	sort.Slice(images, func(i, j int) bool { return images[i].Names[0] < images[j].Names[0] })
}

// sleep waits d of the fleet's time from a goroutine started with
// goTracked. While it waits, the goroutine does not count as work in
// flight (or virtual time could never reach the end of the wait); the
// timer's callback counts it again before it wakes up.
func (f *Fleet) sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	woke := make(chan struct{})
	t := f.clock.AfterFunc(d, func() {
		f.activity.Begin()
		close(woke)
	})
	f.activity.End()
	select {
	case <-woke:
	case <-ctx.Done():
		if t.Stop() {
			f.activity.Begin()
		} else {
			<-woke
		}
	}
}
