// Package garbagecollector deletes objects whose owners are gone, as
// kube-controller-manager's garbage collector does: background deletion
// removes dependents after their owner, foreground deletion (the
// foregroundDeletion finalizer) removes an owner only after the dependents
// that block it, and orphaning (the orphan finalizer) strips the owner
// references instead.
//
// Objects are tracked by UID across every resource, using the store's
// owner and UID indexes instead of upstream's in-memory graph; writes go
// through the API server.
package garbagecollector

import (
	"context"
	"encoding/json"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/dynamic"

	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/store"
)

// Name is the controller's name, as kube-controller-manager's --controllers flag has it.
const Name = "garbagecollector"

// GC is the garbage collector. Requests name an object by UID.
type GC struct {
	store  *store.Store
	client dynamic.Interface
	// resources maps the store's resource names to their REST resources.
	resources func(storeKey string) (schema.GroupVersionResource, bool)
}

// Add registers the garbage collector with a manager. resources maps a
// store resource name ("deployments.apps") to the resource to call.
func Add(m *controller.Manager, client dynamic.Interface, resources func(string) (schema.GroupVersionResource, bool)) {
	gc := &GC{store: m.Store, client: client, resources: resources}
	q := m.NewQueue()
	m.Feed.Handle("", func(ev store.Event) { gc.enqueue(q, ev) })
	m.Add(&controller.Controller{Name: Name, Queue: q, Reconciler: gc, Workers: 2})
}

// enqueue decides which objects an event concerns: an object with owners
// (are they still there?), the dependents of a deleted object, and an
// object being deleted with the orphan or foreground finalizer.
func (gc *GC) enqueue(q *controller.Queue, ev store.Event) {
	m, err := meta.Accessor(ev.Object)
	if err != nil {
		return
	}
	uid := string(m.GetUID())
	if ev.Type == watch.Deleted {
		for _, dep := range gc.store.View().ByOwner(uid, "") {
			if dm, err := meta.Accessor(dep); err == nil {
				q.Add(controller.Request{Name: string(dm.GetUID())})
			}
		}
		// Owners waiting for this dependent to go (foreground deletion).
		for _, ref := range m.GetOwnerReferences() {
			q.Add(controller.Request{Name: string(ref.UID)})
		}
		return
	}
	if len(m.GetOwnerReferences()) > 0 || (m.GetDeletionTimestamp() != nil && hasGCFinalizer(m)) {
		q.Add(controller.Request{Name: uid})
	}
}

func hasGCFinalizer(m metav1.Object) bool {
	for _, f := range m.GetFinalizers() {
		if f == metav1.FinalizerOrphanDependents || f == metav1.FinalizerDeleteDependents {
			return true
		}
	}
	return false
}

// Reconcile handles one object.
func (gc *GC) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	view := gc.store.View()
	obj, resource := view.ByUID(req.Name)
	if obj == nil {
		return controller.Result{}, nil
	}
	m, err := meta.Accessor(obj)
	if err != nil {
		return controller.Result{}, nil
	}
	if m.GetDeletionTimestamp() != nil {
		if has(m.GetFinalizers(), metav1.FinalizerOrphanDependents) {
			return controller.Result{}, gc.orphanDependents(ctx, view, resource, m)
		}
		if has(m.GetFinalizers(), metav1.FinalizerDeleteDependents) {
			return controller.Result{}, gc.deleteDependentsFirst(ctx, view, resource, m)
		}
		return controller.Result{}, nil
	}
	return controller.Result{}, gc.checkOwners(ctx, view, resource, m)
}

// ownerState classifies an owner reference.
type ownerState int

const (
	ownerGone ownerState = iota
	ownerAlive
	ownerWaiting // being deleted in the foreground
)

func (gc *GC) owner(view *store.View, dep metav1.Object, ref metav1.OwnerReference) ownerState {
	obj, _ := view.ByUID(string(ref.UID))
	if obj == nil {
		return ownerGone
	}
	om, err := meta.Accessor(obj)
	if err != nil {
		return ownerGone
	}
	// A namespaced owner must be in the dependent's namespace; a reference
	// across namespaces points at nothing.
	if om.GetNamespace() != "" && om.GetNamespace() != dep.GetNamespace() {
		return ownerGone
	}
	if om.GetDeletionTimestamp() != nil && has(om.GetFinalizers(), metav1.FinalizerDeleteDependents) {
		return ownerWaiting
	}
	return ownerAlive
}

// checkOwners deletes an object all of whose owners are gone, and removes
// the references to gone owners from one that still has a live owner
// (upstream's attemptToDeleteItem).
func (gc *GC) checkOwners(ctx context.Context, view *store.View, resource string, m metav1.Object) error {
	var gone []types.UID
	alive, waiting := 0, 0
	blocking := false
	for _, ref := range m.GetOwnerReferences() {
		switch gc.owner(view, m, ref) {
		case ownerGone:
			gone = append(gone, ref.UID)
		case ownerAlive:
			alive++
		case ownerWaiting:
			waiting++
			if ref.BlockOwnerDeletion != nil && *ref.BlockOwnerDeletion {
				blocking = true
			}
		}
	}
	switch {
	case alive > 0:
		if len(gone) > 0 {
			return gc.removeOwnerRefs(ctx, resource, m, gone)
		}
		return nil
	case waiting > 0:
		// The owner waits for this dependent: go in the foreground too if
		// it blocks, so that the owner outlives the whole subtree.
		policy := metav1.DeletePropagationBackground
		if blocking {
			policy = metav1.DeletePropagationForeground
		}
		return gc.delete(ctx, resource, m, policy)
	case len(gone) > 0:
		return gc.delete(ctx, resource, m, metav1.DeletePropagationBackground)
	}
	return nil
}

// orphanDependents strips the owner from its dependents' references, then
// removes the orphan finalizer so that the owner's deletion completes.
func (gc *GC) orphanDependents(ctx context.Context, view *store.View, resource string, m metav1.Object) error {
	for _, dep := range view.ByOwner(string(m.GetUID()), "") {
		dm, err := meta.Accessor(dep)
		if err != nil {
			continue
		}
		_, depResource := view.ByUID(string(dm.GetUID()))
		if err := gc.removeOwnerRefs(ctx, depResource, dm, []types.UID{m.GetUID()}); err != nil {
			return err
		}
	}
	return gc.removeFinalizer(ctx, resource, m, metav1.FinalizerOrphanDependents)
}

// deleteDependentsFirst deletes an owner's dependents and, once none that
// blocks its deletion is left, removes the foregroundDeletion finalizer.
func (gc *GC) deleteDependentsFirst(ctx context.Context, view *store.View, resource string, m metav1.Object) error {
	blocked := false
	for _, dep := range view.ByOwner(string(m.GetUID()), "") {
		dm, err := meta.Accessor(dep)
		if err != nil {
			continue
		}
		for _, ref := range dm.GetOwnerReferences() {
			if ref.UID == m.GetUID() && ref.BlockOwnerDeletion != nil && *ref.BlockOwnerDeletion {
				blocked = true
			}
		}
		if dm.GetDeletionTimestamp() == nil {
			_, depResource := view.ByUID(string(dm.GetUID()))
			if err := gc.checkOwners(ctx, view, depResource, dm); err != nil {
				return err
			}
		}
	}
	if blocked {
		return nil // the dependents' deletion events bring the owner back here
	}
	return gc.removeFinalizer(ctx, resource, m, metav1.FinalizerDeleteDependents)
}

func (gc *GC) delete(ctx context.Context, resource string, m metav1.Object, policy metav1.DeletionPropagation) error {
	ri, err := gc.resourceClient(resource, m.GetNamespace())
	if err != nil {
		return err
	}
	uid := m.GetUID()
	err = ri.Delete(ctx, m.GetName(), metav1.DeleteOptions{
		PropagationPolicy: &policy,
		Preconditions:     &metav1.Preconditions{UID: &uid},
	})
	if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
		return nil // already gone, or replaced by a new object of the same name
	}
	return err
}

// removeOwnerRefs deletes owner references by UID with a strategic merge
// patch, as upstream's GC does.
func (gc *GC) removeOwnerRefs(ctx context.Context, resource string, m metav1.Object, uids []types.UID) error {
	refs := make([]map[string]any, 0, len(uids))
	for _, uid := range uids {
		refs = append(refs, map[string]any{"$patch": "delete", "uid": string(uid)})
	}
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{"ownerReferences": refs, "uid": string(m.GetUID())}})
	if err != nil {
		return err
	}
	return gc.patch(ctx, resource, m, types.StrategicMergePatchType, patch)
}

func (gc *GC) removeFinalizer(ctx context.Context, resource string, m metav1.Object, finalizer string) error {
	var keep []string
	for _, f := range m.GetFinalizers() {
		if f != finalizer {
			keep = append(keep, f)
		}
	}
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{
		"finalizers": keep, "resourceVersion": m.GetResourceVersion(),
	}})
	if err != nil {
		return err
	}
	return gc.patch(ctx, resource, m, types.MergePatchType, patch)
}

// patch sends a patch. Custom resources accept no strategic merge
// patches; for them the owner references are rewritten whole.
func (gc *GC) patch(ctx context.Context, resource string, m metav1.Object, pt types.PatchType, body []byte) error {
	ri, err := gc.resourceClient(resource, m.GetNamespace())
	if err != nil {
		return err
	}
	_, err = ri.Patch(ctx, m.GetName(), pt, body, metav1.PatchOptions{})
	if apierrors.IsUnsupportedMediaType(err) && pt == types.StrategicMergePatchType {
		return gc.rewriteOwnerRefs(ctx, ri, m, body)
	}
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err // a conflict is retried with the object's new version
}

func (gc *GC) rewriteOwnerRefs(ctx context.Context, ri dynamic.ResourceInterface, m metav1.Object, smp []byte) error {
	var p struct {
		Metadata struct {
			OwnerReferences []struct {
				UID types.UID `json:"uid"`
			} `json:"ownerReferences"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(smp, &p); err != nil {
		return err
	}
	drop := map[types.UID]bool{}
	for _, r := range p.Metadata.OwnerReferences {
		drop[r.UID] = true
	}
	var keep []metav1.OwnerReference
	for _, r := range m.GetOwnerReferences() {
		if !drop[r.UID] {
			keep = append(keep, r)
		}
	}
	body, err := json.Marshal(map[string]any{"metadata": map[string]any{
		"ownerReferences": keep, "resourceVersion": m.GetResourceVersion(),
	}})
	if err != nil {
		return err
	}
	_, err = ri.Patch(ctx, m.GetName(), types.MergePatchType, body, metav1.PatchOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

func (gc *GC) resourceClient(resource, namespace string) (dynamic.ResourceInterface, error) {
	gvr, ok := gc.resources(resource)
	if !ok {
		return nil, fmt.Errorf("garbage collector: unknown resource %q", resource)
	}
	nri := gc.client.Resource(gvr)
	if namespace != "" {
		return nri.Namespace(namespace), nil
	}
	return nri, nil
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
