package podgc

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	utilclock "k8s.io/utils/clock"

	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/store"
)

// Name is the controller's name, as kube-controller-manager's
// --controllers flag has it.
const Name = "pod-garbage-collector"

const (
	// DefaultThreshold is --terminated-pod-gc-threshold's default.
	DefaultThreshold = 12500
	// period is upstream's gcCheckPeriod.
	period = 20 * time.Second
	// quarantine is how long a node must be missing before its pods go.
	quarantine = 40 * time.Second
)

// Controller is the pod garbage collector.
type Controller struct {
	store     *store.Store
	client    kubernetes.Interface
	clock     utilclock.PassiveClock
	queue     *controller.Queue
	threshold int
	// missing is when each missing node was first seen missing; only the
	// single worker touches it.
	missing map[string]time.Time
}

var sweepRequest = controller.Request{Name: "sweep"}

// Add registers the pod garbage collector with a manager; a threshold of
// zero or less turns the terminated-pod limit off, as upstream.
func Add(m *controller.Manager, threshold int) *Controller {
	c := &Controller{store: m.Store, client: m.Client, clock: m.Clock, queue: m.NewQueue(),
		threshold: threshold, missing: map[string]time.Time{}}
	m.Add(&controller.Controller{Name: Name, Queue: c.queue, Reconciler: c, Workers: 1})
	c.queue.AddAfter(sweepRequest, period)
	return c
}

// Reconcile runs one sweep and schedules the next.
func (c *Controller) Reconcile(ctx context.Context, _ controller.Request) (controller.Result, error) {
	err := c.sweep(ctx)
	return controller.Result{RequeueAfter: period}, err
}

// sweep is upstream's gc: each kind of garbage in turn.
func (c *Controller) sweep(ctx context.Context) error {
	view := c.store.View()
	var pods []*corev1.Pod
	view.List("pods", "", func(obj runtime.Object) bool {
		pods = append(pods, obj.(*corev1.Pod))
		return true
	})
	nodes := map[string]*corev1.Node{}
	view.List("nodes", "", func(obj runtime.Object) bool {
		n := obj.(*corev1.Node)
		nodes[n.Name] = n
		return true
	})
	var errs []error
	if c.threshold > 0 {
		for _, p := range overThreshold(pods, c.threshold) {
			errs = append(errs, c.failAndDelete(ctx, p, nil))
		}
	}
	for _, p := range pods {
		if p.DeletionTimestamp != nil && (p.Spec.NodeName == "" || outOfService(nodes[p.Spec.NodeName])) {
			errs = append(errs, c.failAndDelete(ctx, p, nil))
		}
	}
	errs = append(errs, c.collectOrphans(ctx, pods, nodes))
	return errors.Join(errs...)
}

// overThreshold are the terminated pods to delete so that threshold are
// left: evicted ones first, then the oldest.
func overThreshold(pods []*corev1.Pod, threshold int) []*corev1.Pod {
	var done []*corev1.Pod
	for _, p := range pods {
		if p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
			done = append(done, p)
		}
	}
	if len(done) <= threshold {
		return nil
	}
	slices.SortFunc(done, func(a, b *corev1.Pod) int {
		if ea, eb := evicted(a), evicted(b); ea != eb {
			if ea {
				return -1
			}
			return 1
		}
		if c := a.CreationTimestamp.Compare(b.CreationTimestamp.Time); c != 0 {
			return c
		}
		return cmp.Compare(a.Namespace+"/"+a.Name, b.Namespace+"/"+b.Name)
	})
	return done[:len(done)-threshold]
}

// evicted is the kubelet's mark on a pod it evicted.
func evicted(p *corev1.Pod) bool {
	return p.Status.Phase == corev1.PodFailed && p.Status.Reason == "Evicted"
}

// outOfService is a node that is not Ready and was declared shut down by
// its admin with the out-of-service taint.
func outOfService(n *corev1.Node) bool {
	if n == nil {
		return false
	}
	ready := false
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			ready = c.Status == corev1.ConditionTrue
		}
	}
	return !ready && slices.ContainsFunc(n.Spec.Taints, func(t corev1.Taint) bool { return t.Key == corev1.TaintNodeOutOfService })
}

// collectOrphans deletes the pods of nodes missing for the quarantine
// period, confirmed missing by the API server.
func (c *Controller) collectOrphans(ctx context.Context, pods []*corev1.Pod, nodes map[string]*corev1.Node) error {
	now := c.clock.Now()
	seen := map[string]bool{}
	for _, p := range pods {
		if n := p.Spec.NodeName; n != "" && nodes[n] == nil {
			seen[n] = true
			if _, ok := c.missing[n]; !ok {
				c.missing[n] = now
			}
		}
	}
	gone := map[string]bool{}
	for n, since := range c.missing {
		if !seen[n] {
			delete(c.missing, n)
			continue
		}
		if now.Sub(since) < quarantine {
			continue
		}
		_, err := c.client.CoreV1().Nodes().Get(ctx, n, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			gone[n] = true
			delete(c.missing, n)
		}
	}
	var errs []error
	cond := &corev1.PodCondition{Type: corev1.DisruptionTarget, Status: corev1.ConditionTrue,
		Reason: "DeletionByPodGC", Message: "PodGC: node no longer exists"}
	for _, p := range pods {
		if gone[p.Spec.NodeName] {
			errs = append(errs, c.failAndDelete(ctx, p, cond))
		}
	}
	return errors.Join(errs...)
}
