package apiextensions

import (
	"context"
	"fmt"
	"sync"
	"time"

	apiextensionshelpers "k8s.io/apiextensions-apiserver/pkg/apihelpers"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apiextensions-apiserver/pkg/controller/finalizer"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/apimachinery/pkg/util/sets"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/apiserver/pkg/registry/rest"
	utilclock "k8s.io/utils/clock"

	"github.com/kubesim/kubesim/kube/controller"
)

// collectionDeleterGetter is the part of upstream's CRD handler the
// finalizer uses: the storage of a CRD's custom resources.
type collectionDeleterGetter interface {
	GetCustomResourceListerCollectionDeleter(crd *apiextensionsv1.CustomResourceDefinition) (finalizer.ListerCollectionDeleter, error)
}

// Upstream's finalizer polls for the custom resources to be gone every
// 5 s for up to a minute before it reports that it could not confirm it.
const (
	instancePoll    = 5 * time.Second
	instanceTimeout = time.Minute
)

// cleaner is upstream's CRD finalizer: when a CRD is deleted it deletes
// every custom resource of it, waits for them to be gone, and then
// removes the customresourcecleanup finalizer so that the CRD goes too.
// Where upstream polls inside one sync, it requeues on the virtual clock.
type cleaner struct {
	s     *Server
	clock utilclock.PassiveClock

	mu      sync.Mutex
	waiting map[types.UID]time.Time // when the wait for a CRD's instances began
}

func (c *cleaner) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	cached, err := crdLister{c.s.store}.Get(req.Name)
	if apierrors.IsNotFound(err) {
		return controller.Result{}, nil
	}
	if cached.DeletionTimestamp.IsZero() || !apiextensionshelpers.CRDHasFinalizer(cached, apiextensionsv1.CustomResourceCleanupFinalizer) {
		return controller.Result{}, nil
	}
	crd := cached.DeepCopy()
	now := c.clock.Now()
	setCondition(crd, now, apiextensionsv1.CustomResourceDefinitionCondition{
		Type: apiextensionsv1.Terminating, Status: apiextensionsv1.ConditionTrue,
		Reason: "InstanceDeletionInProgress", Message: "CustomResource deletion is in progress",
	})
	crd, err = c.s.CustomResourceDefinitions().UpdateStatus(ctx, crd, metav1.UpdateOptions{})
	if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
		return controller.Result{}, nil // the change brings us back
	}
	if err != nil {
		return controller.Result{}, err
	}
	switch {
	case finalizer.OverlappingBuiltInResources()[schema.GroupResource{Group: crd.Spec.Group, Resource: crd.Spec.Names.Plural}]:
		setCondition(crd, now, apiextensionsv1.CustomResourceDefinitionCondition{
			Type: apiextensionsv1.Terminating, Status: apiextensionsv1.ConditionFalse,
			Reason: "OverlappingBuiltInResource", Message: "instances overlap with built-in resources in storage",
		})
	case apiextensionshelpers.IsCRDConditionTrue(crd, apiextensionsv1.Established):
		cond, done, deleteErr := c.deleteInstances(ctx, crd)
		setCondition(crd, now, cond)
		if deleteErr != nil {
			_, _ = c.s.CustomResourceDefinitions().UpdateStatus(ctx, crd, metav1.UpdateOptions{})
			return controller.Result{}, deleteErr
		}
		if !done {
			return controller.Result{RequeueAfter: instancePoll}, nil
		}
	default:
		setCondition(crd, now, apiextensionsv1.CustomResourceDefinitionCondition{
			Type: apiextensionsv1.Terminating, Status: apiextensionsv1.ConditionFalse,
			Reason: "NeverEstablished", Message: "resource was never established",
		})
	}
	apiextensionshelpers.CRDRemoveFinalizer(crd, apiextensionsv1.CustomResourceCleanupFinalizer)
	_, err = c.s.CustomResourceDefinitions().UpdateStatus(ctx, crd, metav1.UpdateOptions{})
	if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
		return controller.Result{}, nil
	}
	return controller.Result{}, err
}

// deleteInstances deletes the CRD's custom resources, namespace by
// namespace, through their storage (so that their own finalizers are
// honoured), and reports whether they are all gone.
func (c *cleaner) deleteInstances(ctx context.Context, crd *apiextensionsv1.CustomResourceDefinition) (apiextensionsv1.CustomResourceDefinitionCondition, bool, error) {
	failed := func(msg string, err error) (apiextensionsv1.CustomResourceDefinitionCondition, bool, error) {
		return apiextensionsv1.CustomResourceDefinitionCondition{Type: apiextensionsv1.Terminating, Status: apiextensionsv1.ConditionTrue,
			Reason: "InstanceDeletionFailed", Message: fmt.Sprintf(msg, err)}, false, err
	}
	crs, err := c.s.lister.GetCustomResourceListerCollectionDeleter(crd)
	if err != nil {
		err = fmt.Errorf("unable to find a custom resource client for %s.%s: %v", crd.Status.AcceptedNames.Plural, crd.Spec.Group, err)
		return failed("could not list instances: %v", err)
	}
	items, err := listInstances(ctx, crs)
	if err != nil {
		return failed("could not list instances: %v", err)
	}
	namespaces := sets.New[string]()
	var errs []error
	for _, item := range items {
		m, err := meta.Accessor(item)
		if err != nil || namespaces.Has(m.GetNamespace()) {
			continue
		}
		namespaces.Insert(m.GetNamespace())
		nsCtx := genericapirequest.WithNamespace(ctx, m.GetNamespace())
		if _, err := crs.DeleteCollection(nsCtx, rest.ValidateAllObjectFunc, nil, nil); err != nil {
			errs = append(errs, err)
		}
	}
	if err := utilerrors.NewAggregate(errs); err != nil {
		return failed("could not issue all deletes: %v", err)
	}
	if remaining, err := listInstances(ctx, crs); err != nil || len(remaining) > 0 {
		return c.stillWaiting(crd, err)
	}
	c.mu.Lock()
	delete(c.waiting, crd.UID)
	c.mu.Unlock()
	return apiextensionsv1.CustomResourceDefinitionCondition{Type: apiextensionsv1.Terminating, Status: apiextensionsv1.ConditionFalse,
		Reason: "InstanceDeletionCompleted", Message: "removed all instances"}, true, nil
}

// stillWaiting keeps the CRD terminating while instances remain, until
// the minute upstream gives them is over.
func (c *cleaner) stillWaiting(crd *apiextensionsv1.CustomResourceDefinition, err error) (apiextensionsv1.CustomResourceDefinitionCondition, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.clock.Now()
	began, ok := c.waiting[crd.UID]
	if !ok {
		c.waiting[crd.UID], began = now, now
	}
	if err == nil && now.Sub(began) < instanceTimeout {
		return apiextensionsv1.CustomResourceDefinitionCondition{Type: apiextensionsv1.Terminating, Status: apiextensionsv1.ConditionTrue,
			Reason: "InstanceDeletionInProgress", Message: "CustomResource deletion is in progress"}, false, nil
	}
	delete(c.waiting, crd.UID)
	if err == nil {
		err = context.DeadlineExceeded
	}
	return apiextensionsv1.CustomResourceDefinitionCondition{Type: apiextensionsv1.Terminating, Status: apiextensionsv1.ConditionTrue,
		Reason: "InstanceDeletionCheck", Message: fmt.Sprintf("could not confirm zero CustomResources remaining: %v", err)}, false, err
}

func listInstances(ctx context.Context, crs finalizer.ListerCollectionDeleter) ([]runtime.Object, error) {
	list, err := crs.List(ctx, nil)
	if err != nil {
		return nil, err
	}
	return meta.ExtractList(list)
}
