package persistentvolume

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"

	"github.com/kubesim/kubesim/events"
	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/store"
)

// expander is the "persistentvolume-expander" controller
// (pkg/controller/volume/expand) together with the external-resizer of
// the simulated driver. A bound claim that asks for more storage than it
// has is handed to its volume's resizer (the storage-resizer annotation
// and an ExternalExpanding event, as upstream does for CSI volumes); for
// volumes Provisioner made, the resizer then grows the volume and, since
// the simulated driver needs no node-side file system expansion (like a
// CSI driver without NodeExpansionRequired), finishes at once: the claim's
// status.capacity and status.allocatedResources become the new size and
// there is no FileSystemResizePending condition to wait on.
type expander struct {
	store        *store.Store
	client       kubernetes.Interface
	recorder     *events.Recorder
	resizeEvents *events.Recorder
	queue        *controller.Queue
}

// AddExpander registers the expander with a manager.
func AddExpander(m *controller.Manager) {
	e := &expander{store: m.Store, client: m.Client, recorder: m.NewRecorder("volume_expand"),
		resizeEvents: m.NewRecorder("external-resizer " + Provisioner), queue: m.NewQueue()}
	m.Feed.Handle(claimsResource, func(ev store.Event) {
		if pvc, ok := ev.Object.(*corev1.PersistentVolumeClaim); ok && ev.Type != watch.Deleted && needsResize(pvc) {
			e.queue.Add(controller.Request{Namespace: pvc.Namespace, Name: pvc.Name})
		}
	})
	m.Add(&controller.Controller{Name: ExpanderName, Queue: e.queue,
		Reconciler: controller.ReconcilerFunc(e.sync), Workers: workers})
}

// needsResize: a bound claim asks for more than its status says it has.
func needsResize(pvc *corev1.PersistentVolumeClaim) bool {
	if pvc.Status.Phase != corev1.ClaimBound || pvc.Spec.VolumeName == "" {
		return false
	}
	want, have := pvc.Spec.Resources.Requests[corev1.ResourceStorage], pvc.Status.Capacity[corev1.ResourceStorage]
	return want.Cmp(have) > 0
}

func (e *expander) sync(ctx context.Context, req controller.Request) (controller.Result, error) {
	view := e.store.View()
	pvc, _ := view.Get(claimsResource, req.Namespace, req.Name).(*corev1.PersistentVolumeClaim)
	if pvc == nil || !needsResize(pvc) {
		return controller.Result{}, nil
	}
	pv, _ := view.Get(volumesResource, "", pvc.Spec.VolumeName).(*corev1.PersistentVolume)
	class := getClass(view, ClaimClass(pvc))
	if pv == nil || class == nil || class.AllowVolumeExpansion == nil || !*class.AllowVolumeExpansion {
		return controller.Result{}, nil
	}
	resizer := pv.Annotations[AnnDynamicallyProvisioned]
	if resizer == "" {
		resizer = class.Provisioner
	}
	if pvc.Annotations[AnnStorageResizer] != resizer {
		clone := pvc.DeepCopy()
		metav1.SetMetaDataAnnotation(&clone.ObjectMeta, AnnStorageResizer, resizer)
		out, err := e.client.CoreV1().PersistentVolumeClaims(pvc.Namespace).Update(ctx, clone, metav1.UpdateOptions{})
		if err != nil {
			return controller.Result{}, fmt.Errorf("hand claim %s to resizer %s: %w", req, resizer, err)
		}
		e.recorder.Event(out, corev1.EventTypeNormal, reasonExternalExpanding, "waiting for an external controller to expand this PVC")
		pvc = out
	}
	if resizer != Provisioner {
		return controller.Result{}, nil
	}
	return controller.Result{}, e.resize(ctx, pvc, pv)
}

// resize is the simulated external-resizer: the volume grows, then the
// claim's status says so.
func (e *expander) resize(ctx context.Context, pvc *corev1.PersistentVolumeClaim, pv *corev1.PersistentVolume) error {
	want := pvc.Spec.Resources.Requests[corev1.ResourceStorage]
	e.resizeEvents.Event(pvc, corev1.EventTypeNormal, reasonResizing, "External resizer is resizing volume "+pv.Name)
	if have := pv.Spec.Capacity[corev1.ResourceStorage]; have.Cmp(want) < 0 {
		clone := pv.DeepCopy()
		clone.Spec.Capacity[corev1.ResourceStorage] = want.DeepCopy()
		if _, err := e.client.CoreV1().PersistentVolumes().Update(ctx, clone, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("resize volume %q: %w", pv.Name, err)
		}
	}
	clone := pvc.DeepCopy()
	clone.Status.Capacity = corev1.ResourceList{corev1.ResourceStorage: want.DeepCopy()}
	clone.Status.AllocatedResources = corev1.ResourceList{corev1.ResourceStorage: want.DeepCopy()}
	delete(clone.Status.AllocatedResourceStatuses, corev1.ResourceStorage)
	if len(clone.Status.AllocatedResourceStatuses) == 0 {
		clone.Status.AllocatedResourceStatuses = nil
	}
	clone.Status.Conditions = withoutResizeConditions(clone.Status.Conditions)
	if _, err := e.client.CoreV1().PersistentVolumeClaims(pvc.Namespace).UpdateStatus(ctx, clone, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("record the new size of claim %s/%s: %w", pvc.Namespace, pvc.Name, err)
	}
	e.resizeEvents.Event(pvc, corev1.EventTypeNormal, reasonResizeSuccess, "Resize volume succeeded")
	return nil
}

func withoutResizeConditions(conds []corev1.PersistentVolumeClaimCondition) []corev1.PersistentVolumeClaimCondition {
	var out []corev1.PersistentVolumeClaimCondition
	for _, c := range conds {
		if c.Type != corev1.PersistentVolumeClaimResizing && c.Type != corev1.PersistentVolumeClaimFileSystemResizePending {
			out = append(out, c)
		}
	}
	return out
}
