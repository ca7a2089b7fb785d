package validation

import (
	"fmt"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// What the apps/v1 workloads share, as pkg/apis/apps/validation: a
// selector that selects the template's labels, and a template whose pods
// restart always. Each kind is in its own file (deployment.go,
// replicaset.go, statefulset.go, daemonset.go).

// validateWorkloadSelector checks spec.selector: required, valid, not
// empty. kind names the workload in upstream's message.
func validateWorkloadSelector(sel *metav1.LabelSelector, kind string, fldPath *field.Path) field.ErrorList {
	if sel == nil {
		return field.ErrorList{field.Required(fldPath, "")}
	}
	allErrs := metav1validation.ValidateLabelSelector(sel, metav1validation.LabelSelectorValidationOptions{}, fldPath)
	if len(sel.MatchLabels)+len(sel.MatchExpressions) == 0 {
		allErrs = append(allErrs, field.Invalid(fldPath, sel, "empty selector is invalid for "+kind))
	}
	return allErrs
}

// selectorMatchesTemplate reports template labels the selector does not
// select.
func selectorMatchesTemplate(sel labels.Selector, tmpl *corev1.PodTemplateSpec, fldPath *field.Path) field.ErrorList {
	if sel.Empty() || sel.Matches(labels.Set(tmpl.Labels)) {
		return nil
	}
	return field.ErrorList{field.Invalid(fldPath.Child("metadata", "labels"), tmpl.Labels, "`selector` does not match template `labels`")}
}

// validateReplicatedTemplate is upstream's ValidatePodTemplateSpecForReplicaSet,
// shared by Deployments and ReplicaSets.
func validateReplicatedTemplate(tmpl *corev1.PodTemplateSpec, sel *metav1.LabelSelector, selPath, fldPath *field.Path, opts podOpts) field.ErrorList {
	selector, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		return field.ErrorList{field.Invalid(selPath, sel, "invalid label selector")}
	}
	allErrs := selectorMatchesTemplate(selector, tmpl, fldPath)
	allErrs = append(allErrs, validatePodTemplateSpec(tmpl, fldPath, opts)...)
	if tmpl.Spec.RestartPolicy != corev1.RestartPolicyAlways {
		allErrs = append(allErrs, field.NotSupported(fldPath.Child("spec", "restartPolicy"), tmpl.Spec.RestartPolicy, []corev1.RestartPolicy{corev1.RestartPolicyAlways}))
	}
	if tmpl.Spec.ActiveDeadlineSeconds != nil {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("spec", "activeDeadlineSeconds"), *tmpl.Spec.ActiveDeadlineSeconds, "activeDeadlineSeconds in ReplicaSet is not Supported"))
	}
	return allErrs
}

// templateOpts are the pod options of a template, relaxed by what the
// old template already had.
func templateOpts(old *corev1.PodTemplateSpec) podOpts {
	if old == nil {
		return podOpts{}
	}
	opts := podOptsForUpdate(&old.Spec, &old.Spec)
	opts.resourceIsPod = false
	return opts
}

// validatePositiveIntOrPercent: a non-negative number or a percentage.
func validatePositiveIntOrPercent(v intstr.IntOrString, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	switch v.Type {
	case intstr.String:
		for _, msg := range validation.IsValidPercent(v.StrVal) {
			allErrs = append(allErrs, field.Invalid(fldPath, v, msg))
		}
	case intstr.Int:
		allErrs = append(allErrs, validateNonnegativeField(int64(v.IntValue()), fldPath)...)
	}
	return allErrs
}

// intOrPercentValue is the number, or the percentage without its sign.
func intOrPercentValue(v intstr.IntOrString) (int, bool) {
	if v.Type == intstr.Int {
		return v.IntValue(), false
	}
	n, err := strconv.Atoi(strings.TrimSuffix(v.StrVal, "%"))
	if err != nil {
		return 0, false
	}
	return n, true
}

func isNotMoreThan100Percent(v intstr.IntOrString, fldPath *field.Path) field.ErrorList {
	if n, isPercent := intOrPercentValue(v); isPercent && n > 100 {
		return field.ErrorList{field.Invalid(fldPath, v, "must not be greater than 100%")}
	}
	return nil
}

// validateWorkloadStatus checks the replica counts every apps/v1 status
// has: none negative, none above status.replicas.
func validateWorkloadStatus(observedGeneration int64, counts []replicaCount, collision, oldCollision *int32, fldPath *field.Path) field.ErrorList {
	allErrs := validateNonnegativeField(observedGeneration, fldPath.Child("observedGeneration"))
	for _, c := range counts {
		allErrs = append(allErrs, validateNonnegativeField(int64(c.value), fldPath.Child(c.name))...)
	}
	if collision != nil {
		allErrs = append(allErrs, validateNonnegativeField(int64(*collision), fldPath.Child("collisionCount"))...)
		if oldCollision != nil && *collision < *oldCollision {
			allErrs = append(allErrs, field.Invalid(fldPath.Child("collisionCount"), *collision, "cannot be decremented"))
		}
	}
	return allErrs
}

// replicaCount is one named count of a workload's status.
type replicaCount struct {
	name  string
	value int32
}

// notAbove reports a count above a bound it may not exceed.
func notAbove(c replicaCount, bound int32, boundName string, fldPath *field.Path) field.ErrorList {
	if c.value > bound {
		return field.ErrorList{field.Invalid(fldPath.Child(c.name), c.value, fmt.Sprintf("cannot be greater than %s", boundName))}
	}
	return nil
}

// validateSelectorImmutable: apps/v1 fixes a workload's selector.
func validateSelectorImmutable(sel, old *metav1.LabelSelector) field.ErrorList {
	return validateImmutableField(sel, old, specPath.Child("selector"))
}

func labelsOf(tmpl *corev1.PodTemplateSpec) labels.Set { return labels.Set(tmpl.Labels) }

func intstr0() intstr.IntOrString { return intstr.FromInt32(0) }
