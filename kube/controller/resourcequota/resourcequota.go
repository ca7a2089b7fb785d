package resourcequota

import (
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	quotav1 "k8s.io/apiserver/pkg/quota/v1"
	"k8s.io/client-go/kubernetes"
	utilclock "k8s.io/utils/clock"

	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/kube/quota"
	"github.com/kubesim/kubesim/store"
)

// Name is the controller's name, as kube-controller-manager's
// --controllers flag has it.
const Name = "resourcequota"

const (
	// resyncPeriod is upstream's --resource-quota-sync-period default:
	// every quota is recalculated this often.
	resyncPeriod = 5 * time.Minute
	// workers is upstream's --concurrent-resource-quota-syncs default.
	workers = 5
)

// Controller recalculates ResourceQuota status.
type Controller struct {
	store    *store.Store
	client   kubernetes.Interface
	clock    utilclock.PassiveClock
	registry *quota.Registry
	queue    *controller.Queue
}

// Add registers the resourcequota controller with a manager.
func Add(m *controller.Manager) *Controller {
	c := &Controller{store: m.Store, client: m.Client, clock: m.Clock, queue: m.NewQueue(),
		registry: quota.NewRegistry(m.Store, m.Clock)}
	m.Feed.Handle("resourcequotas", c.onQuota)
	m.Feed.Handle("", c.onObject)
	m.Add(&controller.Controller{Name: Name, Queue: c.queue, Reconciler: c, Workers: workers})
	return c
}

// onQuota recalculates a new quota, and one whose spec.hard changed.
// Status updates, which admission and this controller make, are not
// looked at: recalculating after each would cost a namespace-wide count
// per admitted object.
func (c *Controller) onQuota(ev store.Event) {
	q, ok := ev.Object.(*corev1.ResourceQuota)
	if !ok {
		return
	}
	switch ev.Type {
	case watch.Added:
		c.enqueue(q)
	case watch.Modified:
		if prev, ok := ev.Prev.(*corev1.ResourceQuota); !ok || !quotav1.Equals(prev.Spec.Hard, q.Spec.Hard) {
			c.enqueue(q)
		}
	}
}

// onObject replenishes the quotas of a namespace when an object they may
// count goes away or stops costing what admission charged for it.
func (c *Controller) onObject(ev store.Event) {
	if ev.Namespace == "" || ev.Type == watch.Added {
		return
	}
	gr := schema.ParseGroupResource(ev.Resource)
	if _, ignored := quota.IgnoredResources[gr]; ignored {
		return
	}
	if ev.Type == watch.Modified && !c.costChanged(ev.Prev, ev.Object) {
		return
	}
	c.replenish(gr, ev.Namespace)
}

// costChanged is upstream's update filter: a pod that stops counting
// (terminal, or past its deletion grace period), a service whose type
// changes, a claim whose allocated storage changes.
func (c *Controller) costChanged(prev, cur runtime.Object) bool {
	switch cur := cur.(type) {
	case *corev1.Pod:
		old, ok := prev.(*corev1.Pod)
		now := c.clock.Now()
		return ok && quota.Counted(old, now) && !quota.Counted(cur, now)
	case *corev1.Service:
		old, ok := prev.(*corev1.Service)
		return ok && quota.QuotaServiceType(old) != quota.QuotaServiceType(cur)
	case *corev1.PersistentVolumeClaim:
		old, ok := prev.(*corev1.PersistentVolumeClaim)
		return ok && quota.AllocatedStorageChanged(old, cur)
	}
	return false
}

// replenish queues the quotas of namespace that track something of
// resource gr.
func (c *Controller) replenish(gr schema.GroupResource, namespace string) {
	var quotas []*corev1.ResourceQuota
	c.store.View().List("resourcequotas", namespace, func(obj runtime.Object) bool {
		quotas = append(quotas, obj.(*corev1.ResourceQuota))
		return true
	})
	if len(quotas) == 0 {
		return
	}
	evaluator := c.registry.Get(gr)
	for _, q := range quotas {
		if len(evaluator.MatchingResources(quotav1.ResourceNames(q.Status.Hard))) > 0 {
			c.enqueue(q)
		}
	}
}

func (c *Controller) enqueue(q *corev1.ResourceQuota) {
	c.queue.Add(controller.Request{Namespace: q.Namespace, Name: q.Name})
}
