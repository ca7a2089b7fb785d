package job

import (
	"context"
	"fmt"
	"sync"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Event reasons of pod creation and deletion (upstream's
// pkg/controller/controller_utils.go).
const (
	reasonSuccessfulCreate = "SuccessfulCreate"
	reasonFailedCreate     = "FailedCreate"
	reasonSuccessfulDelete = "SuccessfulDelete"
	reasonFailedDelete     = "FailedDelete"
)

// manageJob creates or deletes pods so that as many run as parallelism
// allows and completions still need, or none while suspended (upstream's
// manageJob). Pod creation waits for the pod-failure back-off. It returns
// the number of active pods afterwards.
func (c *Controller) manageJob(ctx context.Context, job *batchv1.Job, st *syncState, now time.Time) (int32, error) {
	active := int32(len(st.activePods))
	if isSuspended(job) {
		return c.removePods(ctx, job, st, active, podsForRemoval(job, st.activePods, int(active)))
	}
	want := *job.Spec.Parallelism
	switch {
	case job.Spec.Completions == nil && st.succeeded > 0:
		// Once a pod succeeded, the rest may finish but none is added.
		want = active
	case job.Spec.Completions != nil:
		want = max(min(*job.Spec.Completions-st.succeeded, want), 0)
	}
	rm := podsForRemoval(job, st.activePods, int(max(active-want, 0)))
	if len(rm) > maxPodCreateDeletePerSync {
		rm = rm[:maxPodCreateDeletePerSync]
	}
	if len(rm) > 0 {
		// One sync deletes or creates, never both; deleting comes first.
		return c.removePods(ctx, job, st, active, rm)
	}
	var terminating int32
	if onlyReplaceFailedPods(job) {
		terminating = st.terminating
	}
	diff := min(want-terminating-active, maxPodCreateDeletePerSync)
	if diff <= 0 {
		return active, nil
	}
	if !hasBackoffLimitPerIndex(job) {
		if wait := st.newBackoff.remaining(now); wait > 0 {
			c.queue.AddAfter(st.req, max(wait, syncBatchPeriod))
			return active, nil
		}
	}
	indexes := []int(nil)
	if isIndexed(job) {
		indexes = firstPendingIndexes(st, int(diff), int(*job.Spec.Completions))
		if hasBackoffLimitPerIndex(job) {
			var wait time.Duration
			if indexes, wait = indexesToCreateNow(indexes, st.delayedDeletion, now); wait > 0 {
				c.queue.AddAfter(st.req, max(wait, syncBatchPeriod))
				return active, nil
			}
		}
		diff = int32(len(indexes))
	}
	created, err := c.createPods(ctx, job, st, diff, indexes)
	return active + created, err
}

func (c *Controller) removePods(ctx context.Context, job *batchv1.Job, st *syncState, active int32, pods []*corev1.Pod) (int32, error) {
	removedReady, removed, err := c.deleteJobPods(ctx, job, pods)
	st.terminating += removed
	st.ready -= removedReady
	return active - removed, err
}

// indexesToCreateNow keeps the indexes whose per-index back-off is over;
// if there are none, it returns the shortest wait.
func indexesToCreateNow(indexes []int, lastFailed map[int]*corev1.Pod, now time.Time) ([]int, time.Duration) {
	var ready []int
	var wait time.Duration
	for _, ix := range indexes {
		d := remainingForIndex(now, lastFailed[ix])
		switch {
		case d == 0:
			ready = append(ready, ix)
		case wait == 0 || d < wait:
			wait = d
		}
	}
	if len(ready) > 0 {
		return ready, 0
	}
	return nil, wait
}

// podsForRemoval picks at least n active pods to delete: for an Indexed
// Job first those with no, a too large or a repeated index; then the
// least advanced (upstream's activePodsForRemoval).
func podsForRemoval(job *batchv1.Job, pods []*corev1.Pod, n int) []*corev1.Pod {
	var rm, left []*corev1.Pod
	if isIndexed(job) {
		rm, left = duplicatedIndexPods(pods, int(*job.Spec.Completions))
	} else {
		left = append(left, pods...)
	}
	if len(rm) < n {
		sortForRemoval(left)
		rm = append(rm, left[:n-len(rm)]...)
	}
	return rm
}

// createPods creates n pods (for the given indexes, if any) in slow-start
// batches of 1, 2, 4, ... stopping after a batch with a failure, so that a
// quota that forbids them costs one request, not n. It returns how many
// it created.
func (c *Controller) createPods(ctx context.Context, job *batchv1.Job, st *syncState, n int32, indexes []int) (int32, error) {
	template := job.Spec.Template.DeepCopy()
	if isIndexed(job) {
		addCompletionIndexEnv(template)
	}
	if !hasString(template.Finalizers, batchv1.JobTrackingFinalizer) {
		template.Finalizers = append(template.Finalizers, batchv1.JobTrackingFinalizer)
	}
	var created int32
	for batch := min(n, 1); n > 0; batch = min(2*batch, n) {
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			firstErr error
		)
		for i := int32(0); i < batch; i++ {
			ix := noIndex
			if len(indexes) > 0 {
				ix, indexes = indexes[0], indexes[1:]
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := c.createPod(ctx, job, template, ix, st.delayedDeletion[ix])
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil || apierrors.HasStatusCause(err, corev1.NamespaceTerminatingCause):
					// Creations in a terminating namespace all fail; upstream
					// counts them as done.
					created++
				case firstErr == nil:
					firstErr = err
				}
			}()
		}
		wg.Wait()
		if firstErr != nil {
			return created, firstErr
		}
		n -= batch
	}
	return created, nil
}

// createPod creates one pod from the template, for index ix unless
// noIndex (upstream's CreatePodsWithGenerateName).
func (c *Controller) createPod(ctx context.Context, job *batchv1.Job, template *corev1.PodTemplateSpec, ix int, replaced *corev1.Pod) error {
	generateName := podsPrefix(job.Name)
	if ix != noIndex {
		template = template.DeepCopy()
		setIndex(template, job, ix, replaced)
		generateName = generateNameWithIndex(job.Name, ix)
	}
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			GenerateName:    generateName,
			Labels:          copyMap(template.Labels),
			Annotations:     copyMap(template.Annotations),
			Finalizers:      append([]string(nil), template.Finalizers...),
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(job, controllerKind)},
		},
		Spec: *template.Spec.DeepCopy(),
	}
	if len(pod.Labels) == 0 {
		return fmt.Errorf("unable to create pods, no labels")
	}
	out, err := c.client.CoreV1().Pods(job.Namespace).Create(ctx, pod, metav1.CreateOptions{})
	if err != nil {
		if !apierrors.HasStatusCause(err, corev1.NamespaceTerminatingCause) {
			c.recorder.Eventf(job, corev1.EventTypeWarning, reasonFailedCreate, "Error creating: %v", err)
		}
		return err
	}
	c.recorder.Eventf(job, corev1.EventTypeNormal, reasonSuccessfulCreate, "Created pod: %v", out.Name)
	return nil
}

// podsPrefix is "<job>-" unless that is not a valid name prefix.
func podsPrefix(name string) string {
	prefix := name + "-"
	if len(apimachineryvalidation.NameIsDNSSubdomain(prefix, true)) != 0 {
		return name
	}
	return prefix
}

// deleteJobPods takes the tracking finalizer off pods and deletes them:
// they are not counted as failures. It returns how many ready pods and
// how many pods in all it deleted (or found gone).
func (c *Controller) deleteJobPods(ctx context.Context, job *batchv1.Job, pods []*corev1.Pod) (int32, int32, error) {
	return c.deleteEach(pods, func(pod *corev1.Pod) error {
		if hasTrackingFinalizer(pod) {
			if err := c.patchPod(ctx, pod, removeFinalizerPatch()); err != nil {
				return fmt.Errorf("removing completion finalizer: %w", err)
			}
		}
		return c.deletePod(ctx, job, pod)
	})
}

// deleteActivePods deletes the active pods of a Job that is finishing,
// keeping their finalizers: trackStatus counts them as they go.
func (c *Controller) deleteActivePods(ctx context.Context, job *batchv1.Job, pods []*corev1.Pod) (int32, int32, error) {
	return c.deleteEach(pods, func(pod *corev1.Pod) error { return c.deletePod(ctx, job, pod) })
}

// deleteEach runs del on every pod in parallel. A pod already gone counts
// as deleted; ready pods are counted whether or not their deletion
// worked, as upstream does.
func (c *Controller) deleteEach(pods []*corev1.Pod, del func(*corev1.Pod) error) (ready, deleted int32, firstErr error) {
	var (
		wg sync.WaitGroup
		mu sync.Mutex
	)
	for _, pod := range pods {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := del(pod)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil || apierrors.IsNotFound(err):
				deleted++
			case firstErr == nil:
				firstErr = err
			}
			if isReady(pod) {
				ready++
			}
		}()
	}
	wg.Wait()
	return ready, deleted, firstErr
}

// deletePod deletes one pod with its own grace period (upstream's
// RealPodControl.DeletePod).
func (c *Controller) deletePod(ctx context.Context, job *batchv1.Job, pod *corev1.Pod) error {
	err := c.client.CoreV1().Pods(pod.Namespace).Delete(ctx, pod.Name, metav1.DeleteOptions{})
	switch {
	case apierrors.IsNotFound(err):
		return err
	case err != nil:
		c.recorder.Eventf(job, corev1.EventTypeWarning, reasonFailedDelete, "Error deleting: %v", err)
		return fmt.Errorf("unable to delete pods: %w", err)
	}
	c.recorder.Eventf(job, corev1.EventTypeNormal, reasonSuccessfulDelete, "Deleted pod: %v", pod.Name)
	return nil
}

func copyMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func hasString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
