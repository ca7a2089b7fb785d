package persistentvolume

import (
	"context"
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/klog/v2"

	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/store"
)

// protectionWorkers is kube-controller-manager's worker count for both
// protection controllers.
const protectionWorkers = 1

// protection holds what both protection controllers share.
type protection struct {
	store  *store.Store
	client kubernetes.Interface
	queue  *controller.Queue
}

// AddPVCProtection registers the "pvc-protection" controller
// (pkg/controller/volume/pvcprotection): claims get the
// kubernetes.io/pvc-protection finalizer, and a deleted claim keeps it
// until no scheduled pod uses the claim, so that data in use is not
// removed under a running pod.
func AddPVCProtection(m *controller.Manager) {
	p := &protection{store: m.Store, client: m.Client, queue: m.NewQueue()}
	m.Feed.Handle(claimsResource, func(ev store.Event) {
		pvc, ok := ev.Object.(*corev1.PersistentVolumeClaim)
		if ok && ev.Type != watch.Deleted && (needsFinalizer(pvc, PVCProtectionFinalizer) || deletionCandidate(pvc, PVCProtectionFinalizer)) {
			p.queue.Add(controller.Request{Namespace: pvc.Namespace, Name: pvc.Name})
		}
	})
	m.Feed.Handle(podsResource, p.onPod)
	m.Add(&controller.Controller{Name: PVCProtectionName, Queue: p.queue,
		Reconciler: controller.ReconcilerFunc(p.syncClaim), Workers: protectionWorkers})
}

// onPod queues the claims of a pod that no longer holds them: deleted,
// finished, or never scheduled.
func (p *protection) onPod(ev store.Event) {
	pods := []runtime.Object{ev.Object}
	if old, ok := ev.Prev.(*corev1.Pod); ok && old.UID != ev.Object.(*corev1.Pod).UID {
		pods = append(pods, old)
	}
	for _, obj := range pods {
		pod, ok := obj.(*corev1.Pod)
		if !ok {
			continue
		}
		terminated := pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed
		if ev.Type != watch.Deleted && obj == ev.Object && !terminated && pod.Spec.NodeName != "" {
			continue
		}
		for _, v := range pod.Spec.Volumes {
			switch {
			case v.PersistentVolumeClaim != nil:
				p.queue.Add(controller.Request{Namespace: pod.Namespace, Name: v.PersistentVolumeClaim.ClaimName})
			case v.Ephemeral != nil:
				p.queue.Add(controller.Request{Namespace: pod.Namespace, Name: pod.Name + "-" + v.Name})
			}
		}
	}
}

func (p *protection) syncClaim(ctx context.Context, req controller.Request) (controller.Result, error) {
	view := p.store.View()
	pvc, _ := view.Get(claimsResource, req.Namespace, req.Name).(*corev1.PersistentVolumeClaim)
	switch {
	case pvc == nil:
	case needsFinalizer(pvc, PVCProtectionFinalizer):
		return controller.Result{}, p.setFinalizers(ctx, pvc, append(slices.Clone(pvc.Finalizers), PVCProtectionFinalizer))
	case deletionCandidate(pvc, PVCProtectionFinalizer) && !claimInUse(view, pvc):
		klog.V(3).InfoS("Removing protection finalizer from PVC", "PVC", klog.KObj(pvc))
		return controller.Result{}, p.setFinalizers(ctx, pvc, without(pvc.Finalizers, PVCProtectionFinalizer))
	}
	return controller.Result{}, nil
}

// claimInUse is upstream's podUsesPVC over the namespace's pods: only a
// scheduled pod counts (the kubelet will not start a pod whose claim is
// being deleted); a pod's own ephemeral claim stops counting once the pod
// is shut down (deleted with grace period 0), which breaks the cycle of a
// pod finalizer waiting for the claim.
func claimInUse(view *store.View, pvc *corev1.PersistentVolumeClaim) bool {
	used := false
	view.List(podsResource, pvc.Namespace, func(obj runtime.Object) bool {
		pod := obj.(*corev1.Pod)
		if pod.Spec.NodeName == "" {
			return true
		}
		shutDown := pod.DeletionTimestamp != nil && pod.DeletionGracePeriodSeconds != nil && *pod.DeletionGracePeriodSeconds == 0
		for _, v := range pod.Spec.Volumes {
			if v.PersistentVolumeClaim != nil && v.PersistentVolumeClaim.ClaimName == pvc.Name ||
				!shutDown && v.Ephemeral != nil && pod.Name+"-"+v.Name == pvc.Name && metav1.IsControlledBy(pvc, pod) {
				used = true
				return false
			}
		}
		return true
	})
	return used
}

// AddPVProtection registers the "pv-protection" controller
// (pkg/controller/volume/pvprotection): volumes get the
// kubernetes.io/pv-protection finalizer, and a deleted volume keeps it
// while it is Bound to a claim.
func AddPVProtection(m *controller.Manager) {
	p := &protection{store: m.Store, client: m.Client, queue: m.NewQueue()}
	m.Feed.Handle(volumesResource, func(ev store.Event) {
		pv, ok := ev.Object.(*corev1.PersistentVolume)
		if ok && ev.Type != watch.Deleted && (needsFinalizer(pv, PVProtectionFinalizer) || deletionCandidate(pv, PVProtectionFinalizer)) {
			p.queue.Add(controller.Request{Name: pv.Name})
		}
	})
	m.Add(&controller.Controller{Name: PVProtectionName, Queue: p.queue,
		Reconciler: controller.ReconcilerFunc(p.syncVolume), Workers: protectionWorkers})
}

func (p *protection) syncVolume(ctx context.Context, req controller.Request) (controller.Result, error) {
	pv, _ := p.store.View().Get(volumesResource, "", req.Name).(*corev1.PersistentVolume)
	switch {
	case pv == nil:
	case needsFinalizer(pv, PVProtectionFinalizer):
		return controller.Result{}, p.setFinalizers(ctx, pv, append(slices.Clone(pv.Finalizers), PVProtectionFinalizer))
	case deletionCandidate(pv, PVProtectionFinalizer) && pv.Status.Phase != corev1.VolumeBound:
		klog.V(3).InfoS("Removing protection finalizer from PV", "PV", pv.Name)
		return controller.Result{}, p.setFinalizers(ctx, pv, without(pv.Finalizers, PVProtectionFinalizer))
	}
	return controller.Result{}, nil
}

// needsFinalizer is protectionutil.NeedToAddFinalizer.
func needsFinalizer(obj metav1.Object, finalizer string) bool {
	return obj.GetDeletionTimestamp() == nil && !slices.Contains(obj.GetFinalizers(), finalizer)
}

// deletionCandidate is protectionutil.IsDeletionCandidate.
func deletionCandidate(obj metav1.Object, finalizer string) bool {
	return obj.GetDeletionTimestamp() != nil && slices.Contains(obj.GetFinalizers(), finalizer)
}

func without(list []string, s string) []string {
	return slices.DeleteFunc(slices.Clone(list), func(x string) bool { return x == s })
}

// setFinalizers writes an object's finalizers with an update, so that a
// change made meanwhile is a conflict, retried.
func (p *protection) setFinalizers(ctx context.Context, obj runtime.Object, finalizers []string) error {
	var err error
	switch o := obj.(type) {
	case *corev1.PersistentVolumeClaim:
		clone := o.DeepCopy()
		clone.Finalizers = finalizers
		_, err = p.client.CoreV1().PersistentVolumeClaims(o.Namespace).Update(ctx, clone, metav1.UpdateOptions{})
	case *corev1.PersistentVolume:
		clone := o.DeepCopy()
		clone.Finalizers = finalizers
		_, err = p.client.CoreV1().PersistentVolumes().Update(ctx, clone, metav1.UpdateOptions{})
	}
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("set finalizers: %w", err)
	}
	return nil
}
