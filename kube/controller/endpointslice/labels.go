package endpointslice

import (
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
)

// newSlice is an empty slice for the Service: named after it through
// generateName, owned by it, labelled as this controller's.
func newSlice(svc *corev1.Service, at discoveryv1.AddressType, ports []discoveryv1.EndpointPort) *discoveryv1.EndpointSlice {
	s := &discoveryv1.EndpointSlice{
		ObjectMeta: metav1.ObjectMeta{
			GenerateName:    slicePrefix(svc.Name),
			Namespace:       svc.Namespace,
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(svc, corev1.SchemeGroupVersion.WithKind("Service"))},
		},
		AddressType: at,
		Ports:       append([]discoveryv1.EndpointPort{}, ports...),
		Endpoints:   []discoveryv1.Endpoint{},
	}
	s.Labels, _ = sliceLabels(s, svc)
	return s
}

// slicePrefix is "<service>-", or "endpointslice-" when that would not
// make a valid name (upstream's getEndpointSlicePrefix).
func slicePrefix(service string) string {
	prefix := service + "-"
	if len(validation.IsDNS1123Subdomain(prefix+"a")) != 0 {
		return "endpointslice-"
	}
	return prefix
}

// reservedLabel: the labels this controller owns on its slices.
func reservedLabel(key string) bool {
	return key == discoveryv1.LabelServiceName || key == discoveryv1.LabelManagedBy || key == corev1.IsHeadlessService
}

// sliceLabels computes a slice's labels: the Service's (less the reserved
// ones), the headless label for a Service without a cluster IP, the
// service-name and managed-by labels. changed reports whether the
// Service's labels differ from those the slice has (upstream's
// setEndpointSliceLabels).
func sliceLabels(s *discoveryv1.EndpointSlice, svc *corev1.Service) (map[string]string, bool) {
	have := map[string]string{}
	for k, v := range s.Labels {
		if !reservedLabel(k) {
			have[k] = v
		}
	}
	want := map[string]string{}
	for k, v := range svc.Labels {
		if !reservedLabel(k) {
			want[k] = v
		}
	}
	changed := len(have) != len(want)
	for k, v := range have {
		if w, ok := want[k]; !ok || w != v {
			changed = true
		}
	}
	if svc.Spec.ClusterIP == "" || svc.Spec.ClusterIP == corev1.ClusterIPNone {
		want[corev1.IsHeadlessService] = ""
	}
	want[discoveryv1.LabelServiceName] = svc.Name
	want[discoveryv1.LabelManagedBy] = ManagedBy
	return want, changed
}
