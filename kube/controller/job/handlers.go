package job

import (
	"reflect"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/store"
)

// onJob queues a Job that changed (upstream's addJob, updateJob and
// deleteJob): at once when it is new, deleted or its spec changed, after
// the batch period when only its status did.
func (c *Controller) onJob(ev store.Event) {
	job, ok := ev.Object.(*batchv1.Job)
	if !ok {
		return
	}
	key := keyOf(job.Namespace, job.Name)
	switch ev.Type {
	case watch.Added:
		c.queue.Add(key)
	case watch.Modified:
		old, _ := ev.Prev.(*batchv1.Job)
		if old != nil && old.Generation == job.Generation {
			c.queue.AddAfter(key, syncBatchPeriod)
		} else {
			c.queue.Add(key)
		}
		// The Job is not marked finished before its pods lose their
		// finalizers; this is a backup.
		if isFinished(job) {
			c.cleanupPodFinalizers(job)
		}
		c.requeueForNewDeadline(old, job, key)
	case watch.Deleted:
		c.queue.Add(key)
		c.cleanupPodFinalizers(job)
	}
}

// requeueForNewDeadline looks at a started Job again when its
// activeDeadlineSeconds changed, at the new deadline.
func (c *Controller) requeueForNewDeadline(old, cur *batchv1.Job, key controller.Request) {
	ads := cur.Spec.ActiveDeadlineSeconds
	if cur.Status.StartTime == nil || ads == nil {
		return
	}
	if old != nil && old.Spec.ActiveDeadlineSeconds != nil && *old.Spec.ActiveDeadlineSeconds == *ads {
		return
	}
	passed := c.now().Sub(cur.Status.StartTime.Time)
	c.queue.AddAfter(key, time.Duration(*ads)*time.Second-passed)
}

// cleanupPodFinalizers queues the pods of a finished or deleted Job that
// still have the tracking finalizer, for the orphan worker.
func (c *Controller) cleanupPodFinalizers(job *batchv1.Job) {
	selector, err := metav1.LabelSelectorAsSelector(job.Spec.Selector)
	if err != nil {
		return
	}
	for _, obj := range c.store.View().ByOwner(string(job.UID), podsResource) {
		pod := obj.(*corev1.Pod)
		if metav1.IsControlledBy(pod, job) && hasTrackingFinalizer(pod) && selector.Matches(labels.Set(pod.Labels)) {
			c.orphanQueue.Add(keyOf(pod.Namespace, pod.Name))
		}
	}
}

// onPod wakes the Job a pod belongs to, after the batch period (upstream's
// addPod, updatePod and deletePod). An orphan wakes the Jobs that could
// adopt it, and goes to the orphan worker if it has the finalizer.
func (c *Controller) onPod(ev store.Event) {
	pod, ok := ev.Object.(*corev1.Pod)
	if !ok {
		return
	}
	c.orphans.observe(ev)
	switch ev.Type {
	case watch.Deleted:
		c.podGone(pod)
		return
	case watch.Added:
		if pod.DeletionTimestamp != nil {
			c.podGone(pod)
			return
		}
		if ref := metav1.GetControllerOfNoCopy(pod); ref != nil {
			c.enqueueOwner(pod.Namespace, ref)
			return
		}
		c.orphanChanged(pod, true)
	case watch.Modified:
		if pod.DeletionTimestamp != nil {
			c.podGone(pod)
			return
		}
		old, _ := ev.Prev.(*corev1.Pod)
		ref := metav1.GetControllerOfNoCopy(pod)
		var oldRef *metav1.OwnerReference
		if old != nil {
			oldRef = metav1.GetControllerOfNoCopy(old)
		}
		refChanged := !reflect.DeepEqual(ref, oldRef)
		if refChanged && oldRef != nil {
			c.enqueueOwner(pod.Namespace, oldRef)
		}
		if ref != nil {
			c.enqueueOwner(pod.Namespace, ref)
			return
		}
		labelsChanged := old == nil || !reflect.DeepEqual(old.Labels, pod.Labels)
		c.orphanChanged(pod, labelsChanged || refChanged)
	}
}

// orphanChanged sends an orphan with the finalizer to the orphan worker
// and, if it may have become adoptable, wakes the Jobs that match it.
func (c *Controller) orphanChanged(pod *corev1.Pod, adoptable bool) {
	if hasTrackingFinalizer(pod) {
		c.orphanQueue.Add(keyOf(pod.Namespace, pod.Name))
	}
	if !adoptable {
		return
	}
	for _, job := range c.matchingJobs(pod) {
		c.queue.AddAfter(keyOf(job.Namespace, job.Name), syncBatchPeriod)
	}
}

// podGone handles a pod being deleted or gone: its Job, if still running,
// looks again; otherwise its finalizer is for the orphan worker.
func (c *Controller) podGone(pod *corev1.Pod) {
	ref := metav1.GetControllerOfNoCopy(pod)
	var job *batchv1.Job
	if ref != nil {
		job = c.resolve(pod.Namespace, ref)
	}
	if job == nil || isFinished(job) {
		if hasTrackingFinalizer(pod) {
			c.orphanQueue.Add(keyOf(pod.Namespace, pod.Name))
		}
		return
	}
	c.queue.AddAfter(keyOf(job.Namespace, job.Name), syncBatchPeriod)
}

func (c *Controller) enqueueOwner(namespace string, ref *metav1.OwnerReference) {
	if job := c.resolve(namespace, ref); job != nil {
		c.queue.AddAfter(keyOf(job.Namespace, job.Name), syncBatchPeriod)
	}
}

// resolve returns the Job a controller reference points to, if it is
// there with the same UID.
func (c *Controller) resolve(namespace string, ref *metav1.OwnerReference) *batchv1.Job {
	if ref.Kind != controllerKind.Kind {
		return nil
	}
	obj := c.store.View().Get(jobsResource, namespace, ref.Name)
	job, ok := obj.(*batchv1.Job)
	if !ok || job.UID != ref.UID {
		return nil
	}
	return job
}

// matchingJobs lists the Jobs of the pod's namespace whose selector
// matches it (upstream's GetPodJobs). An empty selector matches nothing.
func (c *Controller) matchingJobs(pod *corev1.Pod) []*batchv1.Job {
	var out []*batchv1.Job
	c.store.View().List(jobsResource, pod.Namespace, func(obj runtime.Object) bool {
		job := obj.(*batchv1.Job)
		sel, err := metav1.LabelSelectorAsSelector(job.Spec.Selector)
		if err == nil && !sel.Empty() && sel.Matches(labels.Set(pod.Labels)) {
			out = append(out, job)
		}
		return true
	})
	return out
}
