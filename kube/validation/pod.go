package validation

import (
	"math"

	corev1 "k8s.io/api/core/v1"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"
)

// Pods and pod templates, as validation.go's ValidatePodCreate,
// ValidatePodSpec and ValidatePodTemplateSpec. The fields of a pod spec
// other than containers and volumes are in pod_fields.go, updates in
// pod_update.go.

// podOpts are the PodValidationOptions upstream derives from the feature
// gates and the old object; kubesim's gates are fixed at their defaults,
// so only what depends on the object varies.
type podOpts struct {
	// resourceIsPod is true for a Pod, false for a template.
	resourceIsPod bool
	// allowIndivisibleHugePagesValues keeps accepting what an old object
	// already had.
	allowIndivisibleHugePagesValues bool
	// allowNonLocalProjectedTokenPath likewise.
	allowNonLocalProjectedTokenPath bool
}

var specPath = field.NewPath("spec")

func validatePod(pod *corev1.Pod) field.ErrorList {
	opts := podOpts{resourceIsPod: true}
	allErrs := validatePodMetadataAndSpec(pod, opts)
	if len(pod.Spec.EphemeralContainers) > 0 {
		allErrs = append(allErrs, field.Forbidden(specPath.Child("ephemeralContainers"), "cannot be set on create"))
	}
	if pod.Spec.NodeName != "" && len(pod.Spec.SchedulingGates) != 0 {
		allErrs = append(allErrs, field.Forbidden(specPath.Child("nodeName"), "cannot be set until all schedulingGates have been cleared"))
	}
	return append(allErrs, validatePodIPs(pod)...)
}

func validatePodMetadataAndSpec(pod *corev1.Pod, opts podOpts) field.ErrorList {
	allErrs := validateObjectMeta(&pod.ObjectMeta, true, nameIsDNSSubdomain, metadataPath)
	allErrs = append(allErrs, validatePodSpec(&pod.Spec, &pod.ObjectMeta, specPath, opts)...)
	for i := range pod.Spec.Containers {
		allErrs = append(allErrs, validateContainerOnlyForPod(&pod.Spec.Containers[i], specPath.Child("containers").Index(i))...)
	}
	for i := range pod.Spec.InitContainers {
		allErrs = append(allErrs, validateContainerOnlyForPod(&pod.Spec.InitContainers[i], specPath.Child("initContainers").Index(i))...)
	}
	return allErrs
}

// validatePodTemplateSpec checks the pod template of a workload.
func validatePodTemplateSpec(tmpl *corev1.PodTemplateSpec, fldPath *field.Path, opts podOpts) field.ErrorList {
	allErrs := metav1validation.ValidateLabels(tmpl.Labels, fldPath.Child("labels"))
	allErrs = append(allErrs, apimachineryvalidation.ValidateAnnotations(tmpl.Annotations, fldPath.Child("annotations"))...)
	allErrs = append(allErrs, validatePodSpec(&tmpl.Spec, nil, fldPath.Child("spec"), opts)...)
	if len(tmpl.Spec.EphemeralContainers) > 0 {
		allErrs = append(allErrs, field.Forbidden(fldPath.Child("spec", "ephemeralContainers"), "ephemeral containers not allowed in pod template"))
	}
	return allErrs
}

// validatePodSpec checks a pod's spec; podMeta is nil for a template.
func validatePodSpec(spec *corev1.PodSpec, podMeta *metav1.ObjectMeta, fldPath *field.Path, opts podOpts) field.ErrorList {
	vols, allErrs := validateVolumes(spec.Volumes, podMeta, fldPath.Child("volumes"), opts)
	pc := &podCtx{
		volumes:       vols,
		claimNames:    sets.Set[string]{},
		gracePeriod:   spec.TerminationGracePeriodSeconds,
		restartPolicy: spec.RestartPolicy,
		hostUsers:     ptr.Deref(spec.HostUsers, true),
		opts:          opts,
		podOS:         spec.OS,
	}
	for _, c := range spec.ResourceClaims {
		pc.claimNames.Insert(c.Name)
	}
	allErrs = append(allErrs, validateContainers(spec.Containers, pc, fldPath.Child("containers"))...)
	allErrs = append(allErrs, validateInitContainers(spec.InitContainers, spec.Containers, pc, fldPath.Child("initContainers"))...)
	allErrs = append(allErrs, validateEphemeralContainers(spec.EphemeralContainers, spec.Containers, spec.InitContainers, pc, fldPath.Child("ephemeralContainers"))...)
	allErrs = append(allErrs, validateHostNetworkPorts(spec, fldPath)...)
	allErrs = append(allErrs, validateRestartPolicy(spec.RestartPolicy, fldPath.Child("restartPolicy"))...)
	allErrs = append(allErrs, validateDNSPolicy(spec.DNSPolicy, fldPath.Child("dnsPolicy"))...)
	allErrs = append(allErrs, metav1validation.ValidateLabels(spec.NodeSelector, fldPath.Child("nodeSelector"))...)
	allErrs = append(allErrs, validatePodSecurityContext(spec, fldPath.Child("securityContext"))...)
	allErrs = append(allErrs, validateImagePullSecrets(spec.ImagePullSecrets, fldPath.Child("imagePullSecrets"))...)
	allErrs = append(allErrs, validateAffinity(spec.Affinity, fldPath.Child("affinity"))...)
	allErrs = append(allErrs, validateReadinessGates(spec.ReadinessGates, fldPath.Child("readinessGates"))...)
	allErrs = append(allErrs, validateSchedulingGates(spec.SchedulingGates, fldPath.Child("schedulingGates"))...)
	allErrs = append(allErrs, validateTopologySpreadConstraints(spec.TopologySpreadConstraints, fldPath.Child("topologySpreadConstraints"))...)
	allErrs = append(allErrs, validatePodSpecNames(spec, fldPath)...)
	if spec.ActiveDeadlineSeconds != nil {
		if v := *spec.ActiveDeadlineSeconds; v < 1 || v > math.MaxInt32 {
			allErrs = append(allErrs, field.Invalid(fldPath.Child("activeDeadlineSeconds"), v, validation.InclusiveRangeError(1, math.MaxInt32)))
		}
	}
	if len(spec.Tolerations) > 0 {
		allErrs = append(allErrs, validateTolerations(spec.Tolerations, fldPath.Child("tolerations"))...)
	}
	allErrs = append(allErrs, validateHostAliases(spec.HostAliases, fldPath.Child("hostAliases"))...)
	if spec.PreemptionPolicy != nil {
		switch *spec.PreemptionPolicy {
		case corev1.PreemptLowerPriority, corev1.PreemptNever:
		default:
			allErrs = append(allErrs, field.NotSupported(fldPath.Child("preemptionPolicy"), *spec.PreemptionPolicy,
				[]corev1.PreemptionPolicy{corev1.PreemptLowerPriority, corev1.PreemptNever}))
		}
	}
	if spec.OS != nil {
		allErrs = append(allErrs, validateOS(spec.OS, fldPath.Child("os"))...)
	}
	if spec.Resources != nil {
		allErrs = append(allErrs, validateResourceRequirements(spec.Resources, validatePodResourceName, pc.claimNames, fldPath.Child("resources"), opts)...)
	}
	return allErrs
}

// validatePodSpecNames checks the names a pod spec refers to.
func validatePodSpecNames(spec *corev1.PodSpec, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if len(spec.ServiceAccountName) > 0 {
		allErrs = append(allErrs, validateName(nameIsDNSSubdomain, spec.ServiceAccountName, fldPath.Child("serviceAccountName"))...)
	}
	if len(spec.NodeName) > 0 {
		allErrs = append(allErrs, validateName(nameIsDNSSubdomain, spec.NodeName, fldPath.Child("nodeName"))...)
	}
	if len(spec.Hostname) > 0 {
		allErrs = append(allErrs, validateDNS1123Label(spec.Hostname, fldPath.Child("hostname"))...)
	}
	if len(spec.Subdomain) > 0 {
		allErrs = append(allErrs, validateDNS1123Label(spec.Subdomain, fldPath.Child("subdomain"))...)
	}
	if len(spec.PriorityClassName) > 0 {
		allErrs = append(allErrs, validateName(nameIsDNSSubdomain, spec.PriorityClassName, fldPath.Child("priorityClassName"))...)
	}
	if spec.RuntimeClassName != nil {
		allErrs = append(allErrs, validateName(nameIsDNSSubdomain, *spec.RuntimeClassName, fldPath.Child("runtimeClassName"))...)
	}
	return allErrs
}

// validatePodIPs checks status.podIPs of a pod being created or having
// its status updated: valid addresses, the first equal to podIP, no
// address twice.
func validatePodIPs(pod *corev1.Pod) field.ErrorList {
	var allErrs field.ErrorList
	ipsPath := field.NewPath("status", "podIPs")
	if len(pod.Status.PodIPs) > 0 && pod.Status.PodIPs[0].IP != pod.Status.PodIP {
		allErrs = append(allErrs, field.Invalid(ipsPath.Index(0).Child("ip"), pod.Status.PodIPs[0].IP, "must be equal to `podIP`"))
	}
	seen := sets.Set[string]{}
	for i, ip := range pod.Status.PodIPs {
		p := ipsPath.Index(i).Child("ip")
		allErrs = append(allErrs, validation.IsValidIP(p, ip.IP)...)
		if seen.Has(ip.IP) {
			allErrs = append(allErrs, field.Duplicate(ipsPath.Index(i), ip))
		}
		seen.Insert(ip.IP)
	}
	return allErrs
}
