package fakenode

import (
	"context"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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
	if w.lastSent != nil && semanticEqual(w.lastSent, &st.API) {
		w.keepCached(&st.Cached)
		return
	}
	w.cached = &st.Cached
	if semanticEqual(&w.pod.Status, &st.API) {
		w.lastSent = &st.API // fresh from PodStatus, which nothing else holds or changes
		return
	}
	// The kubelet patches the status without a resourceVersion; this
	// one sends the whole status for the version it has seen, which
	// costs the API server far less than a strategic merge patch, and
	// retries on the next version when another writer got there first.
	// Either way the status merges the kubelet's own fields into the
	// newest pod's.
	pod := w.pod.DeepCopy()
	pod.Status = st.API
	written, err := w.node.fleet.client.CoreV1().Pods(w.pod.Namespace).UpdateStatus(ctx, pod, metav1.UpdateOptions{})
	switch {
	case apierrors.IsConflict(err):
		w.statusConflict = true // sync again when the watch brings the newer version
		return
	case err != nil:
		klog.V(2).InfoS("Pod status update failed; retrying", "pod", klog.KObj(w.pod), "err", err)
		w.resyncAfter(time.Second)
		return
	}
	written.ManagedFields = nil // as podChanged does
	w.setPodLocked(written)
	w.refreshSpecsLocked()
	w.lastSent = &st.API // the request's copy, pod.Status, is gone with the request
}

// keepCached records the status manager's cache after a sync that writes
// nothing, the common one for a running pod. A pointer into the sync's
// result would hold its API status too, a second copy next to lastSent's,
// for as long as the pod stays as it is: keep the cache that is already
// there when it did not change, and a copy of the new one otherwise.
func (w *podWorker) keepCached(c *corev1.PodStatus) {
	if w.cached != nil && semanticEqual(w.cached, c) {
		return
	}
	cp := *c
	w.cached = &cp
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
