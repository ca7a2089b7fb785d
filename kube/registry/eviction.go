package registry

import (
	"context"
	"fmt"
	"reflect"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"
	utilclock "k8s.io/utils/clock"
)

// evictionRetries is how often an eviction retries after a conflict, as
// upstream's EvictionsRetry (20 steps). Upstream waits 500ms between
// tries; in-process a conflict means another write just landed, so the
// retry happens at once rather than sleeping on the wall clock.
const evictionRetries = 20

// evictionREST serves pods/eviction: it deletes a pod unless that would
// violate the PodDisruptionBudget covering it
// (pkg/registry/core/pod/storage/eviction.go, EvictionREST).
type evictionREST struct {
	pods      *genericregistry.Store // deletes pods
	podStatus *genericregistry.Store // adds the DisruptionTarget condition
	pdbs      *genericregistry.Store // lists budgets
	pdbStatus *genericregistry.Store // records disruptions
	clock     utilclock.PassiveClock
}

var (
	_ rest.NamedCreater             = (*evictionREST)(nil)
	_ rest.GroupVersionKindProvider = (*evictionREST)(nil)
)

func (r *evictionREST) New() runtime.Object     { return &policyv1.Eviction{} }
func (r *evictionREST) Destroy()                {}
func (r *evictionREST) NamespaceScoped() bool   { return true }
func (r *evictionREST) GetSingularName() string { return "eviction" }

// GroupVersionKind tells discovery that the subresource takes a policy/v1
// Eviction whatever the group of pods.
func (r *evictionREST) GroupVersionKind(schema.GroupVersion) schema.GroupVersionKind {
	return policyv1.SchemeGroupVersion.WithKind("Eviction")
}

// Create evicts the pod named by the URL.
func (r *evictionREST) Create(ctx context.Context, name string, obj runtime.Object, createValidation rest.ValidateObjectFunc, options *metav1.CreateOptions) (runtime.Object, error) {
	eviction, ok := obj.(*policyv1.Eviction)
	if !ok {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("not a Eviction object: %T", obj))
	}
	if name != eviction.Name {
		return nil, apierrors.NewBadRequest("name in URL does not match name in Eviction object")
	}
	deleteOptions, err := propagateDryRun(eviction, options)
	if err != nil {
		return nil, err
	}
	if createValidation != nil {
		if err := createValidation(ctx, eviction.DeepCopyObject()); err != nil {
			return nil, err
		}
	}
	pod, deleted, err := r.deleteIfPDBIrrelevant(ctx, name, deleteOptions)
	if err != nil {
		return nil, err
	}
	if deleted {
		return &metav1.Status{Status: metav1.StatusSuccess}, nil
	}
	return r.evictGuarded(ctx, pod, deleteOptions)
}

// deleteIfPDBIrrelevant deletes a pod whose eviction disrupts nothing: one
// that has finished, has not started, or is already terminating. It
// returns the pod it read when budgets must be consulted instead.
func (r *evictionREST) deleteIfPDBIrrelevant(ctx context.Context, name string, options *metav1.DeleteOptions) (*corev1.Pod, bool, error) {
	// Conflicts are retried unless the client gave its own resourceVersion
	// precondition, which a retry could not honour.
	retry := resourceVersionUnset(options)
	var err error
	for i := 0; i < evictionRetries; i++ {
		var obj runtime.Object
		obj, err = r.pods.Get(ctx, name, &metav1.GetOptions{})
		if err != nil {
			return nil, false, err
		}
		pod := obj.(*corev1.Pod)
		if !canIgnorePDB(pod) {
			return pod, false, nil
		}
		opts := options
		if shouldEnforceResourceVersion(pod) && resourceVersionUnset(options) {
			// A pending pod must not become ready behind our back.
			opts = withResourceVersion(options, pod.ResourceVersion)
		}
		err = r.addConditionAndDelete(ctx, name, opts)
		if err == nil {
			return nil, true, nil
		}
		if !retry || !apierrors.IsConflict(err) {
			return nil, false, err
		}
	}
	return nil, false, err
}

// evictGuarded evicts a running pod within the budget that covers it.
func (r *evictionREST) evictGuarded(ctx context.Context, pod *corev1.Pod, options *metav1.DeleteOptions) (runtime.Object, error) {
	pdbs, err := r.podBudgets(ctx, pod)
	if err != nil {
		return nil, err
	}
	if len(pdbs) > 1 {
		return &metav1.Status{
			Status:  metav1.StatusFailure,
			Message: "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
			Code:    500,
		}, nil
	}
	unhealthyAllowed := false
	pdbName := ""
	if len(pdbs) == 1 {
		pdb := &pdbs[0]
		pdbName = pdb.Name
		unhealthyAllowed = unhealthyEvictionAllowed(pod, pdb)
		if !unhealthyAllowed {
			if err := r.decrementBudget(ctx, pod.Name, pdb, isDryRun(options.DryRun)); err != nil {
				return nil, err
			}
		}
	}
	opts := options
	if unhealthyAllowed {
		// The pod must not have turned ready since the budget was read.
		opts = withResourceVersion(options, pod.ResourceVersion)
	}
	if err := r.addConditionAndDelete(ctx, pod.Name, opts); err != nil {
		if apierrors.IsConflict(err) && unhealthyAllowed && resourceVersionUnset(options) {
			// Tell the client to try again, as upstream does.
			return nil, stillProcessing(pdbName)
		}
		return nil, err
	}
	return &metav1.Status{Status: metav1.StatusSuccess}, nil
}

// unhealthyEvictionAllowed reports whether an unready pod may go without
// spending the budget: always under the AlwaysAllow policy, and under
// IfHealthyBudget (the default) while the budget has its healthy pods.
func unhealthyEvictionAllowed(pod *corev1.Pod, pdb *policyv1.PodDisruptionBudget) bool {
	if podReady(pod) {
		return false
	}
	if p := pdb.Spec.UnhealthyPodEvictionPolicy; p != nil && *p == policyv1.AlwaysAllow {
		return true
	}
	return pdb.Status.CurrentHealthy >= pdb.Status.DesiredHealthy && pdb.Status.DesiredHealthy > 0
}

// addConditionAndDelete marks the pod with the DisruptionTarget condition
// and deletes it with the eviction's options (upstream's
// addConditionAndDeletePod). A dry run does neither write.
func (r *evictionREST) addConditionAndDelete(ctx context.Context, name string, options *metav1.DeleteOptions) error {
	if !isDryRun(options.DryRun) {
		updated, _, err := r.podStatus.Update(ctx, name, rest.DefaultUpdatedObjectInfo(nil,
			latestPod(options), r.appendDisruptionTarget), rest.ValidateAllObjectFunc, rest.ValidateAllObjectUpdateFunc, false, &metav1.UpdateOptions{})
		if err != nil {
			return err
		}
		if !resourceVersionUnset(options) {
			// Our own update moved the resourceVersion on.
			rv, err := apimeta.NewAccessor().ResourceVersion(updated)
			if err != nil {
				return err
			}
			options = withResourceVersion(options, rv)
		}
	}
	_, _, err := r.pods.Delete(ctx, name, rest.ValidateAllObjectFunc, options)
	return err
}

// latestPod starts the condition update from the stored pod, checking the
// eviction's preconditions against it.
func latestPod(options *metav1.DeleteOptions) rest.TransformFunc {
	return func(_ context.Context, _, old runtime.Object) (runtime.Object, error) {
		pod := old.(*corev1.Pod).DeepCopy()
		if p := options.Preconditions; p != nil {
			if p.UID != nil && *p.UID != "" && *p.UID != pod.UID {
				return nil, apierrors.NewConflict(corev1.Resource("pods"), pod.Name,
					fmt.Errorf("the UID in the precondition (%s) does not match the UID in record (%s). The object might have been deleted and then recreated", *p.UID, pod.UID))
			}
			if p.ResourceVersion != nil && *p.ResourceVersion != "" && *p.ResourceVersion != pod.ResourceVersion {
				return nil, apierrors.NewConflict(corev1.Resource("pods"), pod.Name,
					fmt.Errorf("the ResourceVersion in the precondition (%s) does not match the ResourceVersion in record (%s). The object might have been modified", *p.ResourceVersion, pod.ResourceVersion))
			}
		}
		return pod, nil
	}
}

func (r *evictionREST) appendDisruptionTarget(_ context.Context, obj, _ runtime.Object) (runtime.Object, error) {
	pod := obj.(*corev1.Pod)
	setPodCondition(&pod.Status, corev1.PodCondition{
		Type:    corev1.DisruptionTarget,
		Status:  corev1.ConditionTrue,
		Reason:  "EvictionByEvictionAPI",
		Message: "Eviction API: evicting",
	}, r.clock)
	return pod, nil
}

// canIgnorePDB: evicting a pod that has finished, has not started or is
// already going disrupts nothing more.
func canIgnorePDB(pod *corev1.Pod) bool {
	switch pod.Status.Phase {
	case corev1.PodSucceeded, corev1.PodFailed, corev1.PodPending:
		return true
	}
	return pod.DeletionTimestamp != nil
}

// shouldEnforceResourceVersion: a terminal or terminating pod cannot
// become ready, any other one might.
func shouldEnforceResourceVersion(pod *corev1.Pod) bool {
	if pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
		return false
	}
	return pod.DeletionTimestamp == nil
}

// propagateDryRun carries the request's dryRun into the eviction's delete
// options, refusing a contradiction between the two.
func propagateDryRun(eviction *policyv1.Eviction, options *metav1.CreateOptions) (*metav1.DeleteOptions, error) {
	if eviction.DeleteOptions == nil {
		return &metav1.DeleteOptions{DryRun: options.DryRun}, nil
	}
	if len(eviction.DeleteOptions.DryRun) == 0 {
		eviction.DeleteOptions.DryRun = options.DryRun
		return eviction.DeleteOptions, nil
	}
	if len(options.DryRun) == 0 {
		return eviction.DeleteOptions, nil
	}
	if !reflect.DeepEqual(options.DryRun, eviction.DeleteOptions.DryRun) {
		return nil, fmt.Errorf("Non-matching dry-run options in request and content: %v and %v", options.DryRun, eviction.DeleteOptions.DryRun)
	}
	return eviction.DeleteOptions, nil
}

func resourceVersionUnset(o *metav1.DeleteOptions) bool {
	return o.Preconditions == nil || o.Preconditions.ResourceVersion == nil
}

func withResourceVersion(o *metav1.DeleteOptions, rv string) *metav1.DeleteOptions {
	o = o.DeepCopy()
	if o.Preconditions == nil {
		o.Preconditions = &metav1.Preconditions{}
	}
	o.Preconditions.ResourceVersion = &rv
	return o
}

func isDryRun(dryRun []string) bool { return len(dryRun) > 0 }

func podReady(pod *corev1.Pod) bool {
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// addEviction adds pods/eviction, which reads and writes the budgets of
// poddisruptionbudgets through their stores.
func (r *Registry) addEviction(c Config, pods *Entry) error {
	pdbs, ok := r.Lookup(policyv1.SchemeGroupVersion.WithResource("poddisruptionbudgets"))
	if !ok {
		return fmt.Errorf("registry: no poddisruptionbudgets resource")
	}
	podStatus, ok1 := pods.Subresources["status"].(*statusREST)
	pdbStatus, ok2 := pdbs.Subresources["status"].(*statusREST)
	if !ok1 || !ok2 {
		return fmt.Errorf("registry: pods/eviction needs pods/status and poddisruptionbudgets/status")
	}
	pods.Subresources["eviction"] = &evictionREST{
		pods:      pods.Main.(*genericregistry.Store),
		podStatus: podStatus.store,
		pdbs:      pdbs.Main.(*genericregistry.Store),
		pdbStatus: pdbStatus.store,
		clock:     c.Clock,
	}
	return nil
}
