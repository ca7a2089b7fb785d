package daemonset

import (
	"reflect"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	utilclock "k8s.io/utils/clock"

	"github.com/kubesim/kubesim/events"
	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/kube/controller/history"
	"github.com/kubesim/kubesim/store"
)

// Name is the controller's name, as kube-controller-manager's
// --controllers flag has it.
const Name = "daemonset"

const (
	// component is the source of the controller's events.
	component = "daemonset-controller"
	// workers is kube-controller-manager's default
	// --concurrent-daemonset-syncs.
	workers = 2

	resource      = "daemonsets.apps"
	podsResource  = "pods"
	nodesResource = "nodes"
)

var controllerKind = appsv1.SchemeGroupVersion.WithKind("DaemonSet")

// Controller syncs the DaemonSets of a cluster with their pods and
// revisions.
type Controller struct {
	store    *store.Store
	client   kubernetes.Interface
	clock    utilclock.PassiveClock
	recorder *events.Recorder
	queue    *controller.Queue
	history  *history.History
	// failedPods spaces out the replacement of failed pods per node
	// (kube-controller-manager's 1 s to 15 min back-off).
	failedPods *backoff
}

// Add registers the DaemonSet controller with a manager.
func Add(m *controller.Manager) *Controller {
	rec := m.NewRecorder(component)
	c := &Controller{
		store: m.Store, client: m.Client, clock: m.Clock, recorder: rec,
		queue: m.NewQueue(), history: history.New(m.Store, m.Client),
		failedPods: newBackoff(time.Second, 15*time.Minute),
	}
	m.Feed.Handle(resource, func(ev store.Event) {
		c.queue.Add(controller.Request{Namespace: ev.Namespace, Name: ev.Name})
	})
	m.Feed.Handle(podsResource, c.onPod)
	m.Feed.Handle(history.Resource, c.onRevision)
	m.Feed.Handle(nodesResource, c.onNode)
	m.Add(&controller.Controller{Name: Name, Queue: c.queue, Reconciler: c, Workers: workers})
	return c
}

func (c *Controller) enqueue(namespace, name string) {
	c.queue.Add(controller.Request{Namespace: namespace, Name: name})
}

func requestFor(ds *appsv1.DaemonSet) controller.Request {
	return controller.Request{Namespace: ds.Namespace, Name: ds.Name}
}

func isDaemonSetRef(ref *metav1.OwnerReference) bool {
	return ref.Kind == controllerKind.Kind && ref.APIVersion == controllerKind.GroupVersion().String()
}

// onOwned wakes the DaemonSet that controls an object that changed, the
// one that controlled it before, and, for an orphan that appeared or was
// relabelled, every DaemonSet whose selector matches it (upstream's
// addPod/updatePod/deletePod and their ControllerRevision twins).
func (c *Controller) onOwned(ev store.Event, cur, prev metav1.Object, matters bool) {
	ref := metav1.GetControllerOfNoCopy(cur)
	if prev != nil {
		if old := metav1.GetControllerOfNoCopy(prev); old != nil && isDaemonSetRef(old) && !reflect.DeepEqual(old, ref) {
			c.enqueue(cur.GetNamespace(), old.Name)
		}
	}
	if ref != nil {
		if isDaemonSetRef(ref) && matters {
			c.enqueue(cur.GetNamespace(), ref.Name)
		}
		return
	}
	if ev.Type == watch.Deleted {
		return // no controller cares about an orphan going away
	}
	if prev != nil && reflect.DeepEqual(prev.GetLabels(), cur.GetLabels()) && metav1.GetControllerOfNoCopy(prev) == nil {
		return
	}
	for _, name := range c.daemonSetsSelecting(cur) {
		c.enqueue(cur.GetNamespace(), name)
	}
}

func (c *Controller) onPod(ev store.Event) {
	pod, ok := ev.Object.(*corev1.Pod)
	if !ok {
		return
	}
	prev, _ := ev.Prev.(*corev1.Pod)
	var prevObj metav1.Object
	if prev != nil {
		prevObj = prev
	}
	c.onOwned(ev, pod, prevObj, changeMatters(ev.Type, prev, pod))
}

func (c *Controller) onRevision(ev store.Event) {
	cr, ok := ev.Object.(*appsv1.ControllerRevision)
	if !ok {
		return
	}
	var prevObj metav1.Object
	if prev, ok := ev.Prev.(*appsv1.ControllerRevision); ok {
		prevObj = prev
	}
	// A controlled revision appearing is the sync's own doing.
	c.onOwned(ev, cr, prevObj, ev.Type != watch.Added)
}

// changeMatters reports whether a pod update can change what a sync does
// or reports: its labels, owners, deletion, node, phase or readiness.
// Upstream syncs on every update; the kubelet's other status writes
// change nothing a sync looks at.
func changeMatters(t watch.EventType, prev, cur *corev1.Pod) bool {
	if t != watch.Modified || prev == nil {
		return true
	}
	pr, cr := readyCondition(prev), readyCondition(cur)
	return !reflect.DeepEqual(prev.Labels, cur.Labels) ||
		!reflect.DeepEqual(prev.OwnerReferences, cur.OwnerReferences) ||
		(prev.DeletionTimestamp == nil) != (cur.DeletionTimestamp == nil) ||
		prev.Spec.NodeName != cur.Spec.NodeName ||
		prev.Status.Phase != cur.Status.Phase ||
		(pr == nil) != (cr == nil) ||
		(pr != nil && (pr.Status != cr.Status || !pr.LastTransitionTime.Equal(&cr.LastTransitionTime)))
}

// onNode wakes the DaemonSets a node change concerns: those that should
// run on a new node, and those whose answer changes with a node's labels
// or taints (upstream's addNode and updateNode). Upstream ignores
// deleted nodes, whose pods the pod GC removes; kubesim has no pod GC yet,
// so the DaemonSets that ran there are woken to report the new counts.
func (c *Controller) onNode(ev store.Event) {
	node, ok := ev.Object.(*corev1.Node)
	if !ok {
		return
	}
	prev, _ := ev.Prev.(*corev1.Node)
	if ev.Type == watch.Modified && prev != nil &&
		equality.Semantic.DeepEqual(prev.Labels, node.Labels) && equality.Semantic.DeepEqual(prev.Spec.Taints, node.Spec.Taints) {
		return // heartbeats and status: nothing placement looks at
	}
	c.store.View().List(resource, "", func(obj runtime.Object) bool {
		ds := obj.(*appsv1.DaemonSet)
		p := newPlacement(ds)
		run, keep := p.shouldRun(node)
		switch ev.Type {
		case watch.Added:
			if run {
				c.enqueue(ds.Namespace, ds.Name)
			}
		case watch.Deleted:
			if run || keep {
				c.enqueue(ds.Namespace, ds.Name)
			}
		default:
			oldRun, oldKeep := p.shouldRun(prev)
			if run != oldRun || keep != oldKeep {
				c.enqueue(ds.Namespace, ds.Name)
			}
		}
		return true
	})
}

// daemonSetsSelecting lists the DaemonSets of obj's namespace whose
// selector matches its labels.
func (c *Controller) daemonSetsSelecting(obj metav1.Object) []string {
	var names []string
	c.store.View().List(resource, obj.GetNamespace(), func(o runtime.Object) bool {
		ds := o.(*appsv1.DaemonSet)
		sel, err := metav1.LabelSelectorAsSelector(ds.Spec.Selector)
		if err != nil || sel.Empty() || !sel.Matches(labels.Set(obj.GetLabels())) {
			return true
		}
		names = append(names, ds.Name)
		return true
	})
	return names
}

// now is the controller's present moment on the virtual clock.
func (c *Controller) now() time.Time { return c.clock.Now() }
