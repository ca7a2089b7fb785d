package endpoint

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"

	"github.com/kubesim/kubesim/events"
	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/kube/controller/endpointslice/endpointutil"
	"github.com/kubesim/kubesim/store"
)

// Name is the controller's name, as kube-controller-manager's
// --controllers flag has it.
const Name = "endpoint"

const (
	// maxCapacity is the most addresses one Endpoints object holds; the
	// rest are dropped and the object annotated as over capacity.
	maxCapacity = 1000
	// overCapacity is the annotation that says so.
	overCapacity = "endpoints.kubernetes.io/over-capacity"
	// workers is upstream's --concurrent-endpoint-syncs default.
	workers = 5
)

// Controller syncs the Endpoints of Services with their pods.
type Controller struct {
	store    *store.Store
	client   kubernetes.Interface
	recorder *events.Recorder
	queue    *controller.Queue
	triggers *endpointutil.TriggerTimes
}

// Add registers the Endpoints controller with a manager.
func Add(m *controller.Manager) *Controller {
	rec := m.NewRecorder("endpoint-controller")
	c := &Controller{store: m.Store, client: m.Client, recorder: rec, queue: m.NewQueue(),
		triggers: endpointutil.NewTriggerTimes()}
	endpointutil.WatchServicesAndPods(m.Feed, c.store.View, c.enqueue)
	m.Feed.Handle("endpoints", c.onEndpoints)
	m.Add(&controller.Controller{Name: Name, Queue: c.queue, Reconciler: c, Workers: workers})
	return c
}

func (c *Controller) enqueue(namespace, name string) {
	c.queue.Add(controller.Request{Namespace: namespace, Name: name})
}

// onEndpoints syncs the Service of an Endpoints object someone deleted,
// so that it is written again, and queues for deletion the controller's
// Endpoints whose Service is gone (upstream's checkLeftoverEndpoints,
// which recognises them by the trigger-time annotation).
func (c *Controller) onEndpoints(ev store.Event) {
	ep, ok := ev.Object.(*corev1.Endpoints)
	if !ok {
		return
	}
	if ev.Type == watch.Deleted {
		c.enqueue(ep.Namespace, ep.Name)
		return
	}
	if _, managed := ep.Annotations[corev1.EndpointsLastChangeTriggerTime]; managed &&
		c.store.View().Get("services", ep.Namespace, ep.Name) == nil {
		c.enqueue(ep.Namespace, ep.Name)
	}
}
