package quota

import (
	"fmt"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/selection"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apiserver/pkg/admission"
	quotav1 "k8s.io/apiserver/pkg/quota/v1"
	"k8s.io/apiserver/pkg/quota/v1/generic"
	resourcehelper "k8s.io/component-helpers/resource"
	utilclock "k8s.io/utils/clock"

	"github.com/kubesim/kubesim/kube/registry"
)

var (
	podsResource      = schema.GroupResource{Resource: "pods"}
	podObjectCount    = generic.ObjectCountQuotaResourceNameFor(podsResource)
	podResourceNames  = []corev1.ResourceName{podObjectCount, corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceEphemeralStorage, corev1.ResourceRequestsCPU, corev1.ResourceRequestsMemory, corev1.ResourceRequestsEphemeralStorage, corev1.ResourceLimitsCPU, corev1.ResourceLimitsMemory, corev1.ResourceLimitsEphemeralStorage, corev1.ResourcePods}
	podResourcePrefix = []string{corev1.ResourceHugePagesPrefix, corev1.ResourceRequestsHugePagesPrefix}
	// requiredSet: a quota on any of these makes every container state
	// it. Upstream calls this a mistake it keeps for compatibility, and
	// adds nothing to it.
	requiredSet = sets.New[corev1.ResourceName](corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceRequestsCPU, corev1.ResourceRequestsMemory, corev1.ResourceLimitsCPU, corev1.ResourceLimitsMemory)
)

// PodEvaluator measures pods: their count, and the compute resources of
// those not yet terminal.
type PodEvaluator struct {
	list  generic.ListFuncByNamespace
	clock utilclock.PassiveClock
}

var _ quotav1.Evaluator = (*PodEvaluator)(nil)

// NewPodEvaluator returns the pod evaluator; clock may be nil.
func NewPodEvaluator(list generic.ListFuncByNamespace, clock utilclock.PassiveClock) *PodEvaluator {
	return &PodEvaluator{list: list, clock: clock}
}

// GroupResource implements quotav1.Evaluator.
func (p *PodEvaluator) GroupResource() schema.GroupResource { return podsResource }

// Handles: pod creation and in-place resize.
func (p *PodEvaluator) Handles(a admission.Attributes) bool {
	sub, op := a.GetSubresource(), a.GetOperation()
	return (sub == "" && op == admission.Create) || (sub == "resize" && op == admission.Update)
}

// Constraints reports the containers that do not state a cpu or memory
// request or limit a matching quota covers ("must specify limits.cpu for:
// web; requests.memory for: web,sidecar").
func (p *PodEvaluator) Constraints(required []corev1.ResourceName, item runtime.Object) error {
	pod, ok := item.(*corev1.Pod)
	if !ok {
		return fmt.Errorf("expect *v1.Pod, got %T", item)
	}
	want := sets.New(required...).Intersection(requiredSet)
	missing := map[corev1.ResourceName]sets.Set[string]{}
	containers := append(append([]corev1.Container{}, pod.Spec.Containers...), pod.Spec.InitContainers...)
	for _, c := range containers {
		have := sets.New(quotav1.ResourceNames(computeUsage(c.Resources.Requests, c.Resources.Limits))...)
		for _, name := range want.Difference(have).UnsortedList() {
			if missing[name] == nil {
				missing[name] = sets.New[string]()
			}
			missing[name].Insert(c.Name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	names := make([]string, 0, len(missing))
	for name := range missing {
		names = append(names, string(name))
	}
	sort.Strings(names)
	msgs := make([]string, 0, len(names))
	for _, name := range names {
		msgs = append(msgs, fmt.Sprintf("%s for: %s", name, strings.Join(sets.List(missing[corev1.ResourceName(name)]), ",")))
	}
	return fmt.Errorf("must specify %s", strings.Join(msgs, "; "))
}

// Matches implements quotav1.Evaluator.
func (p *PodEvaluator) Matches(q *corev1.ResourceQuota, item runtime.Object) (bool, error) {
	return generic.Matches(q, item, p.MatchingResources, podMatchesScope)
}

// MatchingResources: the pod resources, hugepages and extended resources
// as requests.<name>.
func (p *PodEvaluator) MatchingResources(input []corev1.ResourceName) []corev1.ResourceName {
	out := quotav1.Intersection(input, podResourceNames)
	for _, name := range input {
		if quotav1.ContainsPrefix(podResourcePrefix, name) || isExtendedQuotaName(name) {
			out = append(out, name)
		}
	}
	return out
}

// MatchingScopes implements quotav1.Evaluator.
func (p *PodEvaluator) MatchingScopes(item runtime.Object, selectors []corev1.ScopedResourceSelectorRequirement) ([]corev1.ScopedResourceSelectorRequirement, error) {
	out := []corev1.ScopedResourceSelectorRequirement{}
	for _, s := range selectors {
		ok, err := podMatchesScope(s, item)
		if err != nil {
			return nil, fmt.Errorf("error on matching scope %v: %w", s, err)
		}
		if ok {
			out = append(out, s)
		}
	}
	return out, nil
}

// UncoveredQuotaScopes returns the limited scopes no quota scope covers.
func (p *PodEvaluator) UncoveredQuotaScopes(limited, matched []corev1.ScopedResourceSelectorRequirement) ([]corev1.ScopedResourceSelectorRequirement, error) {
	out := []corev1.ScopedResourceSelectorRequirement{}
	for _, l := range limited {
		covered := false
		for _, m := range matched {
			covered = covered || m.ScopeName == l.ScopeName
		}
		if !covered {
			out = append(out, l)
		}
	}
	return out, nil
}

// Usage implements quotav1.Evaluator.
func (p *PodEvaluator) Usage(item runtime.Object) (corev1.ResourceList, error) {
	pod, ok := item.(*corev1.Pod)
	if !ok {
		return nil, fmt.Errorf("expect *v1.Pod, got %T", item)
	}
	return PodUsage(pod, p.now()), nil
}

// UsageStats implements quotav1.Evaluator.
func (p *PodEvaluator) UsageStats(opts quotav1.UsageStatsOptions) (quotav1.UsageStats, error) {
	return generic.CalculateUsageStats(opts, p.list, podMatchesScope, p.Usage)
}

func (p *PodEvaluator) now() time.Time {
	if p.clock == nil {
		return time.Time{}
	}
	return p.clock.Now()
}

// PodUsage is what a pod costs at now: count/pods always (it counts what
// is stored), its compute resources only while Counted.
func PodUsage(pod *corev1.Pod, now time.Time) corev1.ResourceList {
	out := corev1.ResourceList{podObjectCount: *resource.NewQuantity(1, resource.DecimalSI)}
	if !Counted(pod, now) {
		return out
	}
	opts := resourcehelper.PodResourcesOptions{UseStatusResources: true}
	return quotav1.Add(out, computeUsage(resourcehelper.PodRequests(pod, opts), resourcehelper.PodLimits(pod, opts)))
}

// Counted says whether a pod's compute resources count against quota:
// not once it is terminal, nor once it is past its deletion grace period
// (stuck on a lost node, say). A zero now never expires a grace period.
func Counted(pod *corev1.Pod, now time.Time) bool {
	if pod.Status.Phase == corev1.PodFailed || pod.Status.Phase == corev1.PodSucceeded {
		return false
	}
	if pod.DeletionTimestamp != nil && pod.DeletionGracePeriodSeconds != nil && !now.IsZero() {
		grace := time.Duration(*pod.DeletionGracePeriodSeconds) * time.Second
		if now.After(pod.DeletionTimestamp.Add(grace)) {
			return false
		}
	}
	return true
}

// computeUsage turns requests and limits into quota names: cpu and
// requests.cpu for a cpu request, limits.cpu for its limit, and so on.
func computeUsage(requests, limits corev1.ResourceList) corev1.ResourceList {
	out := corev1.ResourceList{corev1.ResourcePods: *resource.NewQuantity(1, resource.DecimalSI)}
	pairs := []struct{ name, req, lim corev1.ResourceName }{
		{corev1.ResourceCPU, corev1.ResourceRequestsCPU, corev1.ResourceLimitsCPU},
		{corev1.ResourceMemory, corev1.ResourceRequestsMemory, corev1.ResourceLimitsMemory},
		{corev1.ResourceEphemeralStorage, corev1.ResourceRequestsEphemeralStorage, corev1.ResourceLimitsEphemeralStorage},
	}
	for _, p := range pairs {
		if q, ok := requests[p.name]; ok {
			out[p.name] = q
			out[p.req] = q
		}
		if q, ok := limits[p.name]; ok {
			out[p.lim] = q
		}
	}
	for name, q := range requests {
		if strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix) {
			out[name] = q
			out[corev1.DefaultResourceRequestsPrefix+name] = q
		}
		if isExtendedResource(name) {
			out[corev1.DefaultResourceRequestsPrefix+name] = q
		}
	}
	return out
}

// podMatchesScope evaluates one scope of a quota against a pod.
func podMatchesScope(s corev1.ScopedResourceSelectorRequirement, obj runtime.Object) (bool, error) {
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		return false, fmt.Errorf("expect *v1.Pod, got %T", obj)
	}
	switch s.ScopeName {
	case corev1.ResourceQuotaScopeTerminating:
		return isTerminating(pod), nil
	case corev1.ResourceQuotaScopeNotTerminating:
		return !isTerminating(pod), nil
	case corev1.ResourceQuotaScopeBestEffort:
		return registry.PodQOS(pod) == corev1.PodQOSBestEffort, nil
	case corev1.ResourceQuotaScopeNotBestEffort:
		return registry.PodQOS(pod) != corev1.PodQOSBestEffort, nil
	case corev1.ResourceQuotaScopePriorityClass:
		if s.Operator == corev1.ScopeSelectorOpExists {
			return pod.Spec.PriorityClassName != "", nil
		}
		return priorityClassMatches(pod, s)
	case corev1.ResourceQuotaScopeCrossNamespacePodAffinity:
		return crossNamespaceAffinity(pod), nil
	}
	return false, nil
}

// isTerminating: the Terminating scope means pods with an
// activeDeadlineSeconds, which end by themselves.
func isTerminating(pod *corev1.Pod) bool {
	return pod.Spec.ActiveDeadlineSeconds != nil && *pod.Spec.ActiveDeadlineSeconds >= 0
}

// priorityClassMatches evaluates a PriorityClass scope selector as a
// label selector over the single label "PriorityClass".
func priorityClassMatches(pod *corev1.Pod, s corev1.ScopedResourceSelectorRequirement) (bool, error) {
	sel, err := scopeSelector(s)
	if err != nil {
		return false, err
	}
	set := labels.Set{}
	if pod.Spec.PriorityClassName != "" {
		set[string(corev1.ResourceQuotaScopePriorityClass)] = pod.Spec.PriorityClassName
	}
	return sel.Matches(set), nil
}

// scopeSelector turns a scope selector requirement into a label selector
// on a label named after the scope (upstream's
// helper.ScopedResourceSelectorRequirementsAsSelector).
func scopeSelector(s corev1.ScopedResourceSelectorRequirement) (labels.Selector, error) {
	var op selection.Operator
	switch s.Operator {
	case corev1.ScopeSelectorOpIn:
		op = selection.In
	case corev1.ScopeSelectorOpNotIn:
		op = selection.NotIn
	case corev1.ScopeSelectorOpExists:
		op = selection.Exists
	case corev1.ScopeSelectorOpDoesNotExist:
		op = selection.DoesNotExist
	default:
		return nil, fmt.Errorf("failed to parse and convert selector: %q is not a valid scope selector operator", s.Operator)
	}
	req, err := labels.NewRequirement(string(s.ScopeName), op, s.Values)
	if err != nil {
		return nil, fmt.Errorf("failed to parse and convert selector: %w", err)
	}
	return labels.NewSelector().Add(*req), nil
}

func crossNamespaceAffinity(pod *corev1.Pod) bool {
	aff := pod.Spec.Affinity
	if aff == nil {
		return false
	}
	cross := func(t corev1.PodAffinityTerm) bool { return len(t.Namespaces) != 0 || t.NamespaceSelector != nil }
	var terms []corev1.PodAffinityTerm
	if a := aff.PodAffinity; a != nil {
		terms = append(terms, a.RequiredDuringSchedulingIgnoredDuringExecution...)
		for _, w := range a.PreferredDuringSchedulingIgnoredDuringExecution {
			terms = append(terms, w.PodAffinityTerm)
		}
	}
	if a := aff.PodAntiAffinity; a != nil {
		terms = append(terms, a.RequiredDuringSchedulingIgnoredDuringExecution...)
		for _, w := range a.PreferredDuringSchedulingIgnoredDuringExecution {
			terms = append(terms, w.PodAffinityTerm)
		}
	}
	for _, t := range terms {
		if cross(t) {
			return true
		}
	}
	return false
}
