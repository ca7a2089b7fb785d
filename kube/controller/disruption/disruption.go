package disruption

import (
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
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

// Name is the controller's name in kube-controller-manager's
// --controllers flag.
const Name = "disruption"

// Store keys of the resources the controller reads.
const (
	pdbsResource         = "poddisruptionbudgets.policy"
	podsResource         = "pods"
	replicaSetsResource  = "replicasets.apps"
	deploymentsResource  = "deployments.apps"
	statefulSetsResource = "statefulsets.apps"
	rcsResource          = "replicationcontrollers"
)

// Controller syncs the status of every PodDisruptionBudget with its pods.
type Controller struct {
	store    *store.Store
	client   kubernetes.Interface
	clock    utilclock.PassiveClock
	recorder *events.Recorder
	queue    *controller.Queue
}

// Add registers the disruption controller with a manager.
func Add(m *controller.Manager) *Controller {
	// Upstream's disruption controller records as "controllermanager".
	rec := m.NewRecorder("controllermanager")
	c := &Controller{store: m.Store, client: m.Client, clock: m.Clock, recorder: rec, queue: m.NewQueue()}
	m.Feed.Handle(pdbsResource, func(ev store.Event) {
		c.queue.Add(controller.Request{Namespace: ev.Namespace, Name: ev.Name})
	})
	m.Feed.Handle(podsResource, c.onPod)
	m.Add(&controller.Controller{Name: Name, Queue: c.queue, Reconciler: c, Workers: 1})
	stale := &staleConditions{c: c, queue: m.NewQueue()}
	m.Feed.Handle(podsResource, stale.onPod)
	m.Add(&controller.Controller{Name: Name + "-stale-conditions", Queue: stale.queue, Reconciler: stale, Workers: 1})
	return c
}

// onPod wakes the budgets that cover a pod that was added, changed or
// deleted (upstream's addPod, updatePod and deletePod). A pod whose labels
// changed wakes the budgets of its old labels too.
func (c *Controller) onPod(ev store.Event) {
	pod, ok := ev.Object.(*corev1.Pod)
	if !ok {
		return
	}
	view := c.store.View()
	names := budgetsFor(view, pod)
	if len(names) > 1 && ev.Type != watch.Deleted {
		c.recorder.Eventf(pod, corev1.EventTypeWarning, "MultiplePodDisruptionBudgets",
			"Pod %q/%q matches multiple PodDisruptionBudgets.  Chose %q arbitrarily.", pod.Namespace, pod.Name, names[0])
	}
	if prev, ok := ev.Prev.(*corev1.Pod); ok && !labels.Equals(prev.Labels, pod.Labels) {
		names = append(names, budgetsFor(view, prev)...)
	}
	for _, name := range names {
		c.queue.Add(controller.Request{Namespace: pod.Namespace, Name: name})
	}
}

// budgetsFor names the budgets of the pod's namespace whose selector
// matches its labels; an empty selector matches nothing.
func budgetsFor(view *store.View, pod *corev1.Pod) []string {
	if len(pod.Labels) == 0 {
		return nil
	}
	var names []string
	view.List(pdbsResource, pod.Namespace, func(obj runtime.Object) bool {
		pdb := obj.(*policyv1.PodDisruptionBudget)
		sel, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
		if err == nil && !sel.Empty() && sel.Matches(labels.Set(pod.Labels)) {
			names = append(names, pdb.Name)
		}
		return true
	})
	return names
}
