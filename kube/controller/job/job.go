package job

import (
	"time"

	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/client-go/kubernetes"
	utilclock "k8s.io/utils/clock"

	"github.com/kubesim/kubesim/events"
	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/store"
)

// Name is the controller's name, as kube-controller-manager's --controllers
// flag has it.
const Name = "job"

const (
	// workers is kube-controller-manager's default --concurrent-job-syncs.
	workers = 5
	// syncBatchPeriod delays the syncs that pod events and Job status
	// updates cause, so that a burst of them makes one sync (upstream's
	// syncJobBatchPeriod).
	syncBatchPeriod = time.Second
	// maxUncountedPods caps status.uncountedTerminatedPods (upstream's
	// MaxUncountedPods).
	maxUncountedPods = 500
	// maxPodCreateDeletePerSync caps the pods one sync creates or deletes.
	maxPodCreateDeletePerSync = 500
)

const (
	jobsResource = "jobs.batch"
	podsResource = "pods"
)

var controllerKind = batchv1.SchemeGroupVersion.WithKind("Job")

// Controller syncs Jobs with their pods.
type Controller struct {
	store    *store.Store
	client   kubernetes.Interface
	clock    utilclock.PassiveClock
	recorder *events.Recorder
	queue    *controller.Queue
	// orphanQueue holds pods (by namespace and name) whose tracking
	// finalizer may have to go because their Job is gone or finished.
	orphanQueue *controller.Queue
	orphans     *orphans
	backoff     *backoffStore
}

// Add registers the Job controller with a manager.
func Add(m *controller.Manager) *Controller {
	rec := m.NewRecorder("job-controller")
	c := &Controller{
		store: m.Store, client: m.Client, clock: m.Clock, recorder: rec,
		queue: m.NewQueue(), orphanQueue: m.NewQueue(),
		orphans: newOrphans(), backoff: newBackoffStore(),
	}
	m.Feed.Handle(jobsResource, c.onJob)
	m.Feed.Handle(podsResource, c.onPod)
	m.Add(&controller.Controller{Name: Name, Queue: c.queue, Reconciler: c, Workers: workers})
	m.Add(&controller.Controller{Name: Name + "-orphan-pods", Queue: c.orphanQueue,
		Reconciler: controller.ReconcilerFunc(c.syncOrphanPod), Workers: 1})
	return c
}

func (c *Controller) now() time.Time { return c.clock.Now() }

func keyOf(namespace, name string) controller.Request {
	return controller.Request{Namespace: namespace, Name: name}
}
