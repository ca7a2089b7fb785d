package job

import (
	"context"
	"fmt"
	"sync"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/store"
)

// orphans remembers, by namespace, the pods without a controller that are
// not being deleted: the candidates a Job may adopt. Upstream lists every
// pod of the namespace on every sync; the feed keeps this set instead.
type orphans struct {
	mu   sync.Mutex
	byNS map[string]map[string]bool
}

func newOrphans() *orphans { return &orphans{byNS: map[string]map[string]bool{}} }

func (o *orphans) observe(ev store.Event) {
	pod, ok := ev.Object.(*corev1.Pod)
	if !ok {
		return
	}
	orphan := ev.Type != watch.Deleted && pod.DeletionTimestamp == nil && metav1.GetControllerOfNoCopy(pod) == nil
	o.mu.Lock()
	defer o.mu.Unlock()
	names := o.byNS[pod.Namespace]
	switch {
	case orphan && names == nil:
		o.byNS[pod.Namespace] = map[string]bool{pod.Name: true}
	case orphan:
		names[pod.Name] = true
	case names != nil:
		delete(names, pod.Name)
		if len(names) == 0 {
			delete(o.byNS, pod.Namespace)
		}
	}
}

// in lists the orphans of a namespace.
func (o *orphans) in(namespace string) []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]string, 0, len(o.byNS[namespace]))
	for name := range o.byNS[namespace] {
		out = append(out, name)
	}
	return out
}

// syncOrphanPod removes the tracking finalizer from a pod whose Job is
// gone, finished or not a batch/v1 Job's at all (upstream's
// syncOrphanPod). A pod adopted meanwhile, or whose Job another
// controller manages, keeps it.
func (c *Controller) syncOrphanPod(ctx context.Context, req controller.Request) (controller.Result, error) {
	obj := c.store.View().Get(podsResource, req.Namespace, req.Name)
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		return controller.Result{}, nil
	}
	if ref := metav1.GetControllerOfNoCopy(pod); ref != nil {
		if ref.Kind != controllerKind.Kind || ref.APIVersion != batchv1.SchemeGroupVersion.String() {
			return controller.Result{}, nil
		}
		if job := c.resolve(pod.Namespace, ref); job != nil && (managedByOther(job) || !isFinished(job)) {
			return controller.Result{}, nil
		}
	}
	if !hasTrackingFinalizer(pod) {
		return controller.Result{}, nil
	}
	if err := c.patchPod(ctx, pod, removeFinalizerPatch()); err != nil && !apierrors.IsNotFound(err) {
		return controller.Result{}, fmt.Errorf("remove the tracking finalizer of pod %s/%s: %w", pod.Namespace, pod.Name, err)
	}
	return controller.Result{}, nil
}

func (c *Controller) patchPod(ctx context.Context, pod *corev1.Pod, patch []byte) error {
	_, err := c.client.CoreV1().Pods(pod.Namespace).Patch(ctx, pod.Name, types.StrategicMergePatchType, patch, metav1.PatchOptions{})
	return err
}
