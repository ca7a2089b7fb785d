package registry

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metainternalversion "k8s.io/apimachinery/pkg/apis/meta/internalversion"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apiserver/pkg/registry/rest"
)

// maxDisruptedPodSize caps status.disruptedPods: beyond it, too many
// evictions wait for the disruption controller to notice them (upstream's
// MaxDisruptedPodSize).
const maxDisruptedPodSize = 2000

// podBudgets lists the budgets of the pod's namespace whose selector
// matches it. An empty or invalid selector matches nothing.
func (r *evictionREST) podBudgets(ctx context.Context, pod *corev1.Pod) ([]policyv1.PodDisruptionBudget, error) {
	obj, err := r.pdbs.List(ctx, &metainternalversion.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("listing PodDisruptionBudgets: %w", err)
	}
	var out []policyv1.PodDisruptionBudget
	for _, pdb := range obj.(*policyv1.PodDisruptionBudgetList).Items {
		if pdb.Namespace != pod.Namespace {
			continue
		}
		sel, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
		if err != nil || sel.Empty() || !sel.Matches(labels.Set(pod.Labels)) {
			continue
		}
		out = append(out, pdb)
	}
	return out, nil
}

// decrementBudget spends one disruption of the budget on the pod and
// records it in status.disruptedPods, retrying on conflicts with a fresh
// copy of the budget (upstream's checkAndDecrement under RetryOnConflict).
func (r *evictionREST) decrementBudget(ctx context.Context, podName string, pdb *policyv1.PodDisruptionBudget, dryRun bool) error {
	var err error
	for i := 0; i < evictionRetries; i++ {
		if i > 0 {
			obj, gerr := r.pdbs.Get(ctx, pdb.Name, &metav1.GetOptions{})
			if gerr != nil {
				return gerr
			}
			pdb = obj.(*policyv1.PodDisruptionBudget)
		}
		err = r.checkAndDecrement(ctx, podName, pdb.DeepCopy(), dryRun)
		if !apierrors.IsConflict(err) {
			return err
		}
	}
	return apierrors.NewTimeoutError(fmt.Sprintf("couldn't update PodDisruptionBudget %q due to conflicts", pdb.Name), 10)
}

// checkAndDecrement answers 429 when the budget allows no disruption or
// has not been processed since its spec changed; otherwise it writes the
// decremented status.
func (r *evictionREST) checkAndDecrement(ctx context.Context, podName string, pdb *policyv1.PodDisruptionBudget, dryRun bool) error {
	if pdb.Status.ObservedGeneration < pdb.Generation {
		return stillProcessing(pdb.Name)
	}
	if pdb.Status.DisruptionsAllowed < 0 {
		return apierrors.NewForbidden(policyv1.Resource("poddisruptionbudget"), pdb.Name, fmt.Errorf("pdb disruptions allowed is negative"))
	}
	if len(pdb.Status.DisruptedPods) > maxDisruptedPodSize {
		return apierrors.NewForbidden(policyv1.Resource("poddisruptionbudget"), pdb.Name, fmt.Errorf("DisruptedPods map too big - too many evictions not confirmed by PDB controller"))
	}
	if pdb.Status.DisruptionsAllowed == 0 {
		err := apierrors.NewTooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.", 0)
		err.ErrStatus.Details.Causes = append(err.ErrStatus.Details.Causes, metav1.StatusCause{
			Type:    policyv1.DisruptionBudgetCause,
			Message: fmt.Sprintf("The disruption budget %s needs %d healthy pods and has %d currently", pdb.Name, pdb.Status.DesiredHealthy, pdb.Status.CurrentHealthy),
		})
		return err
	}
	now := r.clock.Now()
	pdb.Status.DisruptionsAllowed--
	if pdb.Status.DisruptionsAllowed == 0 {
		setDisruptionAllowedCondition(pdb, metav1.NewTime(now))
	}
	if dryRun {
		return nil
	}
	if pdb.Status.DisruptedPods == nil {
		pdb.Status.DisruptedPods = map[string]metav1.Time{}
	}
	// The disruption controller counts the pod as gone from now on, and
	// forgets it if it is not deleted within its DeletionTimeout.
	pdb.Status.DisruptedPods[podName] = metav1.NewTime(now)
	_, _, err := r.pdbStatus.Update(ctx, pdb.Name, rest.DefaultUpdatedObjectInfo(pdb),
		rest.ValidateAllObjectFunc, rest.ValidateAllObjectUpdateFunc, false, &metav1.UpdateOptions{})
	return err
}

// stillProcessing is the 429 of a budget the controller has not caught up
// with (upstream's createTooManyRequestsError).
func stillProcessing(name string) error {
	err := apierrors.NewTooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.", 10)
	err.ErrStatus.Details.Causes = append(err.ErrStatus.Details.Causes, metav1.StatusCause{
		Type:    policyv1.DisruptionBudgetCause,
		Message: fmt.Sprintf("The disruption budget %s is still being processed by the server.", name),
	})
	return err
}

// setDisruptionAllowedCondition sets a budget's DisruptionAllowed
// condition from status.disruptionsAllowed, as component-helpers'
// UpdateDisruptionAllowedCondition does, but stamps transitions with the
// given (virtual) time instead of the wall clock.
func setDisruptionAllowedCondition(pdb *policyv1.PodDisruptionBudget, now metav1.Time) {
	if pdb.Status.Conditions == nil {
		pdb.Status.Conditions = []metav1.Condition{}
	}
	c := metav1.Condition{
		Type:               policyv1.DisruptionAllowedCondition,
		Status:             metav1.ConditionFalse,
		Reason:             policyv1.InsufficientPodsReason,
		ObservedGeneration: pdb.Status.ObservedGeneration,
		LastTransitionTime: now,
	}
	if pdb.Status.DisruptionsAllowed > 0 {
		c.Status, c.Reason = metav1.ConditionTrue, policyv1.SufficientPodsReason
	}
	apimeta.SetStatusCondition(&pdb.Status.Conditions, c)
}
