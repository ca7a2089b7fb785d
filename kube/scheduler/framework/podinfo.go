package framework

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/apimachinery/pkg/util/sets"
	resourcehelper "k8s.io/component-helpers/resource"
	corev1helpers "k8s.io/component-helpers/scheduling/corev1"
)

// Upstream's schedutil defaults for containers without requests, used only
// to spread best-effort pods when scoring (DefaultMilliCPURequest and
// DefaultMemoryRequest).
const (
	defaultMilliCPURequest int64 = 100
	defaultMemoryRequest   int64 = 200 * 1024 * 1024
)

// PodInfo is a pod with what the scheduler derives from it once: its
// requests and its parsed inter-pod affinity terms (upstream PodInfo plus
// its cached PodResource).
type PodInfo struct {
	Pod *corev1.Pod
	// Requests are the pod's effective requests: containers, restartable
	// (sidecar) init containers, init containers, pod-level resources and
	// overhead, as computed by component-helpers' PodRequests.
	Requests Resource
	// NonZeroCPU and NonZeroMemory are the requests with 100m / 200Mi
	// substituted for containers that request nothing, as used to score.
	NonZeroCPU    int64
	NonZeroMemory int64
	// Priority is the pod's priority (0 when unset).
	Priority int32

	requiredAffinityTerms      []affinityTerm
	requiredAntiAffinityTerms  []affinityTerm
	preferredAffinityTerms     []weightedAffinityTerm
	preferredAntiAffinityTerms []weightedAffinityTerm
	hostPorts                  []corev1.ContainerPort
	// parseErr records invalid affinity selectors; existing pods with one
	// are kept (upstream ignores the error), the incoming pod is rejected.
	parseErr error
}

// NewPodInfo derives a PodInfo. It never fails: invalid affinity terms are
// recorded and reported when that pod is the one being scheduled.
func NewPodInfo(pod *corev1.Pod) *PodInfo {
	pi := &PodInfo{Pod: pod, Priority: corev1helpers.PodPriority(pod)}
	pi.computeRequests()
	pi.hostPorts = hostPortsOf(pod)
	pi.parseAffinity()
	return pi
}

// computeRequests follows upstream PodInfo.CalculateResource with
// InPlacePodVerticalScaling and PodLevelResources enabled.
func (pi *PodInfo) computeRequests() {
	if pi.computeSimpleRequests() {
		return
	}
	opts := resourcehelper.PodResourcesOptions{UseStatusResources: true}
	reqs := resourcehelper.PodRequests(pi.Pod, opts)
	pi.Requests = NewResource(reqs)

	nonMissing := nonMissingContainerRequests(reqs, resourcehelper.IsPodLevelRequestsSet(pi.Pod))
	non0 := reqs
	if len(nonMissing) > 0 {
		opts.NonMissingContainerRequests = nonMissing
		non0 = resourcehelper.PodRequests(pi.Pod, opts)
	}
	cpu, mem := non0[corev1.ResourceCPU], non0[corev1.ResourceMemory]
	pi.NonZeroCPU, pi.NonZeroMemory = cpu.MilliValue(), mem.Value()
}

// computeSimpleRequests is a fast path for the common pod: regular
// containers only, no overhead, no pod-level resources, no resize status.
// PodRequests then reduces to the sum of the containers' requests (with the
// defaults substituted for the non-zero sums), which is computed here on
// quantities, as PodRequests does, without building resource lists. It
// reports false when the pod needs the general computation.
func (pi *PodInfo) computeSimpleRequests() bool {
	pod := pi.Pod
	if len(pod.Spec.InitContainers) > 0 || pod.Spec.Overhead != nil || pod.Spec.Resources != nil {
		return false
	}
	for i := range pod.Status.ContainerStatuses {
		if cs := &pod.Status.ContainerStatuses[i]; cs.AllocatedResources != nil || cs.Resources != nil {
			return false
		}
	}
	if resourcehelper.IsPodResizeInfeasible(pod) {
		return false
	}
	var cpu, mem, non0CPU, non0Mem resource.Quantity
	var rest corev1.ResourceList
	defCPU := *resource.NewMilliQuantity(defaultMilliCPURequest, resource.DecimalSI)
	defMem := *resource.NewQuantity(defaultMemoryRequest, resource.DecimalSI)
	for i := range pod.Spec.Containers {
		reqs := pod.Spec.Containers[i].Resources.Requests
		if q, ok := reqs[corev1.ResourceCPU]; ok {
			cpu.Add(q)
			non0CPU.Add(q)
		} else {
			non0CPU.Add(defCPU)
		}
		if q, ok := reqs[corev1.ResourceMemory]; ok {
			mem.Add(q)
			non0Mem.Add(q)
		} else {
			non0Mem.Add(defMem)
		}
		for name, q := range reqs {
			if name == corev1.ResourceCPU || name == corev1.ResourceMemory {
				continue
			}
			if rest == nil {
				rest = corev1.ResourceList{}
			}
			sum := rest[name]
			sum.Add(q)
			rest[name] = sum
		}
	}
	pi.Requests = NewResource(rest)
	pi.Requests.MilliCPU = cpu.MilliValue()
	pi.Requests.Memory = mem.Value()
	pi.NonZeroCPU, pi.NonZeroMemory = non0CPU.MilliValue(), non0Mem.Value()
	return true
}

// nonMissingContainerRequests is upstream's getNonMissingContainerRequests:
// without pod-level requests every container gets the defaults when it
// lacks a cpu or memory request; with them, only resources missing at both
// levels do.
func nonMissingContainerRequests(reqs corev1.ResourceList, podLevel bool) corev1.ResourceList {
	cpu := *resource.NewMilliQuantity(defaultMilliCPURequest, resource.DecimalSI)
	mem := *resource.NewQuantity(defaultMemoryRequest, resource.DecimalSI)
	if !podLevel {
		return corev1.ResourceList{corev1.ResourceCPU: cpu, corev1.ResourceMemory: mem}
	}
	out := corev1.ResourceList{}
	if _, ok := reqs[corev1.ResourceCPU]; !ok {
		out[corev1.ResourceCPU] = cpu
	}
	if _, ok := reqs[corev1.ResourceMemory]; !ok {
		out[corev1.ResourceMemory] = mem
	}
	return out
}

// hostPortsOf lists the host ports of containers and of restartable init
// containers, which run for the pod's lifetime (upstream GetHostPorts).
func hostPortsOf(pod *corev1.Pod) []corev1.ContainerPort {
	var ports []corev1.ContainerPort
	for i := range pod.Spec.InitContainers {
		c := &pod.Spec.InitContainers[i]
		if c.RestartPolicy == nil || *c.RestartPolicy != corev1.ContainerRestartPolicyAlways {
			continue
		}
		for _, p := range c.Ports {
			if p.HostPort > 0 {
				ports = append(ports, p)
			}
		}
	}
	for i := range pod.Spec.Containers {
		for _, p := range pod.Spec.Containers[i].Ports {
			if p.HostPort > 0 {
				ports = append(ports, p)
			}
		}
	}
	return ports
}

// hasAffinity reports whether the pod has any inter-pod (anti-)affinity.
func (pi *PodInfo) hasAffinity() bool {
	a := pi.Pod.Spec.Affinity
	return a != nil && (a.PodAffinity != nil || a.PodAntiAffinity != nil)
}

// hasRequiredAntiAffinity reports whether the pod has required anti-affinity terms.
func (pi *PodInfo) hasRequiredAntiAffinity() bool { return len(pi.requiredAntiAffinityTerms) > 0 }

// affinityTerm is a parsed PodAffinityTerm (upstream fwk.AffinityTerm).
type affinityTerm struct {
	namespaces        sets.Set[string]
	selector          labels.Selector
	topologyKey       string
	namespaceSelector labels.Selector
}

type weightedAffinityTerm struct {
	affinityTerm
	weight int32
}

// matches reports whether pod is selected by the term: its namespace is
// listed or selected (nsLabels are the labels of pod's namespace), and its
// labels match.
func (t *affinityTerm) matches(pod *corev1.Pod, nsLabels labels.Set) bool {
	if t.namespaces.Has(pod.Namespace) || t.namespaceSelector.Matches(nsLabels) {
		return t.selector.Matches(labels.Set(pod.Labels))
	}
	return false
}

func newAffinityTerm(pod *corev1.Pod, term *corev1.PodAffinityTerm) (affinityTerm, error) {
	selector, err := metav1.LabelSelectorAsSelector(term.LabelSelector)
	if err != nil {
		return affinityTerm{}, err
	}
	nsSelector, err := metav1.LabelSelectorAsSelector(term.NamespaceSelector)
	if err != nil {
		return affinityTerm{}, err
	}
	namespaces := sets.New[string]()
	if len(term.Namespaces) == 0 && term.NamespaceSelector == nil {
		namespaces.Insert(pod.Namespace)
	} else {
		namespaces.Insert(term.Namespaces...)
	}
	return affinityTerm{namespaces: namespaces, selector: selector, topologyKey: term.TopologyKey, namespaceSelector: nsSelector}, nil
}

func affinityTermsOf(pod *corev1.Pod, terms []corev1.PodAffinityTerm) ([]affinityTerm, error) {
	var out []affinityTerm
	for i := range terms {
		t, err := newAffinityTerm(pod, &terms[i])
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

func weightedAffinityTermsOf(pod *corev1.Pod, terms []corev1.WeightedPodAffinityTerm) ([]weightedAffinityTerm, error) {
	var out []weightedAffinityTerm
	for i := range terms {
		t, err := newAffinityTerm(pod, &terms[i].PodAffinityTerm)
		if err != nil {
			return nil, err
		}
		out = append(out, weightedAffinityTerm{affinityTerm: t, weight: terms[i].Weight})
	}
	return out, nil
}

// parseAffinity follows upstream NewPodInfo.
func (pi *PodInfo) parseAffinity() {
	a := pi.Pod.Spec.Affinity
	if a == nil {
		return
	}
	var errs []error
	var err error
	if pa := a.PodAffinity; pa != nil {
		if pi.requiredAffinityTerms, err = affinityTermsOf(pi.Pod, pa.RequiredDuringSchedulingIgnoredDuringExecution); err != nil {
			errs = append(errs, fmt.Errorf("requiredAffinityTerms: %w", err))
		}
		if pi.preferredAffinityTerms, err = weightedAffinityTermsOf(pi.Pod, pa.PreferredDuringSchedulingIgnoredDuringExecution); err != nil {
			errs = append(errs, fmt.Errorf("preferredAffinityTerms: %w", err))
		}
	}
	if pa := a.PodAntiAffinity; pa != nil {
		if pi.requiredAntiAffinityTerms, err = affinityTermsOf(pi.Pod, pa.RequiredDuringSchedulingIgnoredDuringExecution); err != nil {
			errs = append(errs, fmt.Errorf("requiredAntiAffinityTerms: %w", err))
		}
		if pi.preferredAntiAffinityTerms, err = weightedAffinityTermsOf(pi.Pod, pa.PreferredDuringSchedulingIgnoredDuringExecution); err != nil {
			errs = append(errs, fmt.Errorf("preferredAntiAffinityTerms: %w", err))
		}
	}
	pi.parseErr = utilerrors.NewAggregate(errs)
}
