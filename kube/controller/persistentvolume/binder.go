package persistentvolume

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	utilclock "k8s.io/utils/clock"

	"github.com/kubesim/kubesim/events"
	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/kube/volumeutil"
	"github.com/kubesim/kubesim/store"
)

// workers is kube-controller-manager's one worker per queue for the
// binder.
const workers = 1

// Binder is the "persistentvolume-binder" controller: one queue of
// claims, one of volumes, each synced as upstream's syncClaim and
// syncVolume. Upstream also resyncs everything every 15 seconds; here a
// volume or class that appears or changes queues the pending claims it
// may serve instead, so binding does not wait for a resync.
type Binder struct {
	store    *store.Store
	client   kubernetes.Interface
	clock    utilclock.PassiveClock
	recorder *events.Recorder
	claims   *controller.Queue
	volumes  *controller.Queue
}

// Add registers the binder and kubesim's simulated provisioner with a
// manager.
func Add(m *controller.Manager) *Binder {
	b := &Binder{store: m.Store, client: m.Client, clock: m.Clock, recorder: m.NewRecorder(eventComponent),
		claims: m.NewQueue(), volumes: m.NewQueue()}
	m.Feed.Handle(claimsResource, b.onClaim)
	m.Feed.Handle(volumesResource, b.onVolume)
	m.Feed.Handle(classesResource, b.onClass)
	m.Add(&controller.Controller{Name: Name + "/claims", Queue: b.claims,
		Reconciler: controller.ReconcilerFunc(b.syncClaim), Workers: workers})
	m.Add(&controller.Controller{Name: Name + "/volumes", Queue: b.volumes,
		Reconciler: controller.ReconcilerFunc(b.syncVolume), Workers: workers})
	addProvisioner(m)
	return b
}

// onClaim queues a changed claim; a deleted one queues its volume, to be
// released.
func (b *Binder) onClaim(ev store.Event) {
	pvc, ok := ev.Object.(*corev1.PersistentVolumeClaim)
	if !ok {
		return
	}
	if ev.Type == watch.Deleted {
		if pvc.Spec.VolumeName != "" {
			b.volumes.Add(controller.Request{Name: pvc.Spec.VolumeName})
		}
		return
	}
	b.claims.Add(controller.Request{Namespace: pvc.Namespace, Name: pvc.Name})
}

// onVolume queues the volume and the claims it may concern: the one it
// names, or, when it is free, the pending claims of its class.
func (b *Binder) onVolume(ev store.Event) {
	pv, ok := ev.Object.(*corev1.PersistentVolume)
	if !ok {
		return
	}
	if ev.Type != watch.Deleted {
		b.volumes.Add(controller.Request{Name: pv.Name})
	}
	if ref := pv.Spec.ClaimRef; ref != nil {
		b.claims.Add(controller.Request{Namespace: ref.Namespace, Name: ref.Name})
		return
	}
	if ev.Type != watch.Deleted {
		b.queuePending(volumeClass(pv), pv.Name)
	}
}

// onClass queues the pending claims of a class that appeared or changed.
func (b *Binder) onClass(ev store.Event) {
	if class, ok := ev.Object.(*storagev1.StorageClass); ok && ev.Type != watch.Deleted {
		b.queuePending(class.Name, "")
		if volumeutil.IsDefaultClass(class) {
			b.queuePending("", "") // claims without a class get it
		}
	}
}

// queuePending queues the claims not yet bound that may want a volume:
// those of the class that name no volume, and those that name this one.
func (b *Binder) queuePending(class, volume string) {
	b.store.View().List(claimsResource, "", func(obj runtime.Object) bool {
		pvc := obj.(*corev1.PersistentVolumeClaim)
		if _, bound := pvc.Annotations[AnnBindCompleted]; bound {
			return true
		}
		if pvc.Spec.VolumeName == "" && ClaimClass(pvc) == class || volume != "" && pvc.Spec.VolumeName == volume {
			b.claims.Add(controller.Request{Namespace: pvc.Namespace, Name: pvc.Name})
		}
		return true
	})
}

// syncClaim is upstream's syncClaim: claims not yet bound by the
// controller go one way, bound ones the other.
func (b *Binder) syncClaim(ctx context.Context, req controller.Request) (controller.Result, error) {
	pvc, ok := b.store.View().Get(claimsResource, req.Namespace, req.Name).(*corev1.PersistentVolumeClaim)
	if !ok {
		return controller.Result{}, nil
	}
	if _, done := pvc.Annotations[AnnBindCompleted]; !done {
		return controller.Result{}, b.syncUnboundClaim(ctx, pvc)
	}
	return controller.Result{}, b.syncBoundClaim(ctx, pvc)
}

// syncVolume is upstream's syncVolume.
func (b *Binder) syncVolume(ctx context.Context, req controller.Request) (controller.Result, error) {
	pv, ok := b.store.View().Get(volumesResource, "", req.Name).(*corev1.PersistentVolume)
	if !ok {
		return controller.Result{}, nil
	}
	return controller.Result{}, b.syncVolumeObject(ctx, pv)
}
