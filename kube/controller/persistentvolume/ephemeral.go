package persistentvolume

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/store"
)

// EphemeralName is the ephemeral volume controller's name.
const EphemeralName = "ephemeral-volume"

// ephemeral is the "ephemeral-volume" controller
// (pkg/controller/volume/ephemeral): each generic ephemeral volume of a
// pod gets its claim, named <pod>-<volume>, made from the volume's
// template and owned by the pod, so that the garbage collector deletes it
// with the pod. Pod specs are immutable, so only new pods, and pods whose
// claim was deleted, need a look.
type ephemeral struct {
	store  *store.Store
	client kubernetes.Interface
	queue  *controller.Queue
}

// AddEphemeral registers the controller with a manager.
func AddEphemeral(m *controller.Manager) {
	e := &ephemeral{store: m.Store, client: m.Client, queue: m.NewQueue()}
	m.Feed.Handle(podsResource, func(ev store.Event) {
		if pod, ok := ev.Object.(*corev1.Pod); ok && ev.Type == watch.Added && pod.DeletionTimestamp == nil && hasEphemeral(pod) {
			e.queue.Add(controller.Request{Namespace: pod.Namespace, Name: pod.Name})
		}
	})
	m.Feed.Handle(claimsResource, func(ev store.Event) {
		pvc, ok := ev.Object.(*corev1.PersistentVolumeClaim)
		if !ok || ev.Type != watch.Deleted {
			return
		}
		if owner := metav1.GetControllerOf(pvc); owner != nil && owner.Kind == "Pod" && owner.APIVersion == "v1" {
			e.queue.Add(controller.Request{Namespace: pvc.Namespace, Name: owner.Name})
		}
	})
	m.Add(&controller.Controller{Name: EphemeralName, Queue: e.queue,
		Reconciler: controller.ReconcilerFunc(e.sync), Workers: workers})
}

func hasEphemeral(pod *corev1.Pod) bool {
	for _, v := range pod.Spec.Volumes {
		if v.Ephemeral != nil {
			return true
		}
	}
	return false
}

func (e *ephemeral) sync(ctx context.Context, req controller.Request) (controller.Result, error) {
	pod, _ := e.store.View().Get(podsResource, req.Namespace, req.Name).(*corev1.Pod)
	if pod == nil || pod.DeletionTimestamp != nil {
		return controller.Result{}, nil
	}
	for _, v := range pod.Spec.Volumes {
		if v.Ephemeral == nil {
			continue
		}
		if err := e.ensureClaim(ctx, pod, v); err != nil {
			return controller.Result{}, err
		}
	}
	return controller.Result{}, nil
}

// ensureClaim creates the volume's claim unless it exists; one that exists
// but was not made for this pod is an error (the pod cannot start).
func (e *ephemeral) ensureClaim(ctx context.Context, pod *corev1.Pod, v corev1.Volume) error {
	name := pod.Name + "-" + v.Name
	if pvc, _ := e.store.View().Get(claimsResource, pod.Namespace, name).(*corev1.PersistentVolumeClaim); pvc != nil {
		if !metav1.IsControlledBy(pvc, pod) {
			return fmt.Errorf("PVC %s/%s was not created for pod %s/%s (pod is not owner)", pvc.Namespace, pvc.Name, pod.Namespace, pod.Name)
		}
		return nil
	}
	tmpl := v.Ephemeral.VolumeClaimTemplate
	if tmpl == nil {
		return nil
	}
	pvc := &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{
			Name: name, Labels: tmpl.Labels, Annotations: tmpl.Annotations,
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "v1", Kind: "Pod", Name: pod.Name, UID: pod.UID,
				Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true)}},
		},
		Spec: tmpl.Spec,
	}
	_, err := e.client.CoreV1().PersistentVolumeClaims(pod.Namespace).Create(ctx, pvc, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create PVC %s: %w", name, err)
	}
	return nil
}
