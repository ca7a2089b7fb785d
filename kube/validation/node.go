package validation

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Nodes, as validation.go's ValidateNode and ValidateNodeUpdate, which
// upstream's node strategy uses for /status too: anyone may update a
// node's status, but taints, resources and pod CIDRs must be valid and
// pod CIDRs and the provider ID, once set, stay.

const nodeCIDRChangeMsg = "node updates may not change podCIDR except from \"\" to valid"

func validateNode(node *corev1.Node) field.ErrorList {
	allErrs := validateObjectMeta(&node.ObjectMeta, false, nameIsDNSSubdomain, metadataPath)
	// Upstream reports taints under metadata.
	allErrs = append(allErrs, validateNodeTaints(node.Spec.Taints, metadataPath.Child("taints"))...)
	allErrs = append(allErrs, validateNodeResources(node)...)
	cidrPath := specPath.Child("podCIDRs")
	for i, cidr := range node.Spec.PodCIDRs {
		allErrs = append(allErrs, validation.IsValidCIDR(cidrPath.Index(i), cidr)...)
	}
	if len(node.Spec.PodCIDRs) > 2 {
		allErrs = append(allErrs, field.TooMany(cidrPath, len(node.Spec.PodCIDRs), 2))
	}
	return allErrs
}

func validateNodeUpdate(node, old *corev1.Node) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&node.ObjectMeta, &old.ObjectMeta, metadataPath)
	allErrs = append(allErrs, validateNodeResources(node)...)
	addresses := map[corev1.NodeAddress]bool{}
	for i, a := range node.Status.Addresses {
		if addresses[a] {
			allErrs = append(allErrs, field.Duplicate(field.NewPath("status", "addresses").Index(i), a))
		}
		addresses[a] = true
	}
	if len(old.Spec.PodCIDRs) > 0 && strings.Join(old.Spec.PodCIDRs, ",") != strings.Join(node.Spec.PodCIDRs, ",") {
		allErrs = append(allErrs, field.Forbidden(specPath.Child("podCIDRs"), nodeCIDRChangeMsg))
	}
	if len(old.Spec.ProviderID) > 0 && old.Spec.ProviderID != node.Spec.ProviderID {
		allErrs = append(allErrs, field.Forbidden(specPath.Child("providerID"), "node updates may not change providerID except from \"\" to valid"))
	}
	return append(allErrs, validateNodeTaints(node.Spec.Taints, metadataPath.Child("taints"))...)
}

// validateNodeTaints: valid keys, values and effects, each key and
// effect pair once.
func validateNodeTaints(taints []corev1.Taint, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	seen := map[corev1.TaintEffect]sets.Set[string]{}
	for i, taint := range taints {
		idxPath := fldPath.Index(i)
		allErrs = append(allErrs, metav1validation.ValidateLabelName(taint.Key, idxPath.Child("key"))...)
		if errs := validation.IsValidLabelValue(taint.Value); len(errs) != 0 {
			allErrs = append(allErrs, field.Invalid(idxPath.Child("value"), taint.Value, strings.Join(errs, ";")))
		}
		if len(taint.Effect) == 0 {
			allErrs = append(allErrs, field.Required(idxPath.Child("effect"), ""))
		} else {
			allErrs = append(allErrs, validateTaintEffect(taint.Effect, idxPath.Child("effect"))...)
		}
		if seen[taint.Effect].Has(taint.Key) {
			dup := field.Duplicate(idxPath, taint)
			dup.Detail = "taints must be unique by key and effect pair"
			allErrs = append(allErrs, dup)
			continue
		}
		if seen[taint.Effect] == nil {
			seen[taint.Effect] = sets.Set[string]{}
		}
		seen[taint.Effect].Insert(taint.Key)
	}
	return allErrs
}

// validateNodeResources checks the names and quantities of a node's
// capacity and allocatable resources.
func validateNodeResources(node *corev1.Node) field.ErrorList {
	var allErrs field.ErrorList
	for _, list := range []struct {
		name  string
		items corev1.ResourceList
	}{{"capacity", node.Status.Capacity}, {"allocatable", node.Status.Allocatable}} {
		p := field.NewPath("status", list.name)
		for _, name := range sortedNames(list.items) {
			allErrs = append(allErrs, validateResourceName(name, p.Key(string(name)))...)
			allErrs = append(allErrs, validateResourceQuantityValue(name, list.items[name], p.Key(string(name)))...)
		}
	}
	return allErrs
}
