package controller

import (
	"context"
	"sync"

	"k8s.io/client-go/kubernetes"

	"github.com/kubesim/kubesim/clock"
	"github.com/kubesim/kubesim/events"
	"github.com/kubesim/kubesim/store"
)

// Manager runs the control plane's controllers on one Feed.
type Manager struct {
	Store    *store.Store
	Clock    *clock.Clock
	Activity *clock.Activity
	// Client writes through the API server, like any client.
	Client kubernetes.Interface
	Feed   *Feed

	mu          sync.Mutex
	controllers []*Controller
	runnables   []func(ctx context.Context)
	cancel      context.CancelFunc
	wg          sync.WaitGroup
}

// NewManager returns a manager named after the component it stands for
// ("kube-controller-manager"); add controllers, then Start it.
func NewManager(name string, st *store.Store, c *clock.Clock, activity *clock.Activity, client kubernetes.Interface) *Manager {
	return &Manager{Store: st, Clock: c, Activity: activity, Client: client, Feed: NewFeed(st, activity, name)}
}

// NewRecorder returns an event recorder for a component
// ("deployment-controller") that writes through the manager's client on
// its clock, and stops when the manager stops.
func (m *Manager) NewRecorder(component string) *events.Recorder {
	rec := events.NewRecorder(m.Client, m.Clock, m.Activity, component, "")
	m.AddRunnable(func(ctx context.Context) {
		<-ctx.Done()
		rec.Stop()
	})
	return rec
}

// NewQueue returns a queue on the manager's clock and activity.
func (m *Manager) NewQueue() *Queue { return NewQueue(m.Clock, m.Activity) }

// Add registers a controller; Start runs it.
func (m *Manager) Add(c *Controller) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.controllers = append(m.controllers, c)
}

// AddRunnable registers a function that Start runs on its own goroutine
// until the manager stops.
func (m *Manager) AddRunnable(f func(ctx context.Context)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.runnables = append(m.runnables, f)
}

// Start runs the feed and every controller until Stop.
func (m *Manager) Start() {
	m.mu.Lock()
	defer m.mu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		_ = m.Feed.Run(ctx)
	}()
	for _, c := range m.controllers {
		m.wg.Add(1)
		go func() {
			defer m.wg.Done()
			c.Run(ctx)
		}()
	}
	for _, f := range m.runnables {
		m.wg.Add(1)
		go func() {
			defer m.wg.Done()
			f(ctx)
		}()
	}
}

// Stop stops every controller and waits for their goroutines.
func (m *Manager) Stop() {
	m.mu.Lock()
	cancel := m.cancel
	m.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	m.wg.Wait()
}
