package replicaset

import (
	"reflect"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	utilclock "k8s.io/utils/clock"

	"github.com/kubesim/kubesim/events"
	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/store"
)

// Names of the controllers, as kube-controller-manager's --controllers
// flag has them.
const (
	Name   = "replicaset"
	RCName = "replicationcontroller"
)

const (
	// burstReplicas caps the pods one sync creates or deletes
	// (upstream's BurstReplicas).
	burstReplicas = 500
	// workers is kube-controller-manager's default
	// --concurrent-replicaset-syncs and --concurrent-rc-syncs.
	workers = 5
)

// Controller syncs the ReplicaSets (or the ReplicationControllers) of a
// cluster with their pods.
type Controller struct {
	kind     *kind
	store    *store.Store
	client   kubernetes.Interface
	clock    utilclock.PassiveClock
	recorder *events.Recorder
	queue    *controller.Queue
	orphans  *orphans
}

// Add registers the ReplicaSet controller with a manager.
func Add(m *controller.Manager) *Controller { return add(m, replicaSetKind) }

// AddReplicationController registers the ReplicationController controller
// with a manager.
func AddReplicationController(m *controller.Manager) *Controller {
	return add(m, replicationControllerKind)
}

func add(m *controller.Manager, k *kind) *Controller {
	rec := m.NewRecorder(k.component)
	c := &Controller{
		kind: k, store: m.Store, client: m.Client, clock: m.Clock,
		recorder: rec, queue: m.NewQueue(), orphans: newOrphans(),
	}
	m.Feed.Handle(k.resource, func(ev store.Event) {
		c.queue.Add(controller.Request{Namespace: ev.Namespace, Name: ev.Name})
	})
	m.Feed.Handle("pods", c.onPod)
	m.Add(&controller.Controller{Name: k.name, Queue: c.queue, Reconciler: c, Workers: workers})
	return c
}

// onPod wakes the owner of a pod that changed, and, for an orphan, every
// object of this kind whose selector matches it, so that one can adopt it
// (upstream's addPod, updatePod and deletePod).
func (c *Controller) onPod(ev store.Event) {
	pod, ok := ev.Object.(*corev1.Pod)
	if !ok {
		return
	}
	c.orphans.observe(ev)
	ref := metav1.GetControllerOfNoCopy(pod)
	if prev, ok := ev.Prev.(*corev1.Pod); ok {
		if old := metav1.GetControllerOfNoCopy(prev); old != nil && !reflect.DeepEqual(old, ref) && c.kind.owns(old) {
			c.queue.Add(controller.Request{Namespace: pod.Namespace, Name: old.Name})
		}
	}
	if ref != nil {
		if c.kind.owns(ref) && changeMatters(ev) {
			c.queue.Add(controller.Request{Namespace: pod.Namespace, Name: ref.Name})
		}
		return
	}
	if ev.Type == watch.Deleted || pod.DeletionTimestamp != nil {
		return // no one adopts a pod that is going
	}
	if prev, ok := ev.Prev.(*corev1.Pod); ok && reflect.DeepEqual(prev.Labels, pod.Labels) && metav1.GetControllerOfNoCopy(prev) == nil {
		return // an orphan whose labels did not change: nothing new to adopt
	}
	for _, name := range c.matchingOwners(pod) {
		c.queue.Add(controller.Request{Namespace: pod.Namespace, Name: name})
	}
}

// changeMatters reports whether a pod event can change what a sync of its
// owner does or reports. Upstream syncs on every pod update, but binding
// and most of a kubelet's status updates (container states, a phase that
// stays non-terminal, IPs) change neither the claim, nor the active and
// terminating sets, nor the ready and available counts; skipping them
// saves a sync per write. The syncs that do happen read every pod afresh,
// so what they do (deletion ranking included) is the same.
func changeMatters(ev store.Event) bool {
	prev, ok := ev.Prev.(*corev1.Pod)
	cur, ok2 := ev.Object.(*corev1.Pod)
	if ev.Type != watch.Modified || !ok || !ok2 {
		return true
	}
	pr, cr := readyCondition(prev), readyCondition(cur)
	return !reflect.DeepEqual(prev.Labels, cur.Labels) ||
		!reflect.DeepEqual(prev.OwnerReferences, cur.OwnerReferences) ||
		isPodActive(prev) != isPodActive(cur) ||
		isPodTerminating(prev) != isPodTerminating(cur) ||
		(pr == nil) != (cr == nil) ||
		(pr != nil && (pr.Status != cr.Status || !pr.LastTransitionTime.Equal(&cr.LastTransitionTime)))
}

// matchingOwners lists the objects of this kind in the pod's namespace
// whose selector matches its labels (upstream's GetPodReplicaSets). An
// empty selector matches nothing.
func (c *Controller) matchingOwners(pod *corev1.Pod) []string {
	var names []string
	c.store.View().List(c.kind.resource, pod.Namespace, func(obj runtime.Object) bool {
		rs := c.kind.asReplicaSet(obj)
		if rs == nil || rs.Spec.Selector == nil {
			return true
		}
		sel, err := metav1.LabelSelectorAsSelector(rs.Spec.Selector)
		if err != nil || sel.Empty() || !sel.Matches(labels.Set(pod.Labels)) {
			return true
		}
		names = append(names, rs.Name)
		return true
	})
	return names
}

// now is the controller's present moment on the virtual clock.
func (c *Controller) now() time.Time { return c.clock.Now() }
