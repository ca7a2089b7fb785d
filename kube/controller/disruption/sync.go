package disruption

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"

	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/store"
)

// DeletionTimeout is how long a pod the eviction API recorded in
// status.disruptedPods counts as going before the controller assumes it
// will not be deleted after all (upstream's DeletionTimeout).
const DeletionTimeout = 2 * time.Minute

// Reconcile syncs one budget's status (upstream's sync and trySync). A
// failure other than a conflict sets disruptionsAllowed to 0 with the
// SyncFailed condition, so that evictions stop while the budget cannot
// be computed.
func (c *Controller) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	view := c.store.View()
	pdb, ok := view.Get(pdbsResource, req.Namespace, req.Name).(*policyv1.PodDisruptionBudget)
	if !ok {
		return controller.Result{}, nil // deleted
	}
	recheck, err := c.trySync(ctx, view, pdb)
	if apierrors.IsConflict(err) || ctx.Err() != nil {
		return controller.Result{}, err
	}
	if err != nil {
		utilruntime.HandleError(fmt.Errorf("disruption: failed to sync PDB %s/%s: %w", pdb.Namespace, pdb.Name, err))
		return controller.Result{}, c.failSafe(ctx, pdb, err)
	}
	return controller.Result{RequeueAfter: recheck}, nil
}

// trySync computes and writes the status; it returns when to sync again
// because a recorded disruption expires.
func (c *Controller) trySync(ctx context.Context, view *store.View, pdb *policyv1.PodDisruptionBudget) (time.Duration, error) {
	pods, err := podsFor(view, pdb)
	if err != nil {
		c.recorder.Eventf(pdb, corev1.EventTypeWarning, "NoPods", "Failed to get pods: %v", err)
		return 0, err
	}
	if len(pods) == 0 {
		c.recorder.Eventf(pdb, corev1.EventTypeNormal, "NoPods", "No matching pods found")
	}
	expected, desired, unmanaged, err := expectedCounts(view, pdb, pods)
	if err != nil {
		c.recorder.Eventf(pdb, corev1.EventTypeWarning, "CalculateExpectedPodCountFailed", "Failed to calculate the number of expected pods: %v", err)
		return 0, err
	}
	if len(unmanaged) > 0 {
		c.recorder.Eventf(pdb, corev1.EventTypeWarning, "UnmanagedPods", "Pods selected by this PodDisruptionBudget (selector: %v) were found "+
			"to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. "+
			"To account for these pods please set \".spec.minAvailable\" field of the PDB to an integer value.", pdb.Spec.Selector)
	}
	now := c.clock.Now()
	disrupted, recheckAt := c.disruptedPods(pods, pdb, now)
	healthy := countHealthy(pods, disrupted, now)
	if err := c.updateStatus(ctx, pdb, healthy, desired, expected, disrupted); err != nil {
		return 0, err
	}
	if recheckAt.IsZero() {
		return 0, nil
	}
	// Come back just after the oldest disruption expires.
	return recheckAt.Sub(now) + time.Second, nil
}

// podsFor lists the pods of the budget's namespace its selector matches.
func podsFor(view *store.View, pdb *policyv1.PodDisruptionBudget) ([]*corev1.Pod, error) {
	sel, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
	if err != nil {
		return nil, err
	}
	var pods []*corev1.Pod
	view.List(podsResource, pdb.Namespace, func(obj runtime.Object) bool {
		if pod := obj.(*corev1.Pod); sel.Matches(labels.Set(pod.Labels)) {
			pods = append(pods, pod)
		}
		return true
	})
	return pods, nil
}

// disruptedPods keeps the entries of status.disruptedPods whose pod still
// exists, is not yet terminating and has not outlived DeletionTimeout
// (upstream's buildDisruptedPodMap). It returns the earliest expiry.
func (c *Controller) disruptedPods(pods []*corev1.Pod, pdb *policyv1.PodDisruptionBudget, now time.Time) (map[string]metav1.Time, time.Time) {
	result := map[string]metav1.Time{}
	var recheck time.Time
	for _, pod := range pods {
		at, found := pdb.Status.DisruptedPods[pod.Name]
		if !found || pod.DeletionTimestamp != nil {
			continue
		}
		expires := at.Add(DeletionTimeout)
		if expires.Before(now) {
			// Upstream's message names the namespace twice; so does this.
			c.recorder.Eventf(pod, corev1.EventTypeWarning, "NotDeleted", "Pod was expected by PDB %s/%s to be deleted but it wasn't",
				pdb.Namespace, pdb.Namespace)
			continue
		}
		if recheck.IsZero() || expires.Before(recheck) {
			recheck = expires
		}
		result[pod.Name] = at
	}
	return result, recheck
}

// countHealthy counts the ready pods that are neither terminating nor
// about to be deleted by an eviction.
func countHealthy(pods []*corev1.Pod, disrupted map[string]metav1.Time, now time.Time) int32 {
	var n int32
	for _, pod := range pods {
		if pod.DeletionTimestamp != nil {
			continue
		}
		if at, found := disrupted[pod.Name]; found && at.Add(DeletionTimeout).After(now) {
			continue
		}
		if podReady(pod) {
			n++
		}
	}
	return n
}

func podReady(pod *corev1.Pod) bool {
	c := findPodCondition(pod, corev1.PodReady)
	return c != nil && c.Status == corev1.ConditionTrue
}
