package validation

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"
)

// PodTemplates and ReplicationControllers, the core kinds that hold a pod
// template, as validation.go's ValidatePodTemplate and
// ValidateReplicationController.

var templatePath = field.NewPath("template")

func validatePodTemplate(pt *corev1.PodTemplate) field.ErrorList {
	allErrs := validateObjectMeta(&pt.ObjectMeta, true, nameIsDNSSubdomain, metadataPath)
	return append(allErrs, validatePodTemplateSpec(&pt.Template, templatePath, podOpts{})...)
}

func validatePodTemplateUpdate(pt, old *corev1.PodTemplate) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&pt.ObjectMeta, &old.ObjectMeta, metadataPath)
	return append(allErrs, validatePodTemplateSpec(&pt.Template, templatePath, templateOpts(&old.Template))...)
}

func validateReplicationController(rc *corev1.ReplicationController) field.ErrorList {
	allErrs := validateObjectMeta(&rc.ObjectMeta, true, nameIsDNSSubdomain, metadataPath)
	return append(allErrs, validateRCSpec(&rc.Spec, podOpts{})...)
}

func validateReplicationControllerUpdate(rc, old *corev1.ReplicationController) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&rc.ObjectMeta, &old.ObjectMeta, metadataPath)
	var opts podOpts
	if old.Spec.Template != nil {
		opts = templateOpts(old.Spec.Template)
	}
	return append(allErrs, validateRCSpec(&rc.Spec, opts)...)
}

func validateRCSpec(spec *corev1.ReplicationControllerSpec, opts podOpts) field.ErrorList {
	allErrs := validateNonnegativeField(int64(spec.MinReadySeconds), specPath.Child("minReadySeconds"))
	if len(spec.Selector) == 0 {
		allErrs = append(allErrs, field.Required(specPath.Child("selector"), ""))
	}
	allErrs = append(allErrs, validateNonnegativeField(int64(ptr.Deref(spec.Replicas, 1)), specPath.Child("replicas"))...)
	tmplPath := specPath.Child("template")
	tmpl := spec.Template
	if tmpl == nil {
		return append(allErrs, field.Required(tmplPath, ""))
	}
	allErrs = append(allErrs, selectorMatchesTemplate(labels.Set(spec.Selector).AsSelector(), tmpl, tmplPath)...)
	allErrs = append(allErrs, validatePodTemplateSpec(tmpl, tmplPath, opts)...)
	if tmpl.Spec.RestartPolicy != corev1.RestartPolicyAlways {
		allErrs = append(allErrs, field.NotSupported(tmplPath.Child("spec", "restartPolicy"), tmpl.Spec.RestartPolicy, []corev1.RestartPolicy{corev1.RestartPolicyAlways}))
	}
	if tmpl.Spec.ActiveDeadlineSeconds != nil {
		allErrs = append(allErrs, field.Forbidden(tmplPath.Child("spec", "activeDeadlineSeconds"), "activeDeadlineSeconds in ReplicationController is not Supported"))
	}
	return allErrs
}
