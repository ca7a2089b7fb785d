package defaults

import (
	"maps"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
)

// defaultPod follows SetObjectDefaults_Pod in pkg/apis/core/v1: the
// Pod-only defaults run first, then everything a PodSpec gets anywhere,
// then the resource lists in the status.
func defaultPod(pod *corev1.Pod) {
	defaultPodOnly(pod)
	DefaultPodSpec(&pod.Spec)
	defaultPodStatus(&pod.Status)
}

// defaultPodOnly is SetDefaults_Pod. Upstream keeps these out of
// SetDefaults_PodSpec on purpose: a new default on PodSpec would change
// every Deployment's template and roll its pods on upgrade.
func defaultPodOnly(pod *corev1.Pod) {
	for i := range pod.Spec.Containers {
		defaultRequestsFromLimits(&pod.Spec.Containers[i].Resources)
	}
	for i := range pod.Spec.InitContainers {
		defaultRequestsFromLimits(&pod.Spec.InitContainers[i].Resources)
	}
	// Pod-level defaults need the container requests above. Feature gate
	// PodLevelResources: beta and on since 1.34. Pod-level limits are not
	// derived from container limits: upstream added that after 1.37.
	defaultHugePagePodLimits(pod)
	defaultPodRequests(pod)

	if pod.Spec.EnableServiceLinks == nil {
		pod.Spec.EnableServiceLinks = ptr.To(corev1.DefaultEnableServiceLinks)
	}
	// With the host's network a container port is a host port. Pod-only
	// since kubernetes#117696; the gate that restored the template
	// behaviour (DefaultHostNetworkHostPortsInPodTemplates) is gone since
	// 1.31.
	if pod.Spec.HostNetwork {
		defaultHostNetworkPorts(pod.Spec.Containers)
		defaultHostNetworkPorts(pod.Spec.InitContainers)
	}
}

// defaultRequestsFromLimits copies each limit without a request into the
// requests: a container that sets only limits asks for what it may use.
func defaultRequestsFromLimits(r *corev1.ResourceRequirements) {
	if r.Limits == nil {
		return
	}
	if r.Requests == nil {
		r.Requests = make(corev1.ResourceList, len(r.Limits))
	}
	for name, limit := range r.Limits {
		if _, ok := r.Requests[name]; !ok {
			r.Requests[name] = limit.DeepCopy()
		}
	}
}

func defaultHostNetworkPorts(containers []corev1.Container) {
	for i := range containers {
		for j := range containers[i].Ports {
			port := &containers[i].Ports[j]
			if port.HostPort == 0 {
				port.HostPort = port.ContainerPort
			}
		}
	}
}

// DefaultPodSpec applies the defaults that every PodSpec receives, whether
// in a Pod or in the pod template of a Deployment, ReplicaSet, StatefulSet,
// DaemonSet, Job, CronJob, ReplicationController or PodTemplate: restart
// and DNS policy, scheduler, grace period, security context, and the
// defaults of its volumes, containers and resource lists. It does not apply
// the Pod-only defaults (requests from limits, enableServiceLinks, host
// ports, pod-level resources); Default on a *corev1.Pod does.
func DefaultPodSpec(spec *corev1.PodSpec) {
	defaultPodSpecFields(spec)
	for i := range spec.Volumes {
		defaultVolume(&spec.Volumes[i])
	}
	for i := range spec.InitContainers {
		defaultContainer(&spec.InitContainers[i])
	}
	for i := range spec.Containers {
		defaultContainer(&spec.Containers[i])
	}
	for i := range spec.EphemeralContainers {
		// The same fields as a Container, and the same defaults
		// (SetDefaults_EphemeralContainer).
		defaultContainer((*corev1.Container)(&spec.EphemeralContainers[i].EphemeralContainerCommon))
	}
	roundResourceList(spec.Overhead)
	if spec.Resources != nil {
		roundResourceRequirements(spec.Resources)
	}
}

// defaultPodSpecFields is SetDefaults_PodSpec.
func defaultPodSpecFields(spec *corev1.PodSpec) {
	if spec.DNSPolicy == "" {
		spec.DNSPolicy = corev1.DNSClusterFirst
	}
	if spec.RestartPolicy == "" {
		spec.RestartPolicy = corev1.RestartPolicyAlways
	}
	if spec.SecurityContext == nil {
		spec.SecurityContext = &corev1.PodSecurityContext{}
	}
	if spec.TerminationGracePeriodSeconds == nil {
		spec.TerminationGracePeriodSeconds = ptr.To[int64](corev1.DefaultTerminationGracePeriodSeconds)
	}
	if spec.SchedulerName == "" {
		spec.SchedulerName = corev1.DefaultSchedulerName
	}
}

// defaultPodStatus rounds the resource lists a kubelet reports.
func defaultPodStatus(status *corev1.PodStatus) {
	for _, statuses := range [][]corev1.ContainerStatus{status.InitContainerStatuses, status.ContainerStatuses, status.EphemeralContainerStatuses} {
		for i := range statuses {
			roundResourceList(statuses[i].AllocatedResources)
			if statuses[i].Resources != nil {
				roundResourceRequirements(statuses[i].Resources)
			}
		}
	}
	roundResourceList(status.AllocatedResources)
	if status.Resources != nil {
		roundResourceRequirements(status.Resources)
	}
}

func defaultPodTemplate(t *corev1.PodTemplate) {
	DefaultPodSpec(&t.Template.Spec)
}

// defaultReplicationController is SetDefaults_ReplicationController, the
// declarative replicas default, and the template's PodSpec defaults.
func defaultReplicationController(rc *corev1.ReplicationController) {
	if rc.Spec.Template != nil && rc.Spec.Template.Labels != nil {
		// Upstream shares the template's map; copies keep later edits of
		// one from showing in the others.
		labels := rc.Spec.Template.Labels
		if len(rc.Spec.Selector) == 0 {
			rc.Spec.Selector = maps.Clone(labels)
		}
		if len(rc.Labels) == 0 {
			rc.Labels = maps.Clone(labels)
		}
	}
	if rc.Spec.Replicas == nil {
		rc.Spec.Replicas = ptr.To[int32](1)
	}
	if rc.Spec.Template != nil {
		DefaultPodSpec(&rc.Spec.Template.Spec)
	}
}
