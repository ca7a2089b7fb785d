package fakenode

import (
	"context"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/klog/v2"
)

// podConsumer names the fleet's pod watch on the Activity.
const podConsumer = "fakenode/pods"

// Start starts the fleet's watch on the pods bound to nodes; the kubelets
// act on what it delivers. It returns at once; Stop ends it.
func (f *Fleet) Start() {
	f.activity.Ack(podConsumer, 0)
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		defer f.activity.Forget(podConsumer)
		f.watchPods(f.ctx)
	}()
}

// watchPods lists and watches bound pods until ctx ends, relisting when
// the watch falls too far behind, as a reflector does. After each event it
// tells the Activity how far it has read; bookmarks move that mark when
// nothing happened to the fleet's pods.
func (f *Fleet) watchPods(ctx context.Context) {
	pods := f.client.CoreV1().Pods(metav1.NamespaceAll)
	opts := metav1.ListOptions{FieldSelector: "spec.nodeName!="}
	for ctx.Err() == nil {
		list, err := pods.List(ctx, opts)
		if err != nil {
			f.retryPause(ctx)
			continue
		}
		for i := range list.Items {
			f.dispatch(&list.Items[i], false)
		}
		f.ack(list.ResourceVersion)
		rv := list.ResourceVersion
		for ctx.Err() == nil {
			w, err := pods.Watch(ctx, metav1.ListOptions{
				FieldSelector: opts.FieldSelector, ResourceVersion: rv, AllowWatchBookmarks: true,
			})
			if err != nil {
				if apierrors.IsResourceExpired(err) || apierrors.IsGone(err) {
					break
				}
				f.retryPause(ctx)
				continue
			}
			var expired bool
			rv, expired = f.consume(w)
			w.Stop()
			if expired {
				break
			}
		}
	}
}

// consume handles one watch stream; it returns the last resourceVersion
// seen and whether the watch fell out of the server's history.
func (f *Fleet) consume(w watch.Interface) (rv string, expired bool) {
	for ev := range w.ResultChan() {
		switch ev.Type {
		case watch.Error:
			status, _ := ev.Object.(*metav1.Status)
			if status != nil && (status.Code == 410 || status.Reason == metav1.StatusReasonExpired || status.Reason == metav1.StatusReasonGone) {
				return rv, true
			}
			return rv, false
		case watch.Bookmark:
			if p, ok := ev.Object.(*corev1.Pod); ok {
				rv = p.ResourceVersion
			}
		default:
			p, ok := ev.Object.(*corev1.Pod)
			if !ok {
				continue
			}
			f.dispatch(p, ev.Type == watch.Deleted)
			rv = p.ResourceVersion
		}
		f.ack(rv)
	}
	return rv, false
}

func (f *Fleet) ack(rv string) {
	if n, err := strconv.ParseUint(rv, 10, 64); err == nil {
		f.activity.Ack(podConsumer, n)
	}
}

// retryPause waits a moment of wall time before a failed list or watch is
// retried, as client-go's reflector backs off.
func (f *Fleet) retryPause(ctx context.Context) {
	klog.V(4).InfoS("Pod watch failed; retrying")
	t := time.NewTimer(100 * time.Millisecond) // wall-clock: paces retries against a failing API server
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// dispatch hands a pod to the kubelet of its node.
func (f *Fleet) dispatch(pod *corev1.Pod, deleted bool) {
	n := f.Node(pod.Spec.NodeName)
	if n == nil {
		return
	}
	n.podChanged(pod, deleted)
}
