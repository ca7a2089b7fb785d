package validation

import (
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"
)

// Deployments and ReplicaSets, as pkg/apis/apps/validation and the
// strategies of pkg/registry/apps/{deployment,replicaset}.

func validateDeployment(d *appsv1.Deployment) field.ErrorList {
	allErrs := validateObjectMeta(&d.ObjectMeta, true, nameIsDNSSubdomain, metadataPath)
	return append(allErrs, validateDeploymentSpec(&d.Spec, specPath, podOpts{})...)
}

func validateDeploymentUpdate(d, old *appsv1.Deployment) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&d.ObjectMeta, &old.ObjectMeta, metadataPath)
	allErrs = append(allErrs, validateDeploymentSpec(&d.Spec, specPath, templateOpts(&old.Spec.Template))...)
	return append(allErrs, validateSelectorImmutable(d.Spec.Selector, old.Spec.Selector)...)
}

func validateDeploymentSpec(spec *appsv1.DeploymentSpec, fldPath *field.Path, opts podOpts) field.ErrorList {
	allErrs := validateNonnegativeField(int64(ptr.Deref(spec.Replicas, 1)), fldPath.Child("replicas"))
	allErrs = append(allErrs, validateWorkloadSelector(spec.Selector, "deployment", fldPath.Child("selector"))...)
	allErrs = append(allErrs, validateReplicatedTemplate(&spec.Template, spec.Selector, fldPath.Child("selector"), fldPath.Child("template"), opts)...)
	allErrs = append(allErrs, validateDeploymentStrategy(&spec.Strategy, fldPath.Child("strategy"))...)
	allErrs = append(allErrs, validateNonnegativeField(int64(spec.MinReadySeconds), fldPath.Child("minReadySeconds"))...)
	if spec.RevisionHistoryLimit != nil {
		allErrs = append(allErrs, validateNonnegativeField(int64(*spec.RevisionHistoryLimit), fldPath.Child("revisionHistoryLimit"))...)
	}
	if spec.ProgressDeadlineSeconds != nil {
		p := fldPath.Child("progressDeadlineSeconds")
		allErrs = append(allErrs, validateNonnegativeField(int64(*spec.ProgressDeadlineSeconds), p)...)
		if *spec.ProgressDeadlineSeconds <= spec.MinReadySeconds {
			allErrs = append(allErrs, field.Invalid(p, *spec.ProgressDeadlineSeconds, "must be greater than minReadySeconds"))
		}
	}
	return allErrs
}

func validateDeploymentStrategy(s *appsv1.DeploymentStrategy, fldPath *field.Path) field.ErrorList {
	switch s.Type {
	case appsv1.RecreateDeploymentStrategyType:
		if s.RollingUpdate != nil {
			return field.ErrorList{field.Forbidden(fldPath.Child("rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'")}
		}
	case appsv1.RollingUpdateDeploymentStrategyType:
		if s.RollingUpdate == nil {
			return field.ErrorList{field.Required(fldPath.Child("rollingUpdate"), "this should be defaulted and never be nil")}
		}
		return validateRollingUpdateDeployment(s.RollingUpdate, fldPath.Child("rollingUpdate"))
	default:
		return field.ErrorList{field.NotSupported(fldPath, *s, []string{string(appsv1.RecreateDeploymentStrategyType), string(appsv1.RollingUpdateDeploymentStrategyType)})}
	}
	return nil
}

func validateRollingUpdateDeployment(ru *appsv1.RollingUpdateDeployment, fldPath *field.Path) field.ErrorList {
	maxUnavailable := ptr.Deref(ru.MaxUnavailable, intstr.FromString("25%"))
	maxSurge := ptr.Deref(ru.MaxSurge, intstr.FromString("25%"))
	allErrs := validatePositiveIntOrPercent(maxUnavailable, fldPath.Child("maxUnavailable"))
	allErrs = append(allErrs, validatePositiveIntOrPercent(maxSurge, fldPath.Child("maxSurge"))...)
	u, _ := intOrPercentValue(maxUnavailable)
	s, _ := intOrPercentValue(maxSurge)
	if u == 0 && s == 0 {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("maxUnavailable"), maxUnavailable, "may not be 0 when `maxSurge` is 0"))
	}
	return append(allErrs, isNotMoreThan100Percent(maxUnavailable, fldPath.Child("maxUnavailable"))...)
}

func validateDeploymentStatusUpdate(d, old *appsv1.Deployment) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&d.ObjectMeta, &old.ObjectMeta, metadataPath)
	st, statusPath := d.Status, field.NewPath("status")
	replicas := replicaCount{"replicas", st.Replicas}
	updated := replicaCount{"updatedReplicas", st.UpdatedReplicas}
	ready := replicaCount{"readyReplicas", st.ReadyReplicas}
	available := replicaCount{"availableReplicas", st.AvailableReplicas}
	counts := []replicaCount{replicas, updated, ready, available, {"unavailableReplicas", st.UnavailableReplicas}}
	allErrs = append(allErrs, validateWorkloadStatus(st.ObservedGeneration, counts, st.CollisionCount, old.Status.CollisionCount, statusPath)...)
	for _, c := range []replicaCount{updated, ready, available} {
		allErrs = append(allErrs, notAbove(c, st.Replicas, "status.replicas", statusPath)...)
	}
	return append(allErrs, notAbove(available, st.ReadyReplicas, "readyReplicas", statusPath)...)
}

func validateReplicaSet(rs *appsv1.ReplicaSet) field.ErrorList {
	allErrs := validateObjectMeta(&rs.ObjectMeta, true, nameIsDNSSubdomain, metadataPath)
	return append(allErrs, validateReplicaSetSpec(&rs.Spec, specPath, podOpts{})...)
}

func validateReplicaSetUpdate(rs, old *appsv1.ReplicaSet) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&rs.ObjectMeta, &old.ObjectMeta, metadataPath)
	allErrs = append(allErrs, validateReplicaSetSpec(&rs.Spec, specPath, templateOpts(&old.Spec.Template))...)
	return append(allErrs, validateSelectorImmutable(rs.Spec.Selector, old.Spec.Selector)...)
}

func validateReplicaSetSpec(spec *appsv1.ReplicaSetSpec, fldPath *field.Path, opts podOpts) field.ErrorList {
	allErrs := validateNonnegativeField(int64(ptr.Deref(spec.Replicas, 1)), fldPath.Child("replicas"))
	allErrs = append(allErrs, validateNonnegativeField(int64(spec.MinReadySeconds), fldPath.Child("minReadySeconds"))...)
	// Upstream's message says "deployment" for ReplicaSets too.
	allErrs = append(allErrs, validateWorkloadSelector(spec.Selector, "deployment", fldPath.Child("selector"))...)
	return append(allErrs, validateReplicatedTemplate(&spec.Template, spec.Selector, fldPath.Child("selector"), fldPath.Child("template"), opts)...)
}

func validateReplicaSetStatusUpdate(rs, old *appsv1.ReplicaSet) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&rs.ObjectMeta, &old.ObjectMeta, metadataPath)
	st, statusPath := rs.Status, field.NewPath("status")
	labeled := replicaCount{"fullyLabeledReplicas", st.FullyLabeledReplicas}
	ready := replicaCount{"readyReplicas", st.ReadyReplicas}
	available := replicaCount{"availableReplicas", st.AvailableReplicas}
	counts := []replicaCount{{"replicas", st.Replicas}, labeled, ready, available}
	allErrs = append(allErrs, validateWorkloadStatus(st.ObservedGeneration, counts, nil, nil, statusPath)...)
	for _, c := range []replicaCount{labeled, ready, available} {
		allErrs = append(allErrs, notAbove(c, st.Replicas, "status.replicas", statusPath)...)
	}
	return append(allErrs, notAbove(available, st.ReadyReplicas, "readyReplicas", statusPath)...)
}
