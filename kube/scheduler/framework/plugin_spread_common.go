package framework

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	corev1helpers "k8s.io/component-helpers/scheduling/corev1"
	"k8s.io/component-helpers/scheduling/corev1/nodeaffinity"
)

// PodTopologySpread, shared parts (upstream plugins/podtopologyspread
// common.go and plugin.go), with MinDomains, NodeInclusionPolicy and
// MatchLabelKeys enabled as they are by default.

const (
	reasonSpreadNotMatch     = "node(s) didn't match pod topology spread constraints"
	reasonSpreadMissingLabel = reasonSpreadNotMatch + " (missing required label)"
)

// systemDefaultConstraints apply, with the selector of the pod's
// workload, to pods that declare no constraints of their own.
var systemDefaultConstraints = []corev1.TopologySpreadConstraint{
	{TopologyKey: corev1.LabelHostname, WhenUnsatisfiable: corev1.ScheduleAnyway, MaxSkew: 3},
	{TopologyKey: corev1.LabelTopologyZone, WhenUnsatisfiable: corev1.ScheduleAnyway, MaxSkew: 5},
}

// spreadConstraint is a parsed TopologySpreadConstraint.
type spreadConstraint struct {
	maxSkew            int32
	topologyKey        string
	selector           labels.Selector
	minDomains         int32
	nodeAffinityPolicy corev1.NodeInclusionPolicy
	nodeTaintsPolicy   corev1.NodeInclusionPolicy
}

// spreadConstraintsOf returns the pod's constraints with the given action,
// or the system defaults when the pod declares none.
func spreadConstraintsOf(l *Listers, pod *corev1.Pod, action corev1.UnsatisfiableConstraintAction) ([]spreadConstraint, error) {
	if len(pod.Spec.TopologySpreadConstraints) > 0 {
		return parseSpreadConstraints(pod.Spec.TopologySpreadConstraints, pod.Labels, action)
	}
	cs, err := parseSpreadConstraints(systemDefaultConstraints, pod.Labels, action)
	if err != nil || len(cs) == 0 {
		return nil, err
	}
	sel := defaultSelector(l, pod)
	if sel.Empty() {
		return nil, nil
	}
	for i := range cs {
		cs[i].selector = sel
	}
	return cs, nil
}

func parseSpreadConstraints(in []corev1.TopologySpreadConstraint, podLabels map[string]string, action corev1.UnsatisfiableConstraintAction) ([]spreadConstraint, error) {
	var out []spreadConstraint
	for _, c := range in {
		if c.WhenUnsatisfiable != action {
			continue
		}
		sel, err := metav1.LabelSelectorAsSelector(c.LabelSelector)
		if err != nil {
			return nil, err
		}
		if len(c.MatchLabelKeys) > 0 {
			// The API server may already have merged these; adding the same
			// requirements again changes nothing.
			matchLabels := labels.Set{}
			for _, k := range c.MatchLabelKeys {
				if v, ok := podLabels[k]; ok {
					matchLabels[k] = v
				}
			}
			if len(matchLabels) > 0 {
				sel = mergeLabelSetWithSelector(matchLabels, sel)
			}
		}
		sc := spreadConstraint{
			maxSkew:            c.MaxSkew,
			topologyKey:        c.TopologyKey,
			selector:           sel,
			minDomains:         1,
			nodeAffinityPolicy: corev1.NodeInclusionPolicyHonor,
			nodeTaintsPolicy:   corev1.NodeInclusionPolicyIgnore,
		}
		if c.MinDomains != nil {
			sc.minDomains = *c.MinDomains
		}
		if c.NodeAffinityPolicy != nil {
			sc.nodeAffinityPolicy = *c.NodeAffinityPolicy
		}
		if c.NodeTaintsPolicy != nil {
			sc.nodeTaintsPolicy = *c.NodeTaintsPolicy
		}
		out = append(out, sc)
	}
	return out, nil
}

func mergeLabelSetWithSelector(matchLabels labels.Set, s labels.Selector) labels.Selector {
	merged := labels.SelectorFromSet(matchLabels)
	reqs, ok := s.Requirements()
	if !ok {
		return s
	}
	for _, r := range reqs {
		merged = merged.Add(r)
	}
	return merged
}

// includesNode applies the constraint's node inclusion policies: with
// Honor, nodes the pod could not land on (by affinity, or by taints) do not
// count as domains.
func (c *spreadConstraint) includesNode(pod *corev1.Pod, node *corev1.Node, required nodeaffinity.RequiredNodeAffinity) bool {
	if c.nodeAffinityPolicy == corev1.NodeInclusionPolicyHonor {
		if ok, _ := required.Match(node); !ok {
			return false
		}
	}
	if c.nodeTaintsPolicy == corev1.NodeInclusionPolicyHonor {
		for i := range node.Spec.Taints {
			t := &node.Spec.Taints[i]
			if (t.Effect == corev1.TaintEffectNoSchedule || t.Effect == corev1.TaintEffectNoExecute) &&
				!corev1helpers.TolerationsTolerateTaint(discardLogger, pod.Spec.Tolerations, t, true) {
				return false
			}
		}
	}
	return true
}

// nodeHasSpreadKeys reports whether the node has every constraint's key.
func nodeHasSpreadKeys(nodeLabels map[string]string, cs []spreadConstraint) bool {
	for i := range cs {
		if _, ok := nodeLabels[cs[i].topologyKey]; !ok {
			return false
		}
	}
	return true
}

var (
	rcKind = corev1.SchemeGroupVersion.WithKind("ReplicationController")
	rsKind = schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "ReplicaSet"}
	ssKind = schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "StatefulSet"}
)

// defaultSelector is upstream helper.DefaultSelector: the selectors of the
// services matching the pod, and of its controlling ReplicationController,
// ReplicaSet or StatefulSet, merged.
func defaultSelector(l *Listers, pod *corev1.Pod) labels.Selector {
	set := labels.Set{}
	if l.Services != nil {
		for _, svc := range l.Services(pod.Namespace) {
			// Services with a nil selector match nothing, not everything.
			if svc.Spec.Selector == nil {
				continue
			}
			if labels.Set(svc.Spec.Selector).AsSelectorPreValidated().Matches(labels.Set(pod.Labels)) {
				set = labels.Merge(set, svc.Spec.Selector)
			}
		}
	}
	selector := set.AsSelector()
	owner := metav1.GetControllerOfNoCopy(pod)
	if owner == nil {
		return selector
	}
	gv, err := schema.ParseGroupVersion(owner.APIVersion)
	if err != nil {
		return selector
	}
	var ls *metav1.LabelSelector
	switch gv.WithKind(owner.Kind) {
	case rcKind:
		if l.ReplicationController != nil {
			if rc := l.ReplicationController(pod.Namespace, owner.Name); rc != nil {
				return labels.Merge(set, rc.Spec.Selector).AsSelector()
			}
		}
		return selector
	case rsKind:
		if l.ReplicaSet != nil {
			if rs := l.ReplicaSet(pod.Namespace, owner.Name); rs != nil {
				ls = rs.Spec.Selector
			}
		}
	case ssKind:
		if l.StatefulSet != nil {
			if ss := l.StatefulSet(pod.Namespace, owner.Name); ss != nil {
				ls = ss.Spec.Selector
			}
		}
	}
	if ls == nil {
		return selector
	}
	if other, err := metav1.LabelSelectorAsSelector(ls); err == nil {
		if reqs, ok := other.Requirements(); ok {
			selector = selector.Add(reqs...)
		}
	}
	return selector
}
