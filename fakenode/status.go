package fakenode

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	"k8s.io/klog/v2"

	"github.com/kubesim/kubesim/fakenode/kubeletstatus"
)

// runtimeState is what the worker knows, in kubeletstatus's terms.
func (w *podWorker) runtimeState() kubeletstatus.PodRuntimeState {
	st := kubeletstatus.PodRuntimeState{
		SandboxReady:     w.sandbox && !w.terminal,
		HostIPs:          []string{w.node.InternalIP()},
		Terminal:         w.terminal,
		Finished:         w.terminal && w.pod.DeletionTimestamp != nil,
		DeadlineExceeded: w.deadlineHit,
		Evict:            w.evict,
	}
	if w.podIP != "" {
		st.PodIPs = []string{w.podIP}
	}
	for _, c := range w.init {
		st.InitContainers = append(st.InitContainers, c.rec)
	}
	for _, c := range w.containers {
		st.Containers = append(st.Containers, c.rec)
	}
	return st
}

// writeStatus computes the pod's status and, when it differs from what was
// last written, patches it onto the API object, as the kubelet's status
// manager does (a strategic merge patch of status, conditional on the
// pod's UID).
func (w *podWorker) writeStatus(ctx context.Context, now time.Time) {
	if !w.sandbox {
		return
	}
	st, err := kubeletstatus.PodStatus(w.pod, w.runtimeState(), w.cached, now)
	if err != nil {
		klog.V(2).InfoS("Not updating pod status", "pod", klog.KObj(w.pod), "err", err)
		return
	}
	w.evict = nil
	w.cached = &st.Cached
	if w.lastSent != nil && equality.Semantic.DeepEqual(w.lastSent, &st.API) {
		return
	}
	if equality.Semantic.DeepEqual(&w.pod.Status, &st.API) {
		w.lastSent = st.API.DeepCopy()
		return
	}
	patch, err := statusPatch(w.pod, &st.API)
	if err != nil {
		klog.ErrorS(err, "Could not make a status patch", "pod", klog.KObj(w.pod))
		return
	}
	_, err = w.node.fleet.client.CoreV1().Pods(w.pod.Namespace).Patch(ctx, w.pod.Name, types.StrategicMergePatchType, patch,
		metav1.PatchOptions{}, "status")
	if err != nil {
		klog.V(2).InfoS("Pod status update failed; retrying", "pod", klog.KObj(w.pod), "err", err)
		w.resyncAfter(time.Second)
		return
	}
	w.lastSent = st.API.DeepCopy()
}

// statusPatch is the two-way strategic merge patch from the pod's status to
// status, as statusutil.PatchPodStatus makes it: the UID is only in the new
// side, so that the patch carries it as a precondition and fails on a pod
// recreated with the same name.
func statusPatch(pod *corev1.Pod, status *corev1.PodStatus) ([]byte, error) {
	oldJSON, err := json.Marshal(corev1.Pod{Status: pod.Status})
	if err != nil {
		return nil, err
	}
	newJSON, err := json.Marshal(corev1.Pod{ObjectMeta: metav1.ObjectMeta{UID: pod.UID}, Status: *status})
	if err != nil {
		return nil, err
	}
	patch, err := strategicpatch.CreateTwoWayMergePatch(oldJSON, newJSON, corev1.Pod{})
	if err != nil {
		return nil, fmt.Errorf("status patch of %s/%s: %w", pod.Namespace, pod.Name, err)
	}
	return patch, nil
}

// event records a kubelet event about the pod, or about one of its
// containers when c is not nil.
func (w *podWorker) event(c *ctr, ev kubeletstatus.Event) {
	ref := &corev1.ObjectReference{
		Kind: "Pod", APIVersion: "v1", Namespace: w.pod.Namespace, Name: w.pod.Name, UID: w.pod.UID,
	}
	if c != nil {
		ref.FieldPath = c.fieldPath()
	}
	w.node.fleet.recorder(w.node.Name()).EventRef(ref, ev.Type, ev.Reason, ev.Message)
}
