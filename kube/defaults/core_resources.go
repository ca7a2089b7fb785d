package defaults

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	resourcehelper "k8s.io/component-helpers/resource"
)

// roundResourceList is SetDefaults_ResourceList: every quantity is rounded
// up to a whole milli-unit, so "0.0001" CPU is stored as "1m". Upstream runs
// it on every ResourceList in every object.
func roundResourceList(rl corev1.ResourceList) {
	for name, q := range rl {
		q.RoundUp(-3)
		rl[name] = q
	}
}

func roundResourceRequirements(r *corev1.ResourceRequirements) {
	roundResourceList(r.Limits)
	roundResourceList(r.Requests)
}

func roundVolumeResourceRequirements(r *corev1.VolumeResourceRequirements) {
	roundResourceList(r.Limits)
	roundResourceList(r.Requests)
}

// defaultHugePagePodLimits gives a pod that sets pod-level resources a
// pod-level hugepages limit equal to the sum of its containers' hugepages
// limits, unless it already sets a pod-level request or limit for that
// size (KEP-2837, pkg/apis/core/v1 defaults.go).
func defaultHugePagePodLimits(pod *corev1.Pod) {
	res := pod.Spec.Resources
	if res == nil || (len(res.Limits) == 0 && len(res.Requests) == 0) {
		return
	}
	limits := res.Limits
	if limits == nil {
		limits = corev1.ResourceList{}
	}
	for name, sum := range resourcehelper.AggregateContainerLimits(pod, resourcehelper.PodResourcesOptions{}) {
		if !resourcehelper.IsSupportedPodLevelResource(name) || !isHugePageResource(name) {
			continue
		}
		if _, ok := res.Requests[name]; ok {
			continue
		}
		if _, ok := limits[name]; !ok {
			limits[name] = sum.DeepCopy()
		}
	}
	if len(limits) > 0 {
		res.Limits = limits
	}
}

// defaultPodRequests fills in pod-level requests when a pod sets pod-level
// limits: from the effective requests of its containers where they ask for
// an overcommittable resource, else from the pod-level limit
// (KEP-2837, pkg/apis/core/v1 defaults.go).
func defaultPodRequests(pod *corev1.Pod) {
	res := pod.Spec.Resources
	if res == nil || len(res.Limits) == 0 {
		return
	}
	requests := res.Requests
	if requests == nil {
		requests = corev1.ResourceList{}
	}
	for name, sum := range resourcehelper.AggregateContainerRequests(pod, resourcehelper.PodResourcesOptions{}) {
		if _, ok := requests[name]; !ok && resourcehelper.IsSupportedPodLevelResource(name) && isOvercommitAllowed(name) {
			requests[name] = sum.DeepCopy()
		}
	}
	for name, limit := range res.Limits {
		if _, ok := requests[name]; !ok && resourcehelper.IsSupportedPodLevelResource(name) {
			requests[name] = limit.DeepCopy()
		}
	}
	if len(requests) > 0 {
		res.Requests = requests
	}
}

func isHugePageResource(name corev1.ResourceName) bool {
	return strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix)
}

// isOvercommitAllowed reports whether requests for a resource may be lower
// than its limits: true for native resources (unprefixed, or under
// kubernetes.io/) other than hugepages.
func isOvercommitAllowed(name corev1.ResourceName) bool {
	native := !strings.Contains(string(name), "/") || strings.Contains(string(name), corev1.ResourceDefaultNamespacePrefix)
	return native && !isHugePageResource(name)
}
