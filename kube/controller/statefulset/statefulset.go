package statefulset

import (
	"reflect"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
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
const Name = "statefulset"

const (
	// component is the source of the controller's events.
	component = "statefulset-controller"
	// workers is kube-controller-manager's default
	// --concurrent-statefulset-syncs.
	workers = 5

	resource       = "statefulsets.apps"
	podsResource   = "pods"
	claimsResource = "persistentvolumeclaims"
)

var (
	controllerKind = appsv1.SchemeGroupVersion.WithKind("StatefulSet")
	podKind        = corev1.SchemeGroupVersion.WithKind("Pod")
)

// Controller syncs the StatefulSets of a cluster with their pods, claims
// and revisions.
type Controller struct {
	store    *store.Store
	client   kubernetes.Interface
	clock    utilclock.PassiveClock
	recorder *events.Recorder
	queue    *controller.Queue
	history  *history.History
}

// Add registers the StatefulSet controller with a manager.
func Add(m *controller.Manager) *Controller {
	rec := m.NewRecorder(component)
	c := &Controller{
		store: m.Store, client: m.Client, clock: m.Clock, recorder: rec,
		queue: m.NewQueue(), history: history.New(m.Store, m.Client),
	}
	m.Feed.Handle(resource, func(ev store.Event) {
		c.queue.Add(controller.Request{Namespace: ev.Namespace, Name: ev.Name})
	})
	m.Feed.Handle(podsResource, c.onPod)
	m.Add(&controller.Controller{Name: Name, Queue: c.queue, Reconciler: c, Workers: workers})
	return c
}

// onPod wakes the StatefulSet that controls a pod that changed (and the
// one that controlled it before), or, for an orphan that appeared or was
// relabelled, every StatefulSet whose selector matches it (upstream's
// addPod, updatePod and deletePod).
func (c *Controller) onPod(ev store.Event) {
	pod, ok := ev.Object.(*corev1.Pod)
	if !ok {
		return
	}
	prev, _ := ev.Prev.(*corev1.Pod)
	ref := metav1.GetControllerOfNoCopy(pod)
	if prev != nil {
		if old := metav1.GetControllerOfNoCopy(prev); old != nil && isSetRef(old) && !reflect.DeepEqual(old, ref) {
			c.queue.Add(controller.Request{Namespace: pod.Namespace, Name: old.Name})
		}
	}
	if ref != nil {
		if isSetRef(ref) && changeMatters(ev.Type, prev, pod) {
			c.queue.Add(controller.Request{Namespace: pod.Namespace, Name: ref.Name})
		}
		return
	}
	if ev.Type == watch.Deleted {
		return // no controller cares about an orphan going away
	}
	if prev != nil && reflect.DeepEqual(prev.Labels, pod.Labels) && metav1.GetControllerOfNoCopy(prev) == nil {
		return
	}
	for _, name := range c.setsSelecting(pod) {
		c.queue.Add(controller.Request{Namespace: pod.Namespace, Name: name})
	}
}

func isSetRef(ref *metav1.OwnerReference) bool {
	return ref.Kind == controllerKind.Kind && ref.APIVersion == controllerKind.GroupVersion().String()
}

// changeMatters reports whether a pod update can change what a sync of its
// StatefulSet does or reports: its labels, owners, deletion, node, phase
// or readiness. Upstream syncs on every update; the kubelet's other status
// writes (container states, IPs) change nothing a sync looks at.
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

// setsSelecting lists the StatefulSets of the pod's namespace whose
// selector matches its labels (upstream's GetPodStatefulSets).
func (c *Controller) setsSelecting(pod *corev1.Pod) []string {
	var names []string
	c.store.View().List(resource, pod.Namespace, func(obj runtime.Object) bool {
		set := obj.(*appsv1.StatefulSet)
		sel, err := metav1.LabelSelectorAsSelector(set.Spec.Selector)
		if err != nil || sel.Empty() || !sel.Matches(labels.Set(pod.Labels)) {
			return true
		}
		names = append(names, set.Name)
		return true
	})
	return names
}

// now is the controller's present moment on the virtual clock.
func (c *Controller) now() time.Time { return c.clock.Now() }
