package cronjob

import (
	"reflect"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/klog/v2"
	utilclock "k8s.io/utils/clock"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/events"
	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/kube/controller/cronjob/cron"
	"github.com/kubesim/kubesim/store"
)

// Name is the controller's name, as kube-controller-manager's --controllers
// flag has it.
const Name = "cronjob"

// workers is kube-controller-manager's default --concurrent-cron-job-syncs.
const workers = 5

const (
	cronJobsResource = "cronjobs.batch"
	jobsResource     = "jobs.batch"
)

var controllerKind = batchv1.SchemeGroupVersion.WithKind("CronJob")

// Controller creates the Jobs of CronJobs.
type Controller struct {
	store    *store.Store
	client   kubernetes.Interface
	clock    utilclock.PassiveClock
	recorder *events.Recorder
	queue    *controller.Queue
}

// Add registers the CronJob controller with a manager.
func Add(m *controller.Manager) *Controller {
	rec := m.NewRecorder("cronjob-controller")
	c := &Controller{store: m.Store, client: m.Client, clock: m.Clock, recorder: rec, queue: m.NewQueue()}
	m.Feed.Handle(cronJobsResource, c.onCronJob)
	m.Feed.Handle(jobsResource, c.onJob)
	m.Add(&controller.Controller{Name: Name, Queue: c.queue, Reconciler: c, Workers: workers})
	return c
}

// onCronJob queues a CronJob that was added, deleted or changed. A new
// schedule or time zone queues it for its next firing instead (upstream's
// updateCronJob).
func (c *Controller) onCronJob(ev store.Event) {
	cj, ok := ev.Object.(*batchv1.CronJob)
	if !ok {
		return
	}
	key := controller.Request{Namespace: cj.Namespace, Name: cj.Name}
	old, _ := ev.Prev.(*batchv1.CronJob)
	if ev.Type != watch.Modified || old == nil ||
		(old.Spec.Schedule == cj.Spec.Schedule && ptr.Equal(old.Spec.TimeZone, cj.Spec.TimeZone)) {
		c.queue.Add(key)
		return
	}
	sched, err := cron.Parse(formatSchedule(cj, nil))
	if err != nil {
		// A user error; nothing to do until the spec changes again.
		klog.V(2).InfoS("Unparseable schedule for cronjob", "cronjob", key.String(), "schedule", cj.Spec.Schedule, "err", err)
		c.recorder.Eventf(cj, corev1.EventTypeWarning, "UnParseableCronJobSchedule", "unparseable schedule for cronjob: %s", cj.Spec.Schedule)
		return
	}
	if d := nextScheduleTimeDuration(cj, c.clock.Now(), sched); d != nil {
		c.queue.AddAfter(key, *d)
	}
}

// onJob wakes the CronJob that controls a Job that changed (and the one
// that did before, if that changed).
func (c *Controller) onJob(ev store.Event) {
	job, ok := ev.Object.(*batchv1.Job)
	if !ok {
		return
	}
	ref := metav1.GetControllerOfNoCopy(job)
	if old, ok := ev.Prev.(*batchv1.Job); ok && ev.Type == watch.Modified {
		if oldRef := metav1.GetControllerOfNoCopy(old); oldRef != nil && !reflect.DeepEqual(ref, oldRef) {
			c.enqueueOwner(job.Namespace, oldRef)
		}
	}
	if ref != nil {
		c.enqueueOwner(job.Namespace, ref)
	}
}

func (c *Controller) enqueueOwner(namespace string, ref *metav1.OwnerReference) {
	if ref.Kind != controllerKind.Kind {
		return
	}
	cj, ok := c.store.View().Get(cronJobsResource, namespace, ref.Name).(*batchv1.CronJob)
	if ok && cj.UID == ref.UID {
		c.queue.Add(controller.Request{Namespace: namespace, Name: ref.Name})
	}
}

func (c *Controller) now() time.Time { return c.clock.Now() }
