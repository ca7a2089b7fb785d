package validation

import (
	"fmt"
	"math"
	"reflect"
	"strings"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Pod updates, as validation.go's ValidatePodUpdate and
// ValidatePodStatusUpdate: a pod's spec is fixed once created, but for
// container images, a shrinking activeDeadlineSeconds, added
// tolerations, removed scheduling gates and a negative grace period
// raised to 1.

var updatablePodSpecFields = []string{
	"`spec.containers[*].image`",
	"`spec.initContainers[*].image`",
	"`spec.activeDeadlineSeconds`",
	"`spec.tolerations` (only additions to existing tolerations)",
	"`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
}

func validatePodUpdate(pod, old *corev1.Pod) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&pod.ObjectMeta, &old.ObjectMeta, metadataPath)
	allErrs = append(allErrs, validatePodMetadataAndSpec(pod, podOptsForUpdate(&pod.Spec, &old.Spec))...)
	errs, stop := validateContainerUpdates(pod.Spec.Containers, old.Spec.Containers, specPath.Child("containers"))
	allErrs = append(allErrs, errs...)
	if stop {
		return allErrs
	}
	errs, stop = validateContainerUpdates(pod.Spec.InitContainers, old.Spec.InitContainers, specPath.Child("initContainers"))
	allErrs = append(allErrs, errs...)
	if stop {
		return allErrs
	}
	if errs := validateActiveDeadlineUpdate(pod.Spec.ActiveDeadlineSeconds, old.Spec.ActiveDeadlineSeconds); errs != nil {
		return append(allErrs, errs...)
	}
	allErrs = append(allErrs, validateOnlyAddedTolerations(pod.Spec.Tolerations, old.Spec.Tolerations, specPath.Child("tolerations"))...)
	allErrs = append(allErrs, validateOnlyDeletedSchedulingGates(pod.Spec.SchedulingGates, old.Spec.SchedulingGates, specPath.Child("schedulingGates"))...)
	if apiequality.Semantic.DeepEqual(pod.Spec, old.Spec) {
		return allErrs
	}
	munged := mungePodSpec(&pod.Spec, &old.Spec)
	if !apiequality.Semantic.DeepEqual(*munged, old.Spec) {
		diff := cmp.Diff(old.Spec, *munged)
		allErrs = append(allErrs, field.Forbidden(specPath, fmt.Sprintf("pod updates may not change fields other than %s\n%v",
			strings.Join(updatablePodSpecFields, ","), diff)))
	}
	return allErrs
}

// podOptsForUpdate keeps accepting what the old spec already had.
func podOptsForUpdate(spec, old *corev1.PodSpec) podOpts {
	opts := podOpts{resourceIsPod: true}
	for _, v := range old.Volumes {
		if v.Projected == nil {
			continue
		}
		for _, s := range v.Projected.Sources {
			if s.ServiceAccountToken != nil && strings.Contains(s.ServiceAccountToken.Path, "..") {
				opts.allowNonLocalProjectedTokenPath = true
			}
		}
	}
	return opts
}

// mungePodSpec returns spec with the fields a pod update may change set
// to old's.
func mungePodSpec(spec, old *corev1.PodSpec) *corev1.PodSpec {
	m := spec.DeepCopy()
	for i := range m.Containers {
		m.Containers[i].Image = old.Containers[i].Image
	}
	for i := range m.InitContainers {
		m.InitContainers[i].Image = old.InitContainers[i].Image
	}
	m.ActiveDeadlineSeconds = old.ActiveDeadlineSeconds
	m.SchedulingGates = old.SchedulingGates
	m.Tolerations = old.Tolerations
	if old.TerminationGracePeriodSeconds != nil && *old.TerminationGracePeriodSeconds < 0 &&
		m.TerminationGracePeriodSeconds != nil && *m.TerminationGracePeriodSeconds == 1 {
		m.TerminationGracePeriodSeconds = old.TerminationGracePeriodSeconds
	}
	// A gated pod may gain node selector entries and node affinity.
	if len(old.SchedulingGates) > 0 {
		m.NodeSelector = old.NodeSelector
		m.Affinity = old.Affinity
	}
	return m
}

// validateContainerUpdates: the same containers, each with an image.
func validateContainerUpdates(containers, old []corev1.Container, fldPath *field.Path) (field.ErrorList, bool) {
	if len(containers) != len(old) {
		return field.ErrorList{field.Forbidden(fldPath, "pod updates may not add or remove containers")}, true
	}
	var allErrs field.ErrorList
	for i, c := range containers {
		if len(c.Image) == 0 {
			allErrs = append(allErrs, field.Required(fldPath.Index(i).Child("image"), ""))
		}
	}
	return allErrs, false
}

// validateActiveDeadlineUpdate: the deadline may be set or lowered, not
// raised or removed.
func validateActiveDeadlineUpdate(deadline, old *int64) field.ErrorList {
	p := specPath.Child("activeDeadlineSeconds")
	if deadline == nil {
		if old != nil {
			return field.ErrorList{field.Invalid(p, deadline, "must not update from a positive integer to nil value")}
		}
		return nil
	}
	if *deadline < 0 || *deadline > math.MaxInt32 {
		return field.ErrorList{field.Invalid(p, *deadline, validation.InclusiveRangeError(0, math.MaxInt32))}
	}
	if old != nil && *old < *deadline {
		return field.ErrorList{field.Invalid(p, *deadline, "must be less than or equal to previous value")}
	}
	return nil
}

// validateOnlyAddedTolerations: every old toleration is kept, but for its
// tolerationSeconds.
func validateOnlyAddedTolerations(tolerations, old []corev1.Toleration, fldPath *field.Path) field.ErrorList {
	for _, o := range old {
		found := false
		for _, t := range tolerations {
			o.TolerationSeconds = t.TolerationSeconds
			if reflect.DeepEqual(o, t) {
				found = true
				break
			}
		}
		if !found {
			return field.ErrorList{field.Forbidden(fldPath, "existing toleration can not be modified except its tolerationSeconds")}
		}
	}
	return validateTolerations(tolerations, fldPath)
}

// validateOnlyDeletedSchedulingGates: gates may be removed, not added.
func validateOnlyDeletedSchedulingGates(gates, old []corev1.PodSchedulingGate, fldPath *field.Path) field.ErrorList {
	if len(gates) == 0 {
		return nil
	}
	oldNames := map[string]bool{}
	for _, g := range old {
		oldNames[g.Name] = true
	}
	for _, g := range gates {
		if !oldNames[g.Name] {
			return field.ErrorList{field.Forbidden(fldPath, "only deletion is allowed, but found new scheduling gate '"+g.Name+"'")}
		}
	}
	return nil
}

var systemPodConditions = sets.New(corev1.PodScheduled, corev1.PodReady, corev1.PodInitialized)

// validatePodStatusUpdate checks what a kubelet or scheduler writes.
func validatePodStatusUpdate(pod, old *corev1.Pod) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&pod.ObjectMeta, &old.ObjectMeta, metadataPath)
	statusPath := field.NewPath("status")
	for i, c := range pod.Status.Conditions {
		if systemPodConditions.Has(c.Type) {
			continue
		}
		allErrs = append(allErrs, validateQualifiedName(string(c.Type), statusPath.Child("conditions").Index(i).Child("Type"))...)
	}
	if pod.Spec.NodeName != old.Spec.NodeName {
		allErrs = append(allErrs, field.Forbidden(statusPath.Child("nodeName"), "may not be changed directly"))
	}
	if n := pod.Status.NominatedNodeName; n != old.Status.NominatedNodeName && len(n) > 0 {
		allErrs = append(allErrs, validateName(nameIsDNSSubdomain, n, statusPath.Child("nominatedNodeName"))...)
	}
	allErrs = append(allErrs, validateContainerStateTransition(pod.Status.ContainerStatuses, old.Status.ContainerStatuses, statusPath.Child("containerStatuses"), old.Spec.RestartPolicy)...)
	return append(allErrs, validatePodIPs(pod)...)
}

// validateContainerStateTransition: in a pod that does not restart its
// containers, a terminated container stays terminated.
func validateContainerStateTransition(statuses, old []corev1.ContainerStatus, fldPath *field.Path, restartPolicy corev1.RestartPolicy) field.ErrorList {
	if restartPolicy == corev1.RestartPolicyAlways {
		return nil
	}
	var allErrs field.ErrorList
	for i, s := range statuses {
		for _, o := range old {
			if o.Name != s.Name || o.State.Terminated == nil || s.State.Terminated != nil {
				continue
			}
			if restartPolicy == corev1.RestartPolicyNever || o.State.Terminated.ExitCode == 0 {
				allErrs = append(allErrs, field.Forbidden(fldPath.Index(i).Child("state"), "may not be transitioned to non-terminated state"))
			}
		}
	}
	return allErrs
}
