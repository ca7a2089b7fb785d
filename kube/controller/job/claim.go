package job

import (
	"context"
	"encoding/json"
	"fmt"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"

	"github.com/kubesim/kubesim/store"
)

// podsForJob returns the pods the Job manages (upstream's getPodsForJob):
// those it controls that its selector matches, after releasing those it
// no longer matches and adopting the orphans it does. Adoption adds the
// tracking finalizer; the returned copy of an adopted pod has it already.
func (c *Controller) podsForJob(ctx context.Context, view *store.View, job *batchv1.Job) ([]*corev1.Pod, error) {
	selector, err := metav1.LabelSelectorAsSelector(job.Spec.Selector)
	if err != nil {
		return nil, fmt.Errorf("couldn't convert Job selector: %w", err)
	}
	var (
		claimed   []*corev1.Pod
		errs      []error
		recheck   error
		rechecked bool
	)
	for _, pod := range c.candidatePods(view, job) {
		matches := selector.Matches(labels.Set(pod.Labels))
		if metav1.GetControllerOfNoCopy(pod) != nil {
			switch {
			case matches:
				claimed = append(claimed, pod)
			case job.DeletionTimestamp == nil:
				if err := c.releasePod(ctx, job, pod); err != nil {
					errs = append(errs, err)
				}
			}
			continue
		}
		if !matches || job.DeletionTimestamp != nil || pod.DeletionTimestamp != nil {
			continue
		}
		// Before the first adoption, make sure the Job is still there and
		// not being deleted (upstream's RecheckDeletionTimestamp).
		if !rechecked {
			recheck, rechecked = c.recheckJob(ctx, job), true
		}
		if recheck != nil {
			errs = append(errs, fmt.Errorf("can't adopt Pod %v/%v (%v): %w", pod.Namespace, pod.Name, pod.UID, recheck))
			continue
		}
		adopted, err := c.adoptPod(ctx, job, pod)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if adopted != nil {
			claimed = append(claimed, adopted)
		}
	}
	return claimed, utilerrors.NewAggregate(errs)
}

// candidatePods are the pods the Job controls and the orphans of its
// namespace.
func (c *Controller) candidatePods(view *store.View, job *batchv1.Job) []*corev1.Pod {
	var out []*corev1.Pod
	for _, obj := range view.ByOwner(string(job.UID), podsResource) {
		pod := obj.(*corev1.Pod)
		if ref := metav1.GetControllerOfNoCopy(pod); ref != nil && ref.UID == job.UID {
			out = append(out, pod)
		}
	}
	for _, name := range c.orphans.in(job.Namespace) {
		if pod, ok := view.Get(podsResource, job.Namespace, name).(*corev1.Pod); ok && metav1.GetControllerOfNoCopy(pod) == nil {
			out = append(out, pod)
		}
	}
	return out
}

func (c *Controller) recheckJob(ctx context.Context, job *batchv1.Job) error {
	fresh, err := c.client.BatchV1().Jobs(job.Namespace).Get(ctx, job.Name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	if fresh.UID != job.UID {
		return fmt.Errorf("original Job %v/%v is gone: got uid %v, wanted %v", job.Namespace, job.Name, fresh.UID, job.UID)
	}
	if fresh.DeletionTimestamp != nil {
		return fmt.Errorf("%v/%v has just been deleted at %v", fresh.Namespace, fresh.Name, fresh.DeletionTimestamp)
	}
	return nil
}

// adoptPod makes the Job the pod's controller and adds the tracking
// finalizer, in one patch that fails on another pod of the same name. It
// returns the pod as the Job will count it, or nil if it is gone.
func (c *Controller) adoptPod(ctx context.Context, job *batchv1.Job, pod *corev1.Pod) (*corev1.Pod, error) {
	ref := metav1.NewControllerRef(job, controllerKind)
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{
		"uid":             pod.UID,
		"ownerReferences": []metav1.OwnerReference{*ref},
		"finalizers":      []string{batchv1.JobTrackingFinalizer},
	}})
	if err != nil {
		return nil, err
	}
	if err := c.patchPod(ctx, pod, patch); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("adopt pod %s/%s: %w", pod.Namespace, pod.Name, err)
	}
	out := pod.DeepCopy()
	out.OwnerReferences = append(out.OwnerReferences, *ref)
	if !hasTrackingFinalizer(out) {
		out.Finalizers = append(out.Finalizers, batchv1.JobTrackingFinalizer)
	}
	return out, nil
}

// releasePod removes the Job's reference and the tracking finalizer from
// a pod its selector no longer matches.
func (c *Controller) releasePod(ctx context.Context, job *batchv1.Job, pod *corev1.Pod) error {
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{
		"uid":                                 pod.UID,
		"ownerReferences":                     []map[string]any{{"$patch": "delete", "uid": job.UID}},
		"$deleteFromPrimitiveList/finalizers": []string{batchv1.JobTrackingFinalizer},
	}})
	if err != nil {
		return err
	}
	err = c.patchPod(ctx, pod, patch)
	if apierrors.IsNotFound(err) || apierrors.IsInvalid(err) {
		return nil // gone, or replaced by a pod of the same name
	}
	if err != nil {
		return fmt.Errorf("release pod %s/%s: %w", pod.Namespace, pod.Name, err)
	}
	return nil
}
