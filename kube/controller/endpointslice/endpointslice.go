package endpointslice

import (
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"

	"github.com/kubesim/kubesim/events"
	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/kube/controller/endpointslice/endpointutil"
	"github.com/kubesim/kubesim/store"
)

// Name is the controller's name, as kube-controller-manager's
// --controllers flag has it.
const Name = "endpointslice"

const (
	// ManagedBy is the endpointslice.kubernetes.io/managed-by value of the
	// slices this controller owns.
	ManagedBy = "endpointslice-controller.k8s.io"
	// maxEndpointsPerSlice is upstream's --max-endpoints-per-slice default.
	maxEndpointsPerSlice = 100
	// workers is upstream's --concurrent-service-endpoint-syncs default.
	workers = 5

	slicesResource = "endpointslices.discovery.k8s.io"
)

// Controller syncs the EndpointSlices of Services with their pods.
type Controller struct {
	store    *store.Store
	client   kubernetes.Interface
	recorder *events.Recorder
	queue    *controller.Queue
	triggers *endpointutil.TriggerTimes
}

// Add registers the EndpointSlice controller with a manager.
func Add(m *controller.Manager) *Controller {
	rec := m.NewRecorder("endpoint-slice-controller")
	c := &Controller{store: m.Store, client: m.Client, recorder: rec, queue: m.NewQueue(),
		triggers: endpointutil.NewTriggerTimes()}
	endpointutil.WatchServicesAndPods(m.Feed, c.store.View, c.enqueue)
	m.Feed.Handle(slicesResource, c.onSlice)
	m.Feed.Handle("nodes", c.onNode)
	m.Add(&controller.Controller{Name: Name, Queue: c.queue, Reconciler: c, Workers: workers})
	return c
}

func (c *Controller) enqueue(namespace, name string) {
	c.queue.Add(controller.Request{Namespace: namespace, Name: name})
}

// onSlice syncs the Service of a managed slice that someone else changed
// or deleted, so that the slice is put right (upstream's onEndpointSlice*
// handlers). The controller's own writes trigger a sync that finds
// nothing to do.
func (c *Controller) onSlice(ev store.Event) {
	slice, ok := ev.Object.(*discoveryv1.EndpointSlice)
	if !ok || slice.Labels[discoveryv1.LabelManagedBy] != ManagedBy {
		return
	}
	if svc := slice.Labels[discoveryv1.LabelServiceName]; svc != "" {
		c.enqueue(slice.Namespace, svc)
	}
}

// onNode syncs every Service with a selector when a node's zone changes,
// since endpoints carry their node's zone.
func (c *Controller) onNode(ev store.Event) {
	node, ok := ev.Object.(*corev1.Node)
	prev, ok2 := ev.Prev.(*corev1.Node)
	if ev.Type != watch.Modified || !ok || !ok2 || node.Labels[corev1.LabelTopologyZone] == prev.Labels[corev1.LabelTopologyZone] {
		return
	}
	c.store.View().List("services", "", func(obj runtime.Object) bool {
		if svc, ok := obj.(*corev1.Service); ok && svc.Spec.Selector != nil {
			c.enqueue(svc.Namespace, svc.Name)
		}
		return true
	})
}
