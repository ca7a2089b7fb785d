package endpointslice

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/kube/controller/endpointslice/endpointutil"
	"github.com/kubesim/kubesim/store"
)

// portGroup is the endpoints that share one set of resolved ports: each
// group goes into slices of its own, as upstream's port mappings do.
type portGroup struct {
	ports     []discoveryv1.EndpointPort
	endpoints map[string]discoveryv1.Endpoint // by endpointKey
}

// desiredEndpoints turns the pods that belong in the Service's endpoints
// into endpoints of one address type, grouped by port key. A pod whose
// node does not exist is left out, and reported so that the sync is
// retried (unless publishNotReadyAddresses asks for every address).
func desiredEndpoints(view *store.View, svc *corev1.Service, pods []*corev1.Pod, at discoveryv1.AddressType) (map[string]*portGroup, error) {
	groups := map[string]*portGroup{}
	var errs []string
	for _, pod := range pods {
		// Slices show terminating pods, with their conditions.
		if !endpointutil.ShouldPodBeInEndpoints(pod, true) {
			continue
		}
		var node *corev1.Node
		if pod.Spec.NodeName != "" {
			node, _ = view.Get("nodes", "", pod.Spec.NodeName).(*corev1.Node)
			if node == nil && !svc.Spec.PublishNotReadyAddresses {
				errs = append(errs, fmt.Sprintf("skipping Pod %s for Service %s/%s: Node %s Not Found",
					pod.Name, svc.Namespace, svc.Name, pod.Spec.NodeName))
				continue
			}
		}
		ep := podToEndpoint(pod, node, svc, at)
		if len(ep.Addresses) == 0 {
			continue
		}
		ports := endpointPorts(svc, pod)
		key := portKey(ports)
		g := groups[key]
		if g == nil {
			g = &portGroup{ports: ports, endpoints: map[string]discoveryv1.Endpoint{}}
			groups[key] = g
		}
		g.endpoints[endpointKey(ep)] = ep
	}
	if len(errs) > 0 {
		return groups, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return groups, nil
}

// podToEndpoint is upstream's podToEndpoint: serving follows readiness
// (or publishNotReadyAddresses), ready also needs the pod not to be
// terminating unless publishNotReadyAddresses is set.
func podToEndpoint(pod *corev1.Pod, node *corev1.Node, svc *corev1.Service, at discoveryv1.AddressType) discoveryv1.Endpoint {
	serving := svc.Spec.PublishNotReadyAddresses || endpointutil.IsPodReady(pod)
	terminating := pod.DeletionTimestamp != nil
	ready := svc.Spec.PublishNotReadyAddresses || (serving && !terminating)
	ep := discoveryv1.Endpoint{
		Addresses:  endpointutil.PodIPs(pod, at == discoveryv1.AddressTypeIPv6),
		Conditions: discoveryv1.EndpointConditions{Ready: &ready, Serving: &serving, Terminating: &terminating},
		TargetRef:  &corev1.ObjectReference{Kind: "Pod", Namespace: pod.Namespace, Name: pod.Name, UID: pod.UID},
	}
	if node != nil && node.Labels[corev1.LabelTopologyZone] != "" {
		ep.Zone = ptr.To(node.Labels[corev1.LabelTopologyZone])
	}
	if endpointutil.ShouldSetHostname(pod, svc) {
		ep.Hostname = ptr.To(pod.Spec.Hostname)
	}
	if pod.Spec.NodeName != "" {
		ep.NodeName = ptr.To(pod.Spec.NodeName)
	}
	ep.Hints = closeHints(svc, ep)
	return ep
}

// closeHints are the topology hints of a ready endpoint of a Service
// whose trafficDistribution prefers close endpoints: its own zone, and
// its own node for PreferSameNode (upstream's trafficdist
// preferCloseHeuristic). Other endpoints get none.
func closeHints(svc *corev1.Service, ep discoveryv1.Endpoint) *discoveryv1.EndpointHints {
	td := ptr.Deref(svc.Spec.TrafficDistribution, "")
	switch td {
	case corev1.ServiceTrafficDistributionPreferClose, corev1.ServiceTrafficDistributionPreferSameZone, corev1.ServiceTrafficDistributionPreferSameNode:
	default:
		return nil
	}
	if !ptr.Deref(ep.Conditions.Ready, false) {
		return nil
	}
	var h discoveryv1.EndpointHints
	if ep.Zone != nil {
		h.ForZones = []discoveryv1.ForZone{{Name: *ep.Zone}}
	}
	if ep.NodeName != nil && td == corev1.ServiceTrafficDistributionPreferSameNode {
		h.ForNodes = []discoveryv1.ForNode{{Name: *ep.NodeName}}
	}
	if h.ForZones == nil && h.ForNodes == nil {
		return nil
	}
	return &h
}

// endpointPorts resolves the Service's ports on a pod, in the Service's
// order; a port that does not resolve (a named targetPort the pod lacks)
// is left out.
func endpointPorts(svc *corev1.Service, pod *corev1.Pod) []discoveryv1.EndpointPort {
	out := []discoveryv1.EndpointPort{}
	for i := range svc.Spec.Ports {
		sp := &svc.Spec.Ports[i]
		n, err := endpointutil.FindPort(pod, sp)
		if err != nil {
			continue
		}
		out = append(out, discoveryv1.EndpointPort{Name: ptr.To(sp.Name), Protocol: ptr.To(sp.Protocol),
			Port: ptr.To(n), AppProtocol: sp.AppProtocol})
	}
	return out
}

// portKey identifies a set of ports whatever their order.
func portKey(ports []discoveryv1.EndpointPort) string {
	parts := make([]string, 0, len(ports))
	for _, p := range ports {
		parts = append(parts, fmt.Sprintf("%s/%s/%d/%s", ptr.Deref(p.Name, ""), ptr.Deref(p.Protocol, ""),
			ptr.Deref(p.Port, 0), ptr.Deref(p.AppProtocol, "")))
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// endpointKey identifies an endpoint across syncs: the pod it stands for
// and its addresses (upstream hashes the same fields).
func endpointKey(ep discoveryv1.Endpoint) string {
	addrs := append([]string(nil), ep.Addresses...)
	sort.Strings(addrs)
	var who string
	if ep.TargetRef != nil {
		who = ep.TargetRef.Namespace + "/" + ep.TargetRef.Name
	}
	return who + "|" + ptr.Deref(ep.Hostname, "") + "|" + strings.Join(addrs, ",")
}

// sortedKeys lists a group's endpoint keys in order, so that syncs pack
// endpoints deterministically.
func sortedKeys(m map[string]discoveryv1.Endpoint) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
