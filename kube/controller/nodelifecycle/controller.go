package nodelifecycle

import (
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes"
	utilclock "k8s.io/utils/clock"

	"github.com/kubesim/kubesim/events"
	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/store"
)

// Name is the controller's name, as kube-controller-manager's
// --controllers flag has it.
const Name = "node-lifecycle"

// kube-controller-manager's defaults for the controller's flags.
const (
	// monitorPeriod is --node-monitor-period.
	monitorPeriod = 5 * time.Second
	// gracePeriod is --node-monitor-grace-period (50 s since 1.32).
	gracePeriod = 50 * time.Second
	// startupGracePeriod is --node-startup-grace-period.
	startupGracePeriod = 60 * time.Second
	// evictionQPS is --node-eviction-rate: NoExecute taints per second
	// and zone.
	evictionQPS = 0.1
	// secondaryEvictionQPS is --secondary-node-eviction-rate, for large
	// partially disrupted zones.
	secondaryEvictionQPS = 0.01
	// largeClusterThreshold is --large-cluster-size-threshold.
	largeClusterThreshold = 50
	// unhealthyZoneThreshold is --unhealthy-zone-threshold.
	unhealthyZoneThreshold = 0.55
)

const (
	// component is the source of the controller's events.
	component = "node-controller"

	nodesResource  = "nodes"
	podsResource   = "pods"
	leasesResource = "leases.coordination.k8s.io"
	nodeNameIndex  = "spec.nodeName"
)

// Controller is the node lifecycle controller.
type Controller struct {
	store    *store.Store
	client   kubernetes.Interface
	clock    utilclock.PassiveClock
	recorder *events.Recorder
	// start anchors the monitor's ticks.
	start time.Time

	monitor    *controller.Queue
	noSchedule *controller.Queue
	pods       *controller.Queue

	mu     sync.Mutex
	health map[string]*health
	zones  map[string]*zone
}

// Add registers the node lifecycle controller with a manager.
func Add(m *controller.Manager) *Controller {
	rec := m.NewRecorder(component)
	c := &Controller{
		store: m.Store, client: m.Client, clock: m.Clock, recorder: rec, start: m.Clock.Now(),
		monitor: m.NewQueue(), noSchedule: m.NewQueue(), pods: m.NewQueue(),
		health: map[string]*health{}, zones: map[string]*zone{},
	}
	m.Feed.Handle(leasesResource, c.onLease)
	m.Feed.Handle(nodesResource, c.onNode)
	m.Feed.Handle(podsResource, c.onPod)
	// One monitor worker: it owns the zone states, as upstream's single
	// monitorNodeHealth loop does.
	m.Add(&controller.Controller{Name: Name, Queue: c.monitor, Reconciler: controller.ReconcilerFunc(c.reconcileHealth), Workers: 1})
	m.Add(&controller.Controller{Name: Name + "-noschedule", Queue: c.noSchedule, Reconciler: controller.ReconcilerFunc(c.reconcileNoSchedule), Workers: 2})
	m.Add(&controller.Controller{Name: Name + "-pods", Queue: c.pods, Reconciler: controller.ReconcilerFunc(c.reconcilePod), Workers: 2})
	return c
}

func nodeRequest(name string) controller.Request { return controller.Request{Name: name} }

// readyCondition returns the node's Ready condition, or nil.
func readyCondition(node *corev1.Node) *corev1.NodeCondition {
	return condition(node, corev1.NodeReady)
}

func condition(node *corev1.Node, t corev1.NodeConditionType) *corev1.NodeCondition {
	for i := range node.Status.Conditions {
		if node.Status.Conditions[i].Type == t {
			return &node.Status.Conditions[i]
		}
	}
	return nil
}
