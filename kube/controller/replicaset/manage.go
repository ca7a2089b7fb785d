package replicaset

import (
	"context"
	"fmt"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kubesim/kubesim/store"
)

// Event reasons, as upstream's pkg/controller/controller_utils.go has them.
const (
	ReasonSuccessfulCreate = "SuccessfulCreate"
	ReasonFailedCreate     = "FailedCreate"
	ReasonSuccessfulDelete = "SuccessfulDelete"
	ReasonFailedDelete     = "FailedDelete"
)

// slowStartInitialBatchSize is the first batch of pod creations
// (upstream's SlowStartInitialBatchSize).
const slowStartInitialBatchSize = 1

// manageReplicas creates or deletes pods until the object has
// spec.replicas active pods (upstream's manageReplicas). It returns the
// names of the pods it deleted.
func (c *Controller) manageReplicas(ctx context.Context, view *store.View, obj runtime.Object, rs *appsv1.ReplicaSet, active []*corev1.Pod) (map[string]bool, error) {
	diff := len(active) - int(replicas(rs))
	switch {
	case diff < 0:
		return nil, c.createPods(ctx, obj, rs, min(-diff, burstReplicas))
	case diff > 0:
		victims := podsToDelete(active, c.relatedPods(view, rs), min(diff, burstReplicas), c.now())
		return c.deletePods(ctx, obj, victims)
	}
	return nil, nil
}

// createPods creates n pods from the template in slow-start batches: 1,
// then 2, 4, ... at a time, stopping at the first batch with a failure, so
// that a quota that forbids them costs one request, not n.
func (c *Controller) createPods(ctx context.Context, obj runtime.Object, rs *appsv1.ReplicaSet, n int) error {
	ref := metav1.NewControllerRef(rs, c.kind.gvk)
	_, err := slowStartBatch(n, slowStartInitialBatchSize, func() error {
		err := c.createPod(ctx, obj, rs, ref)
		if err != nil && apierrors.HasStatusCause(err, corev1.NamespaceTerminatingCause) {
			return nil // every create will fail; the namespace is going anyway
		}
		return err
	})
	return err
}

// createPod creates one pod from the template (upstream's
// RealPodControl.CreatePods with GetPodFromTemplate).
func (c *Controller) createPod(ctx context.Context, obj runtime.Object, rs *appsv1.ReplicaSet, ref *metav1.OwnerReference) error {
	pod := podFromTemplate(&rs.Spec.Template, rs.Name, ref)
	if len(pod.Labels) == 0 {
		return fmt.Errorf("unable to create pods, no labels")
	}
	created, err := c.client.CoreV1().Pods(rs.Namespace).Create(ctx, pod, metav1.CreateOptions{})
	if err != nil {
		if !apierrors.HasStatusCause(err, corev1.NamespaceTerminatingCause) {
			c.recorder.Eventf(obj, corev1.EventTypeWarning, ReasonFailedCreate, "Error creating: %v", err)
		}
		return err
	}
	c.recorder.Eventf(obj, corev1.EventTypeNormal, ReasonSuccessfulCreate, "Created pod: %v", created.Name)
	return nil
}

// podFromTemplate builds a pod from a template: its labels, annotations,
// finalizers and spec, a name generated from the owner's, and the
// controller reference (upstream's GetPodFromTemplate).
func podFromTemplate(t *corev1.PodTemplateSpec, owner string, ref *metav1.OwnerReference) *corev1.Pod {
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Labels:       copyMap(t.Labels),
			Annotations:  copyMap(t.Annotations),
			GenerateName: podsPrefix(owner),
			Finalizers:   append([]string(nil), t.Finalizers...),
		},
		Spec: *t.Spec.DeepCopy(),
	}
	if ref != nil {
		pod.OwnerReferences = []metav1.OwnerReference{*ref}
	}
	return pod
}

// podsPrefix is "<owner>-" unless that is not a valid name prefix.
func podsPrefix(owner string) string {
	prefix := owner + "-"
	if len(apimachineryvalidation.NameIsDNSSubdomain(prefix, true)) != 0 {
		return owner
	}
	return prefix
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

// deletePods deletes the victims in parallel and returns the names of
// those deleted (or already gone). The first error other than NotFound is
// returned.
func (c *Controller) deletePods(ctx context.Context, obj runtime.Object, victims []*corev1.Pod) (map[string]bool, error) {
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		deleted  = map[string]bool{}
		firstErr error
	)
	for _, pod := range victims {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := c.deletePod(ctx, obj, pod)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil || apierrors.IsNotFound(err):
				deleted[pod.Name] = true
			case firstErr == nil:
				firstErr = err
			}
		}()
	}
	wg.Wait()
	return deleted, firstErr
}

// deletePod deletes one pod with its default grace period (upstream's
// RealPodControl.DeletePod).
func (c *Controller) deletePod(ctx context.Context, obj runtime.Object, pod *corev1.Pod) error {
	uid := pod.UID
	err := c.client.CoreV1().Pods(pod.Namespace).Delete(ctx, pod.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}})
	switch {
	case apierrors.IsNotFound(err) || apierrors.IsConflict(err):
		return apierrors.NewNotFound(corev1.Resource("pods"), pod.Name) // gone, or replaced by another pod
	case err != nil:
		c.recorder.Eventf(obj, corev1.EventTypeWarning, ReasonFailedDelete, "Error deleting: %v", err)
		return fmt.Errorf("unable to delete pods: %w", err)
	}
	c.recorder.Eventf(obj, corev1.EventTypeNormal, ReasonSuccessfulDelete, "Deleted pod: %v", pod.Name)
	return nil
}

// slowStartBatch calls fn count times, in batches that start at
// initialBatchSize and double while every call succeeds; the calls of a
// batch run in parallel. After a batch with a failure it stops, and
// returns the number of successes and the first error.
func slowStartBatch(count, initialBatchSize int, fn func() error) (int, error) {
	remaining, successes := count, 0
	for batch := min(remaining, initialBatchSize); batch > 0; batch = min(2*batch, remaining) {
		errs := make(chan error, batch)
		var wg sync.WaitGroup
		for i := 0; i < batch; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := fn(); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		successes += batch - len(errs)
		if len(errs) > 0 {
			return successes, <-errs
		}
		remaining -= batch
	}
	return successes, nil
}

// relatedPods are the active pods of every ReplicaSet that has the same
// controller as rs (a Deployment's old and new ReplicaSets), used to rank
// pods by how crowded their node is (upstream's getIndirectlyRelatedPods).
// A ReplicaSet without a controller has none.
func (c *Controller) relatedPods(view *store.View, rs *appsv1.ReplicaSet) []*corev1.Pod {
	owner := metav1.GetControllerOfNoCopy(rs)
	if owner == nil {
		return nil
	}
	var out []*corev1.Pod
	seen := map[string]bool{}
	for _, obj := range view.ByOwner(string(owner.UID), c.kind.resource) {
		related := c.kind.asReplicaSet(obj)
		if ref := metav1.GetControllerOfNoCopy(related); ref == nil || ref.UID != owner.UID {
			continue
		}
		sel, err := metav1.LabelSelectorAsSelector(related.Spec.Selector)
		if err != nil {
			continue
		}
		for _, p := range view.ByOwner(string(related.UID), "pods") {
			pod := p.(*corev1.Pod)
			if !seen[string(pod.UID)] && sel.Matches(labels.Set(pod.Labels)) {
				seen[string(pod.UID)] = true
				out = append(out, pod)
			}
		}
	}
	return out
}
