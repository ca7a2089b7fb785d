package endpoint

import (
	"fmt"
	"math"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/types"
)

// addressKey tells addresses apart: the same IP may stand for two pods in
// turn.
type addressKey struct {
	ip  string
	uid types.UID
}

func keyOf(a *corev1.EndpointAddress) addressKey {
	k := addressKey{ip: a.IP}
	if a.TargetRef != nil {
		k.uid = a.TargetRef.UID
	}
	return k
}

// noPort stands for "no ports" while repacking, so that addresses of a
// headless Service without ports are kept.
var noPort = corev1.EndpointPort{Port: -1}

// repackSubsets regroups subsets so that the addresses that offer the same
// ports, in the same readiness, share one subset (upstream's
// endpoints.RepackSubsets). An address not ready on some port is not
// ready on it, whatever other subsets say. The result is sorted.
func repackSubsets(subsets []corev1.EndpointSubset) []corev1.EndpointSubset {
	addrs := map[addressKey]*corev1.EndpointAddress{}
	byPort := map[corev1.EndpointPort]map[addressKey]bool{} // address -> ready
	note := func(a *corev1.EndpointAddress, port corev1.EndpointPort, ready bool) {
		k := keyOf(a)
		if addrs[k] == nil {
			cp := *a
			addrs[k] = &cp
		}
		if byPort[port] == nil {
			byPort[port] = map[addressKey]bool{}
		}
		if was, seen := byPort[port][k]; !seen || was {
			byPort[port][k] = ready
		}
	}
	for i := range subsets {
		ports := subsets[i].Ports
		if len(ports) == 0 {
			ports = []corev1.EndpointPort{noPort}
		}
		for _, port := range ports {
			for j := range subsets[i].Addresses {
				note(&subsets[i].Addresses[j], port, true)
			}
			for j := range subsets[i].NotReadyAddresses {
				note(&subsets[i].NotReadyAddresses[j], port, false)
			}
		}
	}
	// Group the ports by the exact set of (address, readiness) offering them.
	type group struct {
		set   map[addressKey]bool
		ports []corev1.EndpointPort
	}
	groups := map[string]*group{}
	for port, set := range byPort {
		key := setKey(set)
		g := groups[key]
		if g == nil {
			g = &group{set: set}
			groups[key] = g
		}
		if port != noPort {
			g.ports = append(g.ports, port)
		}
	}
	out := []corev1.EndpointSubset{}
	for _, g := range groups {
		var s corev1.EndpointSubset
		for k, ready := range g.set {
			if ready {
				s.Addresses = append(s.Addresses, *addrs[k])
			} else {
				s.NotReadyAddresses = append(s.NotReadyAddresses, *addrs[k])
			}
		}
		s.Ports = g.ports
		out = append(out, s)
	}
	return sortSubsets(out)
}

func setKey(set map[addressKey]bool) string {
	parts := make([]string, 0, len(set))
	for k, ready := range set {
		parts = append(parts, fmt.Sprintf("%s/%s/%t", k.ip, k.uid, ready))
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// sortSubsets orders addresses by IP and UID, ports by name and number,
// and subsets by their first address, so that equal contents compare
// equal (upstream sorts subsets and ports by hash).
func sortSubsets(subsets []corev1.EndpointSubset) []corev1.EndpointSubset {
	lessAddr := func(as []corev1.EndpointAddress) func(i, j int) bool {
		return func(i, j int) bool {
			if as[i].IP != as[j].IP {
				return as[i].IP < as[j].IP
			}
			return keyOf(&as[i]).uid < keyOf(&as[j]).uid
		}
	}
	for i := range subsets {
		s := &subsets[i]
		sort.Slice(s.Addresses, lessAddr(s.Addresses))
		sort.Slice(s.NotReadyAddresses, lessAddr(s.NotReadyAddresses))
		sort.Slice(s.Ports, func(a, b int) bool {
			if s.Ports[a].Name != s.Ports[b].Name {
				return s.Ports[a].Name < s.Ports[b].Name
			}
			return s.Ports[a].Port < s.Ports[b].Port
		})
	}
	sort.Slice(subsets, func(i, j int) bool { return subsetKey(subsets[i]) < subsetKey(subsets[j]) })
	return subsets
}

func subsetKey(s corev1.EndpointSubset) string {
	var b strings.Builder
	for _, p := range s.Ports {
		fmt.Fprintf(&b, "%s/%d/%s,", p.Name, p.Port, p.Protocol)
	}
	b.WriteString("|")
	for _, as := range [][]corev1.EndpointAddress{s.Addresses, s.NotReadyAddresses} {
		for _, a := range as {
			b.WriteString(a.IP + ",")
		}
		b.WriteString("|")
	}
	return b.String()
}

// subsetsEqual compares subsets, an empty list equal to none.
func subsetsEqual(a, b []corev1.EndpointSubset) bool {
	return apiequality.Semantic.DeepEqual(a, b)
}

// capSubsets keeps at most maxCapacity addresses, dropping not-ready ones
// first and taking from each subset in proportion to its size (upstream's
// truncateEndpoints). It reports whether anything was dropped.
func capSubsets(subsets []corev1.EndpointSubset) ([]corev1.EndpointSubset, bool) {
	ready, notReady := 0, 0
	for _, s := range subsets {
		ready += len(s.Addresses)
		notReady += len(s.NotReadyAddresses)
	}
	if ready+notReady <= maxCapacity {
		return subsets, false
	}
	truncateReady := ready > maxCapacity
	limit, total := maxCapacity-ready, notReady
	if truncateReady {
		limit, total = maxCapacity, ready
	}
	room := limit
	for i := range subsets {
		s := &subsets[i]
		n := len(s.NotReadyAddresses)
		if truncateReady {
			n = len(s.Addresses)
		}
		take := min(int(math.Ceil(float64(n)/float64(total)*float64(limit))), room)
		if truncateReady {
			s.Addresses = s.Addresses[:min(take, len(s.Addresses))]
			s.NotReadyAddresses = nil
			room -= len(s.Addresses)
		} else {
			s.NotReadyAddresses = s.NotReadyAddresses[:min(take, len(s.NotReadyAddresses))]
			room -= len(s.NotReadyAddresses)
		}
	}
	return subsets, true
}
