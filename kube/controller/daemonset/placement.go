package daemonset

import (
	"fmt"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	corev1helpers "k8s.io/component-helpers/scheduling/corev1"
	"k8s.io/component-helpers/scheduling/corev1/nodeaffinity"
	"k8s.io/klog/v2"
)

// Where a DaemonSet's pods go (upstream's NodeShouldRunDaemonPod and
// pkg/controller/daemon/util).

// templateGenerationLabel is the label of the deprecated template
// generation (extensions/v1beta1's DaemonSetTemplateGenerationKey).
const templateGenerationLabel = "pod-template-generation"

// placement answers, for one DaemonSet, whether a node should run its pod:
// the pod it would create, with the DaemonSet tolerations, and that pod's
// required node affinity, built once for every node.
type placement struct {
	nodeName string
	affinity nodeaffinity.RequiredNodeAffinity
	pod      *corev1.Pod
}

func newPlacement(ds *appsv1.DaemonSet) *placement {
	pod := &corev1.Pod{ObjectMeta: *ds.Spec.Template.ObjectMeta.DeepCopy(), Spec: *ds.Spec.Template.Spec.DeepCopy()}
	pod.Namespace = ds.Namespace
	addDaemonPodTolerations(&pod.Spec)
	return &placement{nodeName: ds.Spec.Template.Spec.NodeName, affinity: nodeaffinity.GetRequiredNodeAffinity(pod), pod: pod}
}

// shouldRun reports whether a pod should be created on node (shouldRun)
// and whether one already there may stay (shouldContinueRunning): a
// NoSchedule taint keeps new pods away, only a NoExecute taint the pod
// does not tolerate evicts it.
func (p *placement) shouldRun(node *corev1.Node) (shouldRun, shouldContinueRunning bool) {
	if p.nodeName != "" && p.nodeName != node.Name {
		return false, false
	}
	// Parse errors count as no match (upstream ignores them too).
	if fits, _ := p.affinity.Match(node); !fits {
		return false, false
	}
	tolerations := p.pod.Spec.Tolerations
	if _, untolerated := corev1helpers.FindMatchingUntoleratedTaint(klog.Background(), node.Spec.Taints, tolerations, func(t *corev1.Taint) bool {
		return t.Effect == corev1.TaintEffectNoExecute || t.Effect == corev1.TaintEffectNoSchedule
	}, true); !untolerated {
		return true, true
	}
	_, evicting := corev1helpers.FindMatchingUntoleratedTaint(klog.Background(), node.Spec.Taints, tolerations, func(t *corev1.Taint) bool {
		return t.Effect == corev1.TaintEffectNoExecute
	}, true)
	return false, !evicting
}

// NodeShouldRunDaemonPod reports whether node should run a pod of ds, and
// whether a pod of ds already there may keep running.
func NodeShouldRunDaemonPod(node *corev1.Node, ds *appsv1.DaemonSet) (shouldRun, shouldContinueRunning bool) {
	return newPlacement(ds).shouldRun(node)
}

// daemonTolerations are the tolerations every DaemonSet pod gets: it
// survives the node becoming not ready or unreachable, and is scheduled
// despite pressure and cordoning; a host-network pod also despite an
// unavailable network.
var daemonTolerations = []corev1.Toleration{
	{Key: corev1.TaintNodeNotReady, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute},
	{Key: corev1.TaintNodeUnreachable, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute},
	{Key: corev1.TaintNodeDiskPressure, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule},
	{Key: corev1.TaintNodeMemoryPressure, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule},
	{Key: corev1.TaintNodePIDPressure, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule},
	{Key: corev1.TaintNodeUnschedulable, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule},
}

var networkUnavailableToleration = corev1.Toleration{Key: corev1.TaintNodeNetworkUnavailable, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule}

// addDaemonPodTolerations adds the DaemonSet tolerations to spec
// (upstream's AddOrUpdateDaemonPodTolerations).
func addDaemonPodTolerations(spec *corev1.PodSpec) {
	for i := range daemonTolerations {
		addOrUpdateToleration(spec, &daemonTolerations[i])
	}
	if spec.HostNetwork {
		addOrUpdateToleration(spec, &networkUnavailableToleration)
	}
}

// addOrUpdateToleration replaces the toleration of the same key, operator,
// value and effect, or appends it (upstream's
// AddOrUpdateTolerationInPodSpec).
func addOrUpdateToleration(spec *corev1.PodSpec, t *corev1.Toleration) {
	out := make([]corev1.Toleration, 0, len(spec.Tolerations)+1)
	updated := false
	for i := range spec.Tolerations {
		if t.MatchToleration(&spec.Tolerations[i]) {
			if equality.Semantic.DeepEqual(*t, spec.Tolerations[i]) {
				return
			}
			out = append(out, *t)
			updated = true
			continue
		}
		out = append(out, spec.Tolerations[i])
	}
	if !updated {
		out = append(out, *t)
	}
	spec.Tolerations = out
}

// podTemplate is the template of new pods: the DaemonSet's, with the
// tolerations, the template generation (if any) and the hash labels
// (upstream's CreatePodTemplate).
func podTemplate(ds *appsv1.DaemonSet, generation *int64, hash string) corev1.PodTemplateSpec {
	t := *ds.Spec.Template.DeepCopy()
	addDaemonPodTolerations(&t.Spec)
	if t.Labels == nil {
		t.Labels = map[string]string{}
	}
	if generation != nil {
		t.Labels[templateGenerationLabel] = fmt.Sprint(*generation)
	}
	if hash != "" {
		t.Labels[appsv1.DefaultDaemonSetUniqueLabelKey] = hash
	}
	return t
}

// pinToNode replaces the required node affinity's terms with one that
// matches only the node's name, so that the scheduler binds the pod there
// (upstream's ReplaceDaemonSetPodNodeNameNodeAffinity). The template's own
// affinity already matched the node, so nothing is lost.
func pinToNode(affinity *corev1.Affinity, node string) *corev1.Affinity {
	term := corev1.NodeSelectorTerm{MatchFields: []corev1.NodeSelectorRequirement{{
		Key: metav1.ObjectNameField, Operator: corev1.NodeSelectorOpIn, Values: []string{node},
	}}}
	if affinity == nil {
		affinity = &corev1.Affinity{}
	}
	if affinity.NodeAffinity == nil {
		affinity.NodeAffinity = &corev1.NodeAffinity{}
	}
	if affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution == nil {
		affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution = &corev1.NodeSelector{}
	}
	affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms = []corev1.NodeSelectorTerm{term}
	return affinity
}

// targetNode is the node a pod is for: its spec.nodeName once bound, else
// the node its metadata.name affinity pins it to (upstream's
// GetTargetNodeName).
func targetNode(pod *corev1.Pod) (string, error) {
	if pod.Spec.NodeName != "" {
		return pod.Spec.NodeName, nil
	}
	a := pod.Spec.Affinity
	if a == nil || a.NodeAffinity == nil || a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution == nil {
		return "", fmt.Errorf("no spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution for pod %s/%s", pod.Namespace, pod.Name)
	}
	terms := a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms
	if len(terms) < 1 {
		return "", fmt.Errorf("no nodeSelectorTerms in requiredDuringSchedulingIgnoredDuringExecution of pod %s/%s", pod.Namespace, pod.Name)
	}
	for _, term := range terms {
		for _, exp := range term.MatchFields {
			if exp.Key == metav1.ObjectNameField && exp.Operator == corev1.NodeSelectorOpIn {
				if len(exp.Values) != 1 {
					return "", fmt.Errorf("the matchFields value of '%s' is not unique for pod %s/%s", metav1.ObjectNameField, pod.Namespace, pod.Name)
				}
				return exp.Values[0], nil
			}
		}
	}
	return "", fmt.Errorf("no node name found for pod %s/%s", pod.Namespace, pod.Name)
}

// templateGeneration reads the deprecated template generation annotation;
// nil when there is none or it does not parse.
func templateGeneration(ds *appsv1.DaemonSet) *int64 {
	s, ok := ds.Annotations[appsv1.DeprecatedTemplateGeneration]
	if !ok {
		return nil
	}
	g, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return nil
	}
	return &g
}

// isPodUpdated: the pod carries the current hash, or the current template
// generation.
func isPodUpdated(pod *corev1.Pod, hash string, generation *int64) bool {
	templateMatches := generation != nil && pod.Labels[templateGenerationLabel] == fmt.Sprint(*generation)
	hashMatches := hash != "" && pod.Labels[appsv1.DefaultDaemonSetUniqueLabelKey] == hash
	return hashMatches || templateMatches
}

// surgeCount is how many extra pods a rolling update may create out of n
// (0 unless RollingUpdate asks for it; a percentage rounds up).
func surgeCount(ds *appsv1.DaemonSet, n int) (int, error) {
	ru := ds.Spec.UpdateStrategy.RollingUpdate
	if ds.Spec.UpdateStrategy.Type != appsv1.RollingUpdateDaemonSetStrategyType || ru == nil || ru.MaxSurge == nil {
		return 0, nil
	}
	return intstr.GetScaledValueFromIntOrPercent(ru.MaxSurge, n, true)
}

// unavailableCount is how many pods a rolling update may take down out of
// n (a percentage rounds up).
func unavailableCount(ds *appsv1.DaemonSet, n int) (int, error) {
	ru := ds.Spec.UpdateStrategy.RollingUpdate
	if ds.Spec.UpdateStrategy.Type != appsv1.RollingUpdateDaemonSetStrategyType || ru == nil {
		return 0, nil
	}
	return intstr.GetScaledValueFromIntOrPercent(ru.MaxUnavailable, n, true)
}

// allowsSurge: the DaemonSet may run two pods on a node during an update.
func allowsSurge(ds *appsv1.DaemonSet) bool {
	n, err := surgeCount(ds, 1)
	return err == nil && n > 0
}
