package history

import (
	"bytes"
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/client-go/kubernetes"

	"github.com/kubesim/kubesim/kube/controller/replicaset"
	"github.com/kubesim/kubesim/store"
)

// Resource is the store's name for ControllerRevisions.
const Resource = "controllerrevisions.apps"

// updateAttempts bounds the retries of an update that meets a conflict
// (upstream retries with client-go's DefaultBackoff: 4 steps).
const updateAttempts = 4

// History reads the ControllerRevisions of parents from the store and
// writes them through the API server (upstream's realHistory). Reads are
// fresh, so a revision created by the previous sync is always seen.
type History struct {
	store  *store.Store
	client kubernetes.Interface
}

// New returns a History reading st and writing through client.
func New(st *store.Store, client kubernetes.Interface) *History {
	return &History{store: st, client: client}
}

// ListControllerRevisions lists the revisions in parent's namespace that
// selector matches and that parent controls or nobody does. The objects
// are the stored ones: never modify them.
func (h *History) ListControllerRevisions(parent metav1.Object, selector labels.Selector) []*appsv1.ControllerRevision {
	var owned []*appsv1.ControllerRevision
	h.store.View().List(Resource, parent.GetNamespace(), func(obj runtime.Object) bool {
		cr := obj.(*appsv1.ControllerRevision)
		if !selector.Matches(labels.Set(cr.Labels)) {
			return true
		}
		if ref := metav1.GetControllerOfNoCopy(cr); ref == nil || ref.UID == parent.GetUID() {
			owned = append(owned, cr)
		}
		return true
	})
	return owned
}

// CreateControllerRevision creates revision for parent. When the name is
// taken by a revision with other data, it bumps *collisionCount and tries
// the name that gives; when it is taken by the same data, it returns the
// existing revision.
func (h *History) CreateControllerRevision(ctx context.Context, parent metav1.Object, revision *appsv1.ControllerRevision,
	collisionCount *int32) (*appsv1.ControllerRevision, error) {
	if collisionCount == nil {
		return nil, fmt.Errorf("collisionCount should not be nil")
	}
	clone := revision.DeepCopy()
	ns := parent.GetNamespace()
	for {
		clone.Name = ControllerRevisionName(parent.GetName(), HashControllerRevision(revision, collisionCount))
		created, err := h.client.AppsV1().ControllerRevisions(ns).Create(ctx, clone, metav1.CreateOptions{})
		if !apierrors.IsAlreadyExists(err) {
			if err != nil {
				return nil, fmt.Errorf("create ControllerRevision %s/%s: %w", ns, clone.Name, err)
			}
			return created, nil
		}
		exists, err := h.client.AppsV1().ControllerRevisions(ns).Get(ctx, clone.Name, metav1.GetOptions{})
		if err != nil {
			return nil, fmt.Errorf("read ControllerRevision %s/%s after a name collision: %w", ns, clone.Name, err)
		}
		if bytes.Equal(exists.Data.Raw, clone.Data.Raw) {
			return exists, nil
		}
		*collisionCount++
	}
}

// UpdateControllerRevision sets the revision number of revision, reading
// it again after a conflict.
func (h *History) UpdateControllerRevision(ctx context.Context, revision *appsv1.ControllerRevision, newRevision int64) (*appsv1.ControllerRevision, error) {
	clone := revision.DeepCopy()
	var err error
	for attempt := 0; attempt < updateAttempts; attempt++ {
		if clone.Revision == newRevision {
			return clone, nil
		}
		clone.Revision = newRevision
		var updated *appsv1.ControllerRevision
		updated, err = h.client.AppsV1().ControllerRevisions(clone.Namespace).Update(ctx, clone, metav1.UpdateOptions{})
		if err == nil {
			return updated, nil
		}
		if !apierrors.IsConflict(err) {
			break
		}
		fresh, ok := h.store.View().Get(Resource, clone.Namespace, clone.Name).(*appsv1.ControllerRevision)
		if !ok {
			break
		}
		clone = fresh.DeepCopy()
	}
	return nil, fmt.Errorf("update ControllerRevision %s/%s to revision %d: %w", clone.Namespace, clone.Name, newRevision, err)
}

// DeleteControllerRevision deletes revision.
func (h *History) DeleteControllerRevision(ctx context.Context, revision *appsv1.ControllerRevision) error {
	err := h.client.AppsV1().ControllerRevisions(revision.Namespace).Delete(ctx, revision.Name, metav1.DeleteOptions{})
	if err != nil {
		return fmt.Errorf("delete ControllerRevision %s/%s: %w", revision.Namespace, revision.Name, err)
	}
	return nil
}

// AdoptControllerRevision makes parent the controller of an orphaned
// revision.
func (h *History) AdoptControllerRevision(ctx context.Context, parent metav1.Object, parentKind schema.GroupVersionKind,
	revision *appsv1.ControllerRevision) (*appsv1.ControllerRevision, error) {
	if owner := metav1.GetControllerOfNoCopy(revision); owner != nil {
		return nil, fmt.Errorf("attempt to adopt revision owned by %v", owner)
	}
	patch, err := replicaset.AdoptPatch(parent, parentKind, revision.UID)
	if err != nil {
		return nil, err
	}
	return h.client.AppsV1().ControllerRevisions(parent.GetNamespace()).Patch(ctx, revision.Name, types.StrategicMergePatchType, patch, metav1.PatchOptions{})
}

// ReleaseControllerRevision removes parent from the owners of revision. A
// revision that is gone, or no longer owned, is no error (nil, nil).
func (h *History) ReleaseControllerRevision(ctx context.Context, parent metav1.Object, revision *appsv1.ControllerRevision) (*appsv1.ControllerRevision, error) {
	patch, err := replicaset.ReleasePatch(revision.UID, parent.GetUID())
	if err != nil {
		return nil, err
	}
	released, err := h.client.AppsV1().ControllerRevisions(revision.Namespace).Patch(ctx, revision.Name, types.StrategicMergePatchType, patch, metav1.PatchOptions{})
	if apierrors.IsNotFound(err) || apierrors.IsInvalid(err) {
		return nil, nil
	}
	return released, err
}

// ClaimControllerRevisions adopts the orphans among revisions that
// selector matches and releases the ones parent controls that it no
// longer matches; it returns those parent controls afterwards (upstream's
// ControllerRevisionControllerRefManager.ClaimControllerRevisions).
// canAdopt is called before the first adoption (upstream's
// RecheckDeletionTimestamp).
func (h *History) ClaimControllerRevisions(ctx context.Context, parent metav1.Object, parentKind schema.GroupVersionKind, selector labels.Selector,
	revisions []*appsv1.ControllerRevision, canAdopt func() error) ([]*appsv1.ControllerRevision, error) {
	var claimed []*appsv1.ControllerRevision
	var errs []error
	checked, adoptErr := false, error(nil)
	for _, cr := range revisions {
		adopted := cr
		adopt := func() error {
			if !checked {
				checked, adoptErr = true, canAdopt()
			}
			if adoptErr != nil {
				return fmt.Errorf("can't adopt ControllerRevision %v/%v (%v): %w", cr.Namespace, cr.Name, cr.UID, adoptErr)
			}
			out, err := h.AdoptControllerRevision(ctx, parent, parentKind, cr)
			if err == nil {
				adopted = out
			}
			return err
		}
		release := func() error {
			_, err := h.ReleaseControllerRevision(ctx, parent, cr)
			return err
		}
		ok, err := replicaset.ClaimObject(parent, cr, selector.Matches(labels.Set(cr.Labels)), adopt, release)
		switch {
		case err != nil:
			errs = append(errs, err)
		case ok:
			claimed = append(claimed, adopted)
		}
	}
	return claimed, utilerrors.NewAggregate(errs)
}
