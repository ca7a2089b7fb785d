package endpointutil

import (
	"fmt"
	"net/netip"
	"reflect"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/store"
)

// SelectedPods lists the pods of the Service's namespace that its selector
// matches. A Service without a selector selects nothing.
func SelectedPods(view *store.View, svc *corev1.Service) []*corev1.Pod {
	if svc.Spec.Selector == nil {
		return nil
	}
	sel := labels.SelectorFromSet(svc.Spec.Selector)
	var out []*corev1.Pod
	view.List("pods", svc.Namespace, func(obj runtime.Object) bool {
		if pod, ok := obj.(*corev1.Pod); ok && sel.Matches(labels.Set(pod.Labels)) {
			out = append(out, pod)
		}
		return true
	})
	return out
}

// ServicesSelecting lists the names of the Services in the namespace whose
// selector matches the labels (upstream's GetPodServiceMemberships).
func ServicesSelecting(view *store.View, namespace string, podLabels map[string]string) []string {
	var out []string
	view.List("services", namespace, func(obj runtime.Object) bool {
		svc, ok := obj.(*corev1.Service)
		if ok && svc.Spec.Selector != nil && labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(podLabels)) {
			out = append(out, svc.Name)
		}
		return true
	})
	return out
}

// ServicesToSync lists the Services a pod event concerns: those selecting
// the pod now and, when its labels changed, those that selected it before.
// Pod updates that change nothing an endpoint shows concern none
// (upstream's podEndpointsChanged).
func ServicesToSync(view *store.View, ev store.Event) []string {
	pod, ok := ev.Object.(*corev1.Pod)
	if !ok {
		return nil
	}
	prev, _ := ev.Prev.(*corev1.Pod)
	if ev.Type != watch.Modified || prev == nil {
		return ServicesSelecting(view, pod.Namespace, pod.Labels)
	}
	labelsChanged := !reflect.DeepEqual(prev.Labels, pod.Labels) ||
		prev.Spec.Hostname != pod.Spec.Hostname || prev.Spec.Subdomain != pod.Spec.Subdomain
	if !labelsChanged && !endpointChanged(prev, pod) {
		return nil
	}
	names := ServicesSelecting(view, pod.Namespace, pod.Labels)
	if labelsChanged {
		seen := map[string]bool{}
		for _, n := range names {
			seen[n] = true
		}
		for _, n := range ServicesSelecting(view, prev.Namespace, prev.Labels) {
			if !seen[n] {
				names = append(names, n)
			}
		}
	}
	return names
}

// endpointChanged reports whether a pod update changes its endpoint:
// deletion, readiness, addresses, node or a terminal phase.
func endpointChanged(prev, cur *corev1.Pod) bool {
	return !prev.DeletionTimestamp.Equal(cur.DeletionTimestamp) ||
		IsPodReady(prev) != IsPodReady(cur) ||
		isTerminal(prev) != isTerminal(cur) ||
		prev.Status.PodIP != cur.Status.PodIP ||
		!reflect.DeepEqual(prev.Status.PodIPs, cur.Status.PodIPs) ||
		prev.Spec.NodeName != cur.Spec.NodeName
}

func isTerminal(pod *corev1.Pod) bool {
	return pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed
}

// ShouldPodBeInEndpoints: the pod has an address and is not finished;
// terminating pods only when includeTerminating (upstream's function of
// the same name).
func ShouldPodBeInEndpoints(pod *corev1.Pod, includeTerminating bool) bool {
	if isTerminal(pod) {
		return false
	}
	if pod.Status.PodIP == "" && len(pod.Status.PodIPs) == 0 {
		return false
	}
	return includeTerminating || pod.DeletionTimestamp == nil
}

// IsPodReady: the pod's Ready condition is True.
func IsPodReady(pod *corev1.Pod) bool {
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// ReadyTransition is when the pod's Ready condition last changed, or zero.
func ReadyTransition(pod *corev1.Pod) (t time.Time) {
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.LastTransitionTime.Time
		}
	}
	return t
}

// ShouldSetHostname: the pod asked for a hostname under this Service's
// subdomain.
func ShouldSetHostname(pod *corev1.Pod, svc *corev1.Service) bool {
	return pod.Spec.Hostname != "" && pod.Spec.Subdomain == svc.Name && pod.Namespace == svc.Namespace
}

// PodIPs lists the pod's addresses of one family (IPv4 when ipv6 is false).
func PodIPs(pod *corev1.Pod, ipv6 bool) []string {
	ips := []string{pod.Status.PodIP}
	if len(pod.Status.PodIPs) > 0 {
		ips = ips[:0]
		for _, ip := range pod.Status.PodIPs {
			ips = append(ips, ip.IP)
		}
	}
	var out []string
	for _, ip := range ips {
		addr, err := netip.ParseAddr(ip)
		if err == nil && addr.Unmap().Is6() == ipv6 {
			out = append(out, ip)
		}
	}
	return out
}

// FindPort resolves a Service port's targetPort on a pod: a number as it
// is, a name through the ports of the pod's containers and sidecars with
// the same protocol (upstream's podutil.FindPort).
func FindPort(pod *corev1.Pod, sp *corev1.ServicePort) (int32, error) {
	tp := sp.TargetPort
	if tp.Type == intstr.Int {
		if tp.IntVal == 0 {
			return sp.Port, nil // not defaulted: targetPort defaults to port
		}
		return tp.IntVal, nil
	}
	find := func(cs []corev1.Container, sidecarsOnly bool) (int32, bool) {
		for _, c := range cs {
			if sidecarsOnly && (c.RestartPolicy == nil || *c.RestartPolicy != corev1.ContainerRestartPolicyAlways) {
				continue
			}
			for _, p := range c.Ports {
				if p.Name == tp.StrVal && protocol(p.Protocol) == protocol(sp.Protocol) {
					return p.ContainerPort, true
				}
			}
		}
		return 0, false
	}
	if n, ok := find(pod.Spec.Containers, false); ok {
		return n, nil
	}
	if n, ok := find(pod.Spec.InitContainers, true); ok {
		return n, nil
	}
	return 0, fmt.Errorf("no suitable port for manifest: %s", pod.UID)
}

func protocol(p corev1.Protocol) corev1.Protocol {
	if p == "" {
		return corev1.ProtocolTCP
	}
	return p
}

// WatchServicesAndPods queues, through enqueue, every Service that
// changes and every Service a pod event concerns: what both endpoint
// controllers sync on.
func WatchServicesAndPods(feed *controller.Feed, view func() *store.View, enqueue func(namespace, name string)) {
	feed.Handle("services", func(ev store.Event) { enqueue(ev.Namespace, ev.Name) })
	feed.Handle("pods", func(ev store.Event) {
		for _, name := range ServicesToSync(view(), ev) {
			enqueue(ev.Namespace, name)
		}
	})
}
