package admission

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/utils/ptr"
)

// DefaultTolerationSecondsName is the plugin's name in kube-apiserver's
// --enable-admission-plugins.
const DefaultTolerationSecondsName = "DefaultTolerationSeconds"

// defaultTolerationSeconds is kube-apiserver's
// --default-not-ready-toleration-seconds and
// --default-unreachable-toleration-seconds.
const defaultTolerationSeconds = int64(300)

// DefaultTolerationSeconds reproduces upstream's admission plugin of that
// name (plugin/pkg/admission/defaulttolerationseconds): a pod that does
// not tolerate the node.kubernetes.io/not-ready or
// node.kubernetes.io/unreachable NoExecute taint gets a toleration for it
// with tolerationSeconds 300, so that the taint-eviction controller moves
// it off a failed node after five minutes instead of at once. A
// toleration with an empty key or an empty effect counts as tolerating.
type DefaultTolerationSeconds struct{}

var _ admission.MutationInterface = DefaultTolerationSeconds{}

// Handles implements admission.Interface: pods are defaulted on create
// and update, as upstream does.
func (DefaultTolerationSeconds) Handles(op admission.Operation) bool {
	return op == admission.Create || op == admission.Update
}

// Admit adds the missing tolerations.
func (DefaultTolerationSeconds) Admit(ctx context.Context, a admission.Attributes, o admission.ObjectInterfaces) error {
	if a.GetResource().GroupResource() != podsResource || a.GetSubresource() != "" {
		return nil
	}
	pod, ok := a.GetObject().(*corev1.Pod)
	if !ok {
		return apierrors.NewBadRequest("resource was marked with kind Pod but was unable to be converted")
	}
	notReady, unreachable := false, false
	for _, t := range pod.Spec.Tolerations {
		if t.Effect != corev1.TaintEffectNoExecute && t.Effect != "" {
			continue
		}
		notReady = notReady || t.Key == corev1.TaintNodeNotReady || t.Key == ""
		unreachable = unreachable || t.Key == corev1.TaintNodeUnreachable || t.Key == ""
	}
	if !notReady {
		pod.Spec.Tolerations = append(pod.Spec.Tolerations, defaultToleration(corev1.TaintNodeNotReady))
	}
	if !unreachable {
		pod.Spec.Tolerations = append(pod.Spec.Tolerations, defaultToleration(corev1.TaintNodeUnreachable))
	}
	return nil
}

func defaultToleration(key string) corev1.Toleration {
	return corev1.Toleration{
		Key:               key,
		Operator:          corev1.TolerationOpExists,
		Effect:            corev1.TaintEffectNoExecute,
		TolerationSeconds: ptr.To(defaultTolerationSeconds),
	}
}
