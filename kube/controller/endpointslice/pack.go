package endpointslice

import (
	"sort"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
)

// plan is what a sync writes.
type plan struct {
	create, update, delete []*discoveryv1.EndpointSlice
}

func (p *plan) merge(q plan) {
	p.create = append(p.create, q.create...)
	p.update = append(p.update, q.update...)
	p.delete = append(p.delete, q.delete...)
}

// planAddressType plans the slices of one address type, given the desired
// endpoints by port key and the Service's existing slices of that type
// (upstream's reconcileByAddressType).
func planAddressType(svc *corev1.Service, at discoveryv1.AddressType, groups map[string]*portGroup, existing []*discoveryv1.EndpointSlice) plan {
	var p plan
	byKey := map[string][]*discoveryv1.EndpointSlice{}
	for _, s := range existing {
		k := portKey(s.Ports)
		if groups[k] == nil {
			p.delete = append(p.delete, s) // ports no endpoint has any more
			continue
		}
		byKey[k] = append(byKey[k], s)
	}
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p.merge(packGroup(svc, at, groups[k], byKey[k]))
	}

	// A Service with no endpoints keeps one empty placeholder slice, so
	// that consumers can tell "no endpoints" from "not synced yet".
	if len(existing) == len(p.delete) && len(p.create) == 0 {
		ph := newSlice(svc, at, nil)
		if len(p.delete) == 1 && samePlaceholder(p.delete[0], ph) {
			p.delete = nil
		} else {
			p.create = append(p.create, ph)
		}
	}
	// Rather than create one slice and delete another, reuse the one
	// about to be deleted.
	for len(p.delete) > 0 && len(p.create) > 0 {
		s := p.create[len(p.create)-1]
		s.Name = p.delete[0].Name
		s.ResourceVersion = p.delete[0].ResourceVersion
		p.create = p.create[:len(p.create)-1]
		p.delete = p.delete[1:]
		p.update = append(p.update, s)
	}
	return p
}

func samePlaceholder(s, ph *discoveryv1.EndpointSlice) bool {
	return len(s.Endpoints) == 0 && len(s.Ports) == 0 && s.AddressType == ph.AddressType &&
		apiequality.Semantic.DeepEqual(s.Labels, ph.Labels)
}

// packGroup plans the slices of one port mapping (upstream's
// reconcileByPortMapping): existing slices keep the endpoints still
// wanted, updated in place; slices left empty go; new endpoints fill the
// slices being updated anyway, then the fullest unchanged slice they fit
// in, then new slices of up to maxEndpointsPerSlice.
func packGroup(svc *corev1.Service, at discoveryv1.AddressType, g *portGroup, existing []*discoveryv1.EndpointSlice) plan {
	var p plan
	desired := make(map[string]discoveryv1.Endpoint, len(g.endpoints))
	for k, ep := range g.endpoints {
		desired[k] = ep
	}
	var unchanged []*discoveryv1.EndpointSlice
	for _, s := range existing {
		var kept []discoveryv1.Endpoint
		changed := false
		for _, ep := range s.Endpoints {
			k := endpointKey(ep)
			want, ok := desired[k]
			if !ok {
				continue
			}
			kept = append(kept, want)
			changed = changed || !apiequality.Semantic.DeepEqual(want, ep)
			delete(desired, k)
		}
		labels, labelsChanged := sliceLabels(s, svc)
		switch {
		case changed || len(kept) != len(s.Endpoints):
			if len(kept) == 0 {
				p.delete = append(p.delete, s)
				continue
			}
			cp := s.DeepCopy()
			cp.Endpoints, cp.Labels = kept, labels
			p.update = append(p.update, cp)
		case labelsChanged:
			cp := s.DeepCopy()
			cp.Labels = labels
			p.update = append(p.update, cp)
		default:
			unchanged = append(unchanged, s)
		}
	}

	keys := sortedKeys(desired)
	pop := func() discoveryv1.Endpoint {
		ep := desired[keys[0]]
		keys = keys[1:]
		return ep
	}
	sort.SliceStable(p.update, func(i, j int) bool { return len(p.update[i].Endpoints) > len(p.update[j].Endpoints) })
	for _, s := range p.update {
		for len(s.Endpoints) < maxEndpointsPerSlice && len(keys) > 0 {
			s.Endpoints = append(s.Endpoints, pop())
		}
	}
	for len(keys) > 0 {
		var fill *discoveryv1.EndpointSlice
		if len(keys) < maxEndpointsPerSlice {
			if i := sliceToFill(unchanged, len(keys)); i >= 0 {
				fill = unchanged[i].DeepCopy()
				unchanged = append(unchanged[:i], unchanged[i+1:]...)
			}
		}
		if fill == nil {
			fill = newSlice(svc, at, g.ports)
		}
		for len(fill.Endpoints) < maxEndpointsPerSlice && len(keys) > 0 {
			fill.Endpoints = append(fill.Endpoints, pop())
		}
		if fill.Name != "" {
			p.update = append(p.update, fill)
		} else {
			p.create = append(p.create, fill)
		}
	}
	return p
}

// sliceToFill is the index of the slice that n more endpoints would bring
// closest to full, or -1 when none has room (upstream's getSliceToFill).
func sliceToFill(slices []*discoveryv1.EndpointSlice, n int) int {
	best := -1
	for i, s := range slices {
		if maxEndpointsPerSlice-len(s.Endpoints) >= n && (best < 0 || len(s.Endpoints) > len(slices[best].Endpoints)) {
			best = i
		}
	}
	return best
}
