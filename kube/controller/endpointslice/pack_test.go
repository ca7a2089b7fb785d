package endpointslice

import (
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

func testService() *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default", UID: "svc-uid"},
		Spec:       corev1.ServiceSpec{ClusterIP: "10.96.0.10", Selector: map[string]string{"app": "web"}},
	}
}

// group makes a port group of endpoints for pods first..last.
func group(first, last int) *portGroup {
	g := &portGroup{ports: []discoveryv1.EndpointPort{{Name: ptr.To("web"), Port: ptr.To[int32](80)}},
		endpoints: map[string]discoveryv1.Endpoint{}}
	for i := first; i <= last; i++ {
		ep := discoveryv1.Endpoint{
			Addresses:  []string{fmt.Sprintf("10.244.%d.%d", i/250, i%250+1)},
			Conditions: discoveryv1.EndpointConditions{Ready: ptr.To(true)},
			TargetRef:  &corev1.ObjectReference{Kind: "Pod", Namespace: "default", Name: fmt.Sprintf("pod-%03d", i)},
		}
		g.endpoints[endpointKey(ep)] = ep
	}
	return g
}

// written turns a plan's creates into stored slices with names.
func written(p plan) []*discoveryv1.EndpointSlice {
	var out []*discoveryv1.EndpointSlice
	for i, s := range p.create {
		s.Name = fmt.Sprintf("web-%d", i)
		out = append(out, s)
	}
	return out
}

func sizes(ss []*discoveryv1.EndpointSlice) []int {
	var out []int
	for _, s := range ss {
		out = append(out, len(s.Endpoints))
	}
	return out
}

func TestPackSplitsAtOneHundredAndChangesFewSlices(t *testing.T) {
	svc := testService()
	g := group(0, 249)
	p := planAddressType(svc, discoveryv1.AddressTypeIPv4, map[string]*portGroup{portKey(g.ports): g}, nil)
	if got := fmt.Sprint(sizes(p.create)); got != "[100 100 50]" || len(p.update)+len(p.delete) != 0 {
		t.Fatalf("first sync creates %s, updates %d, deletes %d; want [100 100 50] created", got, len(p.update), len(p.delete))
	}
	existing := written(p)

	// Ten pods of the last slice go and ten new ones come: the last slice
	// alone is rewritten.
	g = group(0, 239)
	for k, ep := range group(300, 309).endpoints {
		g.endpoints[k] = ep
	}
	p = planAddressType(svc, discoveryv1.AddressTypeIPv4, map[string]*portGroup{portKey(g.ports): g}, existing)
	if len(p.create) != 0 || len(p.delete) != 0 || len(p.update) != 1 || p.update[0].Name != "web-2" || len(p.update[0].Endpoints) != 50 {
		t.Errorf("replacing 10 pods: create %v update %v delete %v, want web-2 updated with 50", sizes(p.create), sizes(p.update), sizes(p.delete))
	}

	// Every pod gone: the slices go, one of them reused as the empty
	// placeholder.
	p = planAddressType(svc, discoveryv1.AddressTypeIPv4, map[string]*portGroup{}, existing)
	if len(p.create) != 0 || len(p.update) != 1 || len(p.delete) != 2 || len(p.update[0].Endpoints) != 0 || len(p.update[0].Ports) != 0 {
		t.Errorf("no pods: create %v update %v delete %v, want one empty slice kept", sizes(p.create), sizes(p.update), sizes(p.delete))
	}
}

func TestPlaceholderIsKeptAsIs(t *testing.T) {
	svc := testService()
	ph := newSlice(svc, discoveryv1.AddressTypeIPv4, nil)
	ph.Name = "web-abcde"
	p := planAddressType(svc, discoveryv1.AddressTypeIPv4, map[string]*portGroup{}, []*discoveryv1.EndpointSlice{ph})
	if len(p.create)+len(p.update)+len(p.delete) != 0 {
		t.Errorf("placeholder resynced: create %d update %d delete %d, want nothing", len(p.create), len(p.update), len(p.delete))
	}
	if ph.Labels[corev1.IsHeadlessService] != "" || ph.Labels[discoveryv1.LabelManagedBy] != ManagedBy {
		t.Errorf("labels %v", ph.Labels)
	}
}

func TestSlicePrefix(t *testing.T) {
	for name, want := range map[string]string{"web": "web-", "Web_UI": "endpointslice-"} {
		if got := slicePrefix(name); got != want {
			t.Errorf("slicePrefix(%q) = %q, want %q", name, got, want)
		}
	}
}
