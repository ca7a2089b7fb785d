package ttlafterfinished

import (
	"context"
	"fmt"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/klog/v2"
	utilclock "k8s.io/utils/clock"

	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/store"
)

// Name is the controller's name, as kube-controller-manager's --controllers
// flag has it.
const Name = "ttl-after-finished"

// workers is kube-controller-manager's default
// --concurrent-ttl-after-finished-syncs.
const workers = 5

// Controller deletes finished Jobs whose TTL has run out.
type Controller struct {
	store  *store.Store
	client kubernetes.Interface
	clock  utilclock.PassiveClock
	queue  *controller.Queue
}

// Add registers the controller with a manager.
func Add(m *controller.Manager) *Controller {
	c := &Controller{store: m.Store, client: m.Client, clock: m.Clock, queue: m.NewQueue()}
	m.Feed.Handle("jobs.batch", c.onJob)
	m.Add(&controller.Controller{Name: Name, Queue: c.queue, Reconciler: c, Workers: workers})
	return c
}

// onJob queues a Job, new or changed, that finished and has a TTL.
func (c *Controller) onJob(ev store.Event) {
	job, ok := ev.Object.(*batchv1.Job)
	if !ok || ev.Type == watch.Deleted {
		return
	}
	if job.DeletionTimestamp == nil && needsCleanup(job) {
		c.queue.Add(controller.Request{Namespace: job.Namespace, Name: job.Name})
	}
}

// Reconcile deletes the Job if its TTL has run out, or looks again when
// it will (upstream's processJob).
func (c *Controller) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	job, ok := c.store.View().Get("jobs.batch", req.Namespace, req.Name).(*batchv1.Job)
	if !ok {
		return controller.Result{}, nil
	}
	if expired, err := c.processTTL(req, job); err != nil || !expired {
		return controller.Result{}, err
	}
	// The TTL may have changed since: check the Job as the API server has
	// it before deleting.
	fresh, err := c.client.BatchV1().Jobs(req.Namespace).Get(ctx, req.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return controller.Result{}, nil
	}
	if err != nil {
		return controller.Result{}, err
	}
	if expired, err := c.processTTL(req, fresh); err != nil || !expired {
		return controller.Result{}, err
	}
	klog.V(4).InfoS("Cleaning up Job", "job", req.String())
	policy := metav1.DeletePropagationForeground
	err = c.client.BatchV1().Jobs(fresh.Namespace).Delete(ctx, fresh.Name, metav1.DeleteOptions{
		PropagationPolicy: &policy,
		Preconditions:     &metav1.Preconditions{UID: &fresh.UID},
	})
	if err != nil && !apierrors.IsNotFound(err) {
		return controller.Result{}, fmt.Errorf("delete Job %s: %w", req, err)
	}
	return controller.Result{}, nil
}

// processTTL reports whether the Job's TTL has run out; if it will later,
// it queues the Job for then.
func (c *Controller) processTTL(req controller.Request, job *batchv1.Job) (bool, error) {
	if job.DeletionTimestamp != nil || !needsCleanup(job) {
		return false, nil
	}
	left, err := timeLeft(job, c.clock.Now())
	if err != nil {
		return false, err
	}
	if left <= 0 {
		return true, nil
	}
	c.queue.AddAfter(req, left)
	return false, nil
}

// needsCleanup: the Job has finished and has a TTL.
func needsCleanup(job *batchv1.Job) bool {
	return job.Spec.TTLSecondsAfterFinished != nil && finishedCondition(job) != nil
}

func finishedCondition(job *batchv1.Job) *batchv1.JobCondition {
	for i, c := range job.Status.Conditions {
		if (c.Type == batchv1.JobComplete || c.Type == batchv1.JobFailed) && c.Status == corev1.ConditionTrue {
			return &job.Status.Conditions[i]
		}
	}
	return nil
}

// timeLeft is how long until the Job's TTL runs out, counted from the
// last transition of its terminal condition.
func timeLeft(job *batchv1.Job, now time.Time) (time.Duration, error) {
	c := finishedCondition(job)
	if c == nil || c.LastTransitionTime.IsZero() {
		return 0, fmt.Errorf("unable to find the time when the Job %s/%s finished", job.Namespace, job.Name)
	}
	if c.LastTransitionTime.After(now) {
		klog.InfoS("Warning: Found Job finished in the future. This is likely due to time skew in the cluster. Job cleanup will be deferred.", "job", klog.KObj(job))
	}
	expireAt := c.LastTransitionTime.Add(time.Duration(*job.Spec.TTLSecondsAfterFinished) * time.Second)
	return expireAt.Sub(now), nil
}
