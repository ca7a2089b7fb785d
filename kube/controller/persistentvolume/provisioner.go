package persistentvolume

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"

	"github.com/kubesim/kubesim/events"
	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/store"
)

// provisioner plays a CSI driver's external-provisioner for the classes
// whose provisioner is Provisioner, with node-local volumes in the manner
// of rancher's local-path-provisioner: it makes a volume for each claim
// the binder handed to it (once the scheduler picked a node, for
// WaitForFirstConsumer classes) and deletes released volumes it made
// whose reclaim policy is Delete.
type provisioner struct {
	store    *store.Store
	client   kubernetes.Interface
	recorder *events.Recorder
	claims   *controller.Queue
	volumes  *controller.Queue
}

// hostPathRoot is where the simulated volumes live on their node.
const hostPathRoot = "/var/lib/kubesim/storage/"

func addProvisioner(m *controller.Manager) {
	p := &provisioner{store: m.Store, client: m.Client, recorder: m.NewRecorder(Provisioner),
		claims: m.NewQueue(), volumes: m.NewQueue()}
	m.Feed.Handle(claimsResource, p.onClaim)
	m.Feed.Handle(volumesResource, p.onVolume)
	m.Add(&controller.Controller{Name: "kubesim-provisioner/claims", Queue: p.claims,
		Reconciler: controller.ReconcilerFunc(p.syncClaim), Workers: workers})
	m.Add(&controller.Controller{Name: "kubesim-provisioner/volumes", Queue: p.volumes,
		Reconciler: controller.ReconcilerFunc(p.syncVolume), Workers: workers})
}

func (p *provisioner) onClaim(ev store.Event) {
	if pvc, ok := ev.Object.(*corev1.PersistentVolumeClaim); ok && ev.Type != watch.Deleted && wantsProvisioning(pvc) {
		p.claims.Add(controller.Request{Namespace: pvc.Namespace, Name: pvc.Name})
	}
}

func (p *provisioner) onVolume(ev store.Event) {
	if pv, ok := ev.Object.(*corev1.PersistentVolume); ok && ev.Type != watch.Deleted && wantsDeletion(pv) {
		p.volumes.Add(controller.Request{Name: pv.Name})
	}
}

// wantsProvisioning: an unbound claim the binder handed to Provisioner.
func wantsProvisioning(pvc *corev1.PersistentVolumeClaim) bool {
	return pvc.Spec.VolumeName == "" && pvc.DeletionTimestamp == nil &&
		(pvc.Annotations[AnnStorageProvisioner] == Provisioner || pvc.Annotations[AnnBetaStorageProvisioner] == Provisioner)
}

// wantsDeletion: a released volume Provisioner made, to be deleted.
func wantsDeletion(pv *corev1.PersistentVolume) bool {
	return pv.Status.Phase == corev1.VolumeReleased && pv.DeletionTimestamp == nil &&
		pv.Spec.PersistentVolumeReclaimPolicy == corev1.PersistentVolumeReclaimDelete &&
		pv.Annotations[AnnDynamicallyProvisioned] == Provisioner
}

// provisionedName is the external-provisioner's volume name for a claim.
func provisionedName(pvc *corev1.PersistentVolumeClaim) string { return "pvc-" + string(pvc.UID) }

func (p *provisioner) syncClaim(ctx context.Context, req controller.Request) (controller.Result, error) {
	view := p.store.View()
	pvc, _ := view.Get(claimsResource, req.Namespace, req.Name).(*corev1.PersistentVolumeClaim)
	if pvc == nil || !wantsProvisioning(pvc) || view.Get(volumesResource, "", provisionedName(pvc)) != nil {
		return controller.Result{}, nil
	}
	class := getClass(view, ClaimClass(pvc))
	if class == nil || class.Provisioner != Provisioner {
		return controller.Result{}, nil
	}
	var node *corev1.Node
	if class.VolumeBindingMode != nil && *class.VolumeBindingMode == storagev1.VolumeBindingWaitForFirstConsumer {
		name, ok := pvc.Annotations[AnnSelectedNode]
		if !ok {
			return controller.Result{}, nil // the scheduler has not picked a node yet
		}
		if node, _ = view.Get(nodesResource, "", name).(*corev1.Node); node == nil {
			return controller.Result{}, p.reschedule(ctx, pvc, fmt.Errorf("failed to get target node: node %q not found", name))
		}
	}
	pv, err := newVolume(pvc, class, node)
	if err != nil {
		p.recorder.Event(pvc, corev1.EventTypeWarning, reasonProvisioningFailed, fmt.Sprintf("failed to provision volume with StorageClass %q: %v", class.Name, err))
		return controller.Result{}, nil
	}
	p.recorder.Event(pvc, corev1.EventTypeNormal, reasonProvisioning, fmt.Sprintf("External provisioner is provisioning volume for claim %q", pvc.Namespace+"/"+pvc.Name))
	if _, err := p.client.CoreV1().PersistentVolumes().Create(ctx, pv, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		p.recorder.Event(pvc, corev1.EventTypeWarning, reasonProvisioningFailed, fmt.Sprintf("failed to provision volume with StorageClass %q: %v", class.Name, err))
		return controller.Result{}, fmt.Errorf("provision a volume for claim %s: %w", req, err)
	}
	p.recorder.Event(pvc, corev1.EventTypeNormal, reasonProvisioningSucceeded, "Successfully provisioned volume "+pv.Name)
	return controller.Result{}, nil
}

// reschedule gives up on the node the scheduler picked, as the
// external-provisioner does when it cannot provision there: the
// selected-node annotation goes, and the scheduler picks again.
func (p *provisioner) reschedule(ctx context.Context, pvc *corev1.PersistentVolumeClaim, cause error) error {
	p.recorder.Event(pvc, corev1.EventTypeWarning, reasonProvisioningFailed, cause.Error())
	patch := []byte(fmt.Sprintf(`{"metadata":{"annotations":{%q:null}}}`, AnnSelectedNode))
	_, err := p.client.CoreV1().PersistentVolumeClaims(pvc.Namespace).Patch(ctx, pvc.Name, types.MergePatchType, patch, metav1.PatchOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("reschedule claim %s/%s: %w", pvc.Namespace, pvc.Name, err)
	}
	return nil
}

// syncVolume deletes a released volume of Delete policy that Provisioner
// made, once its claim is really gone.
func (p *provisioner) syncVolume(ctx context.Context, req controller.Request) (controller.Result, error) {
	view := p.store.View()
	pv, _ := view.Get(volumesResource, "", req.Name).(*corev1.PersistentVolume)
	if pv == nil || !wantsDeletion(pv) {
		return controller.Result{}, nil
	}
	if ref := pv.Spec.ClaimRef; ref != nil {
		if pvc, _ := view.Get(claimsResource, ref.Namespace, ref.Name).(*corev1.PersistentVolumeClaim); pvc != nil && pvc.UID == ref.UID {
			return controller.Result{}, nil
		}
	}
	uid := pv.UID
	err := p.client.CoreV1().PersistentVolumes().Delete(ctx, pv.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}})
	if err != nil && !apierrors.IsNotFound(err) {
		p.recorder.Event(pv, corev1.EventTypeWarning, reasonFailedDelete, err.Error())
		return controller.Result{}, fmt.Errorf("delete volume %q: %w", pv.Name, err)
	}
	return controller.Result{}, nil
}
