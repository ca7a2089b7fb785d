package quota

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/admission"
	quotav1 "k8s.io/apiserver/pkg/quota/v1"
	"k8s.io/apiserver/pkg/quota/v1/generic"
)

var (
	servicesResource                       = schema.GroupResource{Resource: "services"}
	serviceObjectCount                     = generic.ObjectCountQuotaResourceNameFor(servicesResource)
	serviceResourceNames                   = []corev1.ResourceName{serviceObjectCount, corev1.ResourceServices, corev1.ResourceServicesNodePorts, corev1.ResourceServicesLoadBalancers}
	_                    quotav1.Evaluator = (*ServiceEvaluator)(nil)
)

// ServiceEvaluator measures services: their count, and the node ports
// and load balancers they ask for.
type ServiceEvaluator struct {
	list generic.ListFuncByNamespace
}

// NewServiceEvaluator returns the service evaluator.
func NewServiceEvaluator(list generic.ListFuncByNamespace) *ServiceEvaluator {
	return &ServiceEvaluator{list: list}
}

// GroupResource implements quotav1.Evaluator.
func (s *ServiceEvaluator) GroupResource() schema.GroupResource { return servicesResource }

// Constraints: services have none.
func (s *ServiceEvaluator) Constraints([]corev1.ResourceName, runtime.Object) error { return nil }

// Handles creates and updates: an update can change a service's type.
func (s *ServiceEvaluator) Handles(a admission.Attributes) bool {
	return a.GetOperation() == admission.Create || a.GetOperation() == admission.Update
}

// Matches implements quotav1.Evaluator; services have no scopes.
func (s *ServiceEvaluator) Matches(q *corev1.ResourceQuota, item runtime.Object) (bool, error) {
	return generic.Matches(q, item, s.MatchingResources, generic.MatchesNoScopeFunc)
}

// MatchingResources implements quotav1.Evaluator.
func (s *ServiceEvaluator) MatchingResources(input []corev1.ResourceName) []corev1.ResourceName {
	return quotav1.Intersection(input, serviceResourceNames)
}

// MatchingScopes implements quotav1.Evaluator.
func (s *ServiceEvaluator) MatchingScopes(runtime.Object, []corev1.ScopedResourceSelectorRequirement) ([]corev1.ScopedResourceSelectorRequirement, error) {
	return []corev1.ScopedResourceSelectorRequirement{}, nil
}

// UncoveredQuotaScopes implements quotav1.Evaluator.
func (s *ServiceEvaluator) UncoveredQuotaScopes(_, _ []corev1.ScopedResourceSelectorRequirement) ([]corev1.ScopedResourceSelectorRequirement, error) {
	return []corev1.ScopedResourceSelectorRequirement{}, nil
}

// Usage: one service; a NodePort service one node port per port; a
// LoadBalancer one load balancer and, unless it turns node ports off, one
// node port per port (it has none allocated yet at admission, so the
// intent counts).
func (s *ServiceEvaluator) Usage(item runtime.Object) (corev1.ResourceList, error) {
	svc, ok := item.(*corev1.Service)
	if !ok {
		return nil, fmt.Errorf("expect *v1.Service, got %T", item)
	}
	one := *resource.NewQuantity(1, resource.DecimalSI)
	out := corev1.ResourceList{
		serviceObjectCount:                   one,
		corev1.ResourceServices:              one,
		corev1.ResourceServicesLoadBalancers: {Format: resource.DecimalSI},
		corev1.ResourceServicesNodePorts:     {Format: resource.DecimalSI},
	}
	ports := int64(len(svc.Spec.Ports))
	switch svc.Spec.Type {
	case corev1.ServiceTypeNodePort:
		out[corev1.ResourceServicesNodePorts] = *resource.NewQuantity(ports, resource.DecimalSI)
	case corev1.ServiceTypeLoadBalancer:
		if a := svc.Spec.AllocateLoadBalancerNodePorts; a != nil && !*a {
			ports = 0
			for _, p := range svc.Spec.Ports {
				if p.NodePort != 0 {
					ports++
				}
			}
		}
		out[corev1.ResourceServicesNodePorts] = *resource.NewQuantity(ports, resource.DecimalSI)
		out[corev1.ResourceServicesLoadBalancers] = one
	}
	return out, nil
}

// UsageStats implements quotav1.Evaluator.
func (s *ServiceEvaluator) UsageStats(opts quotav1.UsageStatsOptions) (quotav1.UsageStats, error) {
	return generic.CalculateUsageStats(opts, s.list, generic.MatchesNoScopeFunc, s.Usage)
}

// QuotaServiceType is the type of a service as quota sees it: NodePort,
// LoadBalancer, or "" for the types that cost nothing more.
func QuotaServiceType(svc *corev1.Service) corev1.ServiceType {
	switch svc.Spec.Type {
	case corev1.ServiceTypeNodePort, corev1.ServiceTypeLoadBalancer:
		return svc.Spec.Type
	}
	return ""
}
