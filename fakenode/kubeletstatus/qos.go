package kubeletstatus

import (
	corev1 "k8s.io/api/core/v1"
)

// QOSClass is the pod's QoS class as the kubelet reports it: the class
// already in the status (it never changes once set), else computed from
// the pod's resources (pkg/apis/core/v1/helper/qos GetPodQOS).
func QOSClass(pod *corev1.Pod) corev1.PodQOSClass {
	if pod.Status.QOSClass != "" {
		return pod.Status.QOSClass
	}
	return ComputeQOSClass(pod)
}

// ComputeQOSClass classifies a pod by its cpu and memory requests and
// limits: pod-level resources when set; otherwise Guaranteed when every
// init and regular container has equal, non-zero requests and limits for
// both, BestEffort when none sets any, Burstable in every other case.
func ComputeQOSClass(pod *corev1.Pod) corev1.PodQOSClass {
	if pod.Spec.Resources != nil {
		return resourceQOS(pod.Spec.Resources)
	}
	var podQOS corev1.PodQOSClass
	for _, list := range [][]corev1.Container{pod.Spec.InitContainers, pod.Spec.Containers} {
		for i := range list {
			qos := resourceQOS(&list[i].Resources)
			switch {
			case qos == corev1.PodQOSBurstable:
				return qos
			case podQOS == "":
				podQOS = qos
			case podQOS != qos:
				return corev1.PodQOSBurstable
			}
		}
	}
	if podQOS == "" {
		return corev1.PodQOSBestEffort
	}
	return podQOS
}

func resourceQOS(r *corev1.ResourceRequirements) corev1.PodQOSClass {
	if len(r.Requests) == 0 && len(r.Limits) == 0 {
		return corev1.PodQOSBestEffort
	}
	var qos corev1.PodQOSClass
	for _, name := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		req, lim := r.Requests[name], r.Limits[name]
		if !req.Equal(lim) {
			return corev1.PodQOSBurstable
		}
		bestEffort := req.IsZero() && lim.IsZero()
		switch {
		case qos == "" && bestEffort:
			qos = corev1.PodQOSBestEffort
		case qos == "":
			qos = corev1.PodQOSGuaranteed
		case bestEffort != (qos == corev1.PodQOSBestEffort):
			return corev1.PodQOSBurstable
		}
	}
	return qos
}
