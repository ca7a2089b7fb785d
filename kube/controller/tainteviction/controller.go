package tainteviction

import (
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	utilclock "k8s.io/utils/clock"

	"github.com/kubesim/kubesim/events"
	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/store"
)

// Name is the controller's name, as kube-controller-manager's
// --controllers flag has it; it is also the source of its events.
const Name = "taint-eviction-controller"

const (
	// workers is upstream's UpdateWorkerSize.
	workers = 8

	podsResource  = "pods"
	nodesResource = "nodes"
	nodeNameIndex = "spec.nodeName"
)

// Controller evicts pods from nodes with NoExecute taints.
type Controller struct {
	store    *store.Store
	client   kubernetes.Interface
	clock    utilclock.PassiveClock
	recorder *events.Recorder
	queue    *controller.Queue

	mu sync.Mutex
	// scheduled holds, for each pod whose eviction is pending, when the
	// controller first decided to evict it: the tolerationSeconds count
	// from there (upstream's TimedWorker.CreatedAt).
	scheduled map[controller.Request]entry
}

// Add registers the taint-eviction controller with a manager.
func Add(m *controller.Manager) *Controller {
	rec := m.NewRecorder(Name)
	c := &Controller{
		store: m.Store, client: m.Client, clock: m.Clock, recorder: rec,
		queue: m.NewQueue(), scheduled: map[controller.Request]entry{},
	}
	m.Feed.Handle(nodesResource, c.onNode)
	m.Feed.Handle(podsResource, c.onPod)
	m.Add(&controller.Controller{Name: Name, Queue: c.queue, Reconciler: c, Workers: workers})
	return c
}

// onNode wakes the pods of a node whose NoExecute taints changed
// (upstream's NodeUpdated).
func (c *Controller) onNode(ev store.Event) {
	node, ok := ev.Object.(*corev1.Node)
	if !ok {
		return
	}
	if prev, ok := ev.Prev.(*corev1.Node); ok && ev.Type == watch.Modified &&
		equality.Semantic.DeepEqual(noExecuteTaints(prev.Spec.Taints), noExecuteTaints(node.Spec.Taints)) {
		return
	}
	if ev.Type != watch.Deleted && len(noExecuteTaints(node.Spec.Taints)) == 0 && !c.anyScheduled() {
		return // nothing to evict and nothing to cancel
	}
	for _, obj := range c.store.View().ByIndex(podsResource, nodeNameIndex, node.Name) {
		pod := obj.(*corev1.Pod)
		c.queue.Add(controller.Request{Namespace: pod.Namespace, Name: pod.Name})
	}
}

// onPod wakes a pod that appeared, went away, or changed its tolerations
// or node (upstream's PodUpdated).
func (c *Controller) onPod(ev store.Event) {
	pod, ok := ev.Object.(*corev1.Pod)
	if !ok {
		return
	}
	if prev, ok := ev.Prev.(*corev1.Pod); ok && ev.Type == watch.Modified &&
		prev.Spec.NodeName == pod.Spec.NodeName && equality.Semantic.DeepEqual(prev.Spec.Tolerations, pod.Spec.Tolerations) {
		return
	}
	req := controller.Request{Namespace: pod.Namespace, Name: pod.Name}
	if ev.Type == watch.Deleted {
		if c.isScheduled(req) {
			c.queue.Add(req)
		}
		return
	}
	if pod.Spec.NodeName != "" {
		c.queue.Add(req)
	}
}

func (c *Controller) anyScheduled() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.scheduled) > 0
}

func (c *Controller) isScheduled(req controller.Request) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.scheduled[req]
	return ok
}

// noExecuteTaints returns the taints with effect NoExecute.
func noExecuteTaints(taints []corev1.Taint) []corev1.Taint {
	var out []corev1.Taint
	for _, t := range taints {
		if t.Effect == corev1.TaintEffectNoExecute {
			out = append(out, t)
		}
	}
	return out
}
