package defaults

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
)

// defaultContainer covers what the generated defaulters do for each
// container: SetDefaults_Container, the protocol of its ports, its env
// selectors, its resource lists, probes and lifecycle hooks.
func defaultContainer(c *corev1.Container) {
	if c.ImagePullPolicy == "" {
		c.ImagePullPolicy = ImagePullPolicy(c.Image)
	}
	if c.TerminationMessagePath == "" {
		c.TerminationMessagePath = corev1.TerminationMessagePathDefault
	}
	if c.TerminationMessagePolicy == "" {
		c.TerminationMessagePolicy = corev1.TerminationMessageReadFile
	}
	for i := range c.Ports {
		// +default="TCP" on ContainerPort.Protocol.
		if c.Ports[i].Protocol == "" {
			c.Ports[i].Protocol = corev1.ProtocolTCP
		}
	}
	for i := range c.Env {
		defaultEnvVarSource(c.Env[i].ValueFrom)
	}
	roundResourceRequirements(&c.Resources)
	for _, p := range []*corev1.Probe{c.LivenessProbe, c.ReadinessProbe, c.StartupProbe} {
		if p != nil {
			defaultProbe(p)
		}
	}
	if c.Lifecycle != nil {
		for _, h := range []*corev1.LifecycleHandler{c.Lifecycle.PostStart, c.Lifecycle.PreStop} {
			if h != nil && h.HTTPGet != nil {
				defaultHTTPGetAction(h.HTTPGet)
			}
		}
	}
}

func defaultEnvVarSource(src *corev1.EnvVarSource) {
	if src == nil {
		return
	}
	if src.FieldRef != nil {
		defaultObjectFieldSelector(src.FieldRef)
	}
	// +default=false on FileKeySelector.Optional (feature gate EnvFiles,
	// beta and on since 1.35).
	if src.FileKeyRef != nil && src.FileKeyRef.Optional == nil {
		src.FileKeyRef.Optional = ptr.To(false)
	}
}

// defaultObjectFieldSelector is SetDefaults_ObjectFieldSelector: a field
// path such as metadata.name refers to the v1 Pod.
func defaultObjectFieldSelector(s *corev1.ObjectFieldSelector) {
	if s.APIVersion == "" {
		s.APIVersion = "v1"
	}
}

// defaultProbe is SetDefaults_Probe with its handler's defaults.
func defaultProbe(p *corev1.Probe) {
	if p.TimeoutSeconds == 0 {
		p.TimeoutSeconds = 1
	}
	if p.PeriodSeconds == 0 {
		p.PeriodSeconds = 10
	}
	if p.SuccessThreshold == 0 {
		p.SuccessThreshold = 1
	}
	if p.FailureThreshold == 0 {
		p.FailureThreshold = 3
	}
	if p.HTTPGet != nil {
		defaultHTTPGetAction(p.HTTPGet)
	}
	// +default="" on GRPCAction.Service: the server's overall health.
	if p.GRPC != nil && p.GRPC.Service == nil {
		p.GRPC.Service = ptr.To("")
	}
}

// defaultHTTPGetAction is SetDefaults_HTTPGetAction.
func defaultHTTPGetAction(a *corev1.HTTPGetAction) {
	if a.Path == "" {
		a.Path = "/"
	}
	if a.Scheme == "" {
		a.Scheme = corev1.URISchemeHTTP
	}
}
