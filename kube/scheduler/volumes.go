package scheduler

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/kube/scheduler/framework"
)

// bindTimeout is VolumeBindingArgs.bindTimeoutSeconds' default: how long
// a pod waits at PreBind for its volumes to be bound.
const bindTimeout = 600 * time.Second

const (
	annSelectedNode      = "volume.kubernetes.io/selected-node"
	annBoundByController = "pv.kubernetes.io/bound-by-controller"
)

// volumeBinder is the PreBind half of the VolumeBinding plugin. For a pod
// placed on a node it writes the plugin's decisions (the chosen volume's
// claimRef, or the claim's selected-node annotation for the provisioner)
// and then holds the pod, assumed on the node, until the PV controller
// and the provisioner have bound every claim, and only then binds the
// pod, as upstream's PreBind does by polling. Upstream blocks its binding
// goroutine; here the wait is a queue entry re-checked whenever a claim or
// volume changes, with a virtual-clock deadline, so that the scheduler
// keeps scheduling meanwhile.
type volumeBinder struct {
	s     *Scheduler
	queue *controller.Queue

	mu      sync.Mutex
	waiting map[types.UID]*waitingPod
}

// waitingPod is a pod assumed on a node whose volumes are being bound.
type waitingPod struct {
	pod      *corev1.Pod
	node     string
	deadline time.Time
	// static maps the claims given a volume to the volume's name.
	static map[string]string
}

func newVolumeBinder(s *Scheduler, m *controller.Manager) *volumeBinder {
	vb := &volumeBinder{s: s, queue: m.NewQueue(), waiting: map[types.UID]*waitingPod{}}
	m.Add(&controller.Controller{Name: Name + "/volume-binding", Queue: vb.queue, Reconciler: vb})
	return vb
}

func usesClaims(pod *corev1.Pod) bool {
	for _, v := range pod.Spec.Volumes {
		if v.PersistentVolumeClaim != nil || v.Ephemeral != nil {
			return true
		}
	}
	return false
}

func request(pod *corev1.Pod) controller.Request {
	return controller.Request{Namespace: pod.Namespace, Name: string(pod.UID)}
}

// preBind writes the volume decisions for the pod on the node and reports
// whether the pod must wait for its claims to be bound.
func (vb *volumeBinder) preBind(ctx context.Context, pod *corev1.Pod, node string) (bool, error) {
	if !usesClaims(pod) {
		return false, nil
	}
	ni := vb.s.snap.NodeInfo(node)
	if ni == nil {
		return false, fmt.Errorf("node %q not found", node)
	}
	decisions, err := vb.s.fw.FindVolumeBindings(pod, ni.Node())
	if err != nil {
		return false, fmt.Errorf("running PreBind plugin %q: %w", framework.PluginVolumeBinding, err)
	}
	w := &waitingPod{pod: pod, node: node, deadline: vb.s.m.Clock.Now().Add(bindTimeout), static: map[string]string{}}
	if decisions.Empty() && vb.allBound(w) == nil {
		return false, nil
	}
	for _, b := range decisions.Static {
		if err := vb.bindVolume(ctx, b.PV, b.PVC); err != nil {
			return false, err
		}
		w.static[b.PVC.Name] = b.PV.Name
	}
	for _, pvc := range decisions.Provision {
		if err := vb.selectNode(ctx, pvc, node); err != nil {
			return false, err
		}
	}
	vb.mu.Lock()
	vb.waiting[pod.UID] = w
	vb.mu.Unlock()
	vb.queue.Add(request(pod))
	vb.queue.AddAfter(request(pod), bindTimeout)
	return true, nil
}

// bindVolume points a chosen volume at the claim, as the PV controller
// would, so that the PV controller finishes the binding.
func (vb *volumeBinder) bindVolume(ctx context.Context, pv *corev1.PersistentVolume, pvc *corev1.PersistentVolumeClaim) error {
	clone := pv.DeepCopy()
	clone.Spec.ClaimRef = &corev1.ObjectReference{Kind: "PersistentVolumeClaim", APIVersion: "v1",
		Namespace: pvc.Namespace, Name: pvc.Name, UID: pvc.UID, ResourceVersion: pvc.ResourceVersion}
	metav1.SetMetaDataAnnotation(&clone.ObjectMeta, annBoundByController, "yes")
	if _, err := vb.s.m.Client.CoreV1().PersistentVolumes().Update(ctx, clone, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("running PreBind plugin %q: binding volumes: %w", framework.PluginVolumeBinding, err)
	}
	return nil
}

// selectNode asks for the claim to be provisioned on the node.
func (vb *volumeBinder) selectNode(ctx context.Context, pvc *corev1.PersistentVolumeClaim, node string) error {
	clone := pvc.DeepCopy()
	metav1.SetMetaDataAnnotation(&clone.ObjectMeta, annSelectedNode, node)
	if _, err := vb.s.m.Client.CoreV1().PersistentVolumeClaims(pvc.Namespace).Update(ctx, clone, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("running PreBind plugin %q: binding volumes: %w", framework.PluginVolumeBinding, err)
	}
	return nil
}

// poke re-checks every waiting pod: a claim or volume changed.
func (vb *volumeBinder) poke() {
	vb.mu.Lock()
	defer vb.mu.Unlock()
	for _, w := range vb.waiting {
		vb.queue.Add(request(w.pod))
	}
}

// isWaiting reports whether the pod waits for its volumes.
func (vb *volumeBinder) isWaiting(uid types.UID) bool {
	vb.mu.Lock()
	defer vb.mu.Unlock()
	return vb.waiting[uid] != nil
}

// errNotYet: a claim is still being bound.
var errNotYet = errors.New("not yet bound")

// allBound is upstream's checkBindings: nil once every claim of the pod is
// bound; errNotYet while binding goes on; another error when it cannot
// succeed any more (a chosen volume was taken, a provisioner gave up on
// the node).
func (vb *volumeBinder) allBound(w *waitingPod) error {
	view := vb.s.m.Store.View()
	for _, v := range w.pod.Spec.Volumes {
		name := ""
		switch {
		case v.PersistentVolumeClaim != nil:
			name = v.PersistentVolumeClaim.ClaimName
		case v.Ephemeral != nil:
			name = w.pod.Name + "-" + v.Name
		default:
			continue
		}
		pvc, _ := view.Get("persistentvolumeclaims", w.pod.Namespace, name).(*corev1.PersistentVolumeClaim)
		if pvc == nil {
			return fmt.Errorf("persistentvolumeclaim %q not found", name)
		}
		// Upstream's checkBindings is content with volumeName and the
		// bind-completed annotation, which the PV controller writes just
		// before the Bound phase; waiting for the phase too keeps the
		// kubelet, which wants Bound, from reporting FailedMount in
		// between.
		if pvc.Spec.VolumeName != "" && pvc.Status.Phase == corev1.ClaimBound {
			continue
		}
		if pvName, ok := w.static[name]; ok {
			pv, _ := view.Get("persistentvolumes", "", pvName).(*corev1.PersistentVolume)
			if pv == nil || pv.Spec.ClaimRef == nil || pv.Spec.ClaimRef.UID != pvc.UID {
				return fmt.Errorf("pv %q was bound to another claim or removed", pvName)
			}
		} else if sel := pvc.Annotations[annSelectedNode]; pvc.Spec.VolumeName == "" && sel != w.node {
			return fmt.Errorf("selectedNode annotation reset for PVC %q", pvc.Name)
		}
		return errNotYet
	}
	return nil
}

// Reconcile finishes the binding of a waiting pod once its volumes are
// bound, or gives up at the deadline or when binding cannot succeed: the
// pod leaves its node and is scheduled again after a back-off.
func (vb *volumeBinder) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	uid := types.UID(req.Name)
	vb.mu.Lock()
	w := vb.waiting[uid]
	vb.mu.Unlock()
	if w == nil {
		return controller.Result{}, nil
	}
	cur, _ := vb.s.m.Store.View().Get("pods", w.pod.Namespace, w.pod.Name).(*corev1.Pod)
	if cur == nil || cur.UID != uid || cur.DeletionTimestamp != nil || cur.Spec.NodeName != "" {
		vb.forget(uid)
		if cur == nil || cur.UID != uid || cur.Spec.NodeName == "" {
			_ = vb.s.snap.RemovePod(uid)
		}
		return controller.Result{}, nil
	}
	err := vb.allBound(w)
	switch {
	case err == nil:
		vb.forget(uid)
		vb.s.bindPod(ctx, cur, w.node, func() { vb.s.queue.requeueAfterError(cur) })
	case !errors.Is(err, errNotYet):
		vb.giveUp(ctx, cur, fmt.Errorf("running PreBind plugin %q: binding volumes: %w", framework.PluginVolumeBinding, err))
	case !vb.s.m.Clock.Now().Before(w.deadline):
		vb.giveUp(ctx, cur, fmt.Errorf("running PreBind plugin %q: binding volumes: %w", framework.PluginVolumeBinding, context.DeadlineExceeded))
	}
	return controller.Result{}, nil
}

// giveUp unreserves the pod, says why, and schedules it again after a
// back-off.
func (vb *volumeBinder) giveUp(ctx context.Context, pod *corev1.Pod, err error) {
	vb.forget(pod.UID)
	_ = vb.s.snap.RemovePod(pod.UID)
	vb.s.fail(ctx, pod, corev1.PodReasonSchedulerError, err.Error(), nil)
	vb.s.queue.requeueAfterError(pod)
}

func (vb *volumeBinder) forget(uid types.UID) {
	vb.mu.Lock()
	defer vb.mu.Unlock()
	delete(vb.waiting, uid)
}

// requeueAfterError puts a pod whose binding failed after it left the
// queue back into it, in back-off, as upstream's handleBindingCycleError.
func (q *queue) requeueAfterError(pod *corev1.Pod) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	if _, ok := q.pods[pod.UID]; ok {
		return
	}
	now := q.clock.Now()
	qp := &queuedPod{pod: pod, timestamp: now, index: -1, attempts: 1, lastFail: now}
	q.pods[pod.UID] = qp
	q.backoffLocked(qp)
}
