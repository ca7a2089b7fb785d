package kubeletstatus

import (
	"slices"

	corev1 "k8s.io/api/core/v1"
)

// IsRestartableInitContainer reports whether c is a sidecar: an init
// container whose own restartPolicy is Always (podutil).
func IsRestartableInitContainer(c *corev1.Container) bool {
	return c != nil && c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways
}

// ContainerShouldRestart reports whether a container that exited with
// exitCode is to be started again, by upstream's order
// (podutil.ContainerShouldRestart): the container's restartPolicyRules
// first (only when the container has its own restartPolicy), then its own
// restartPolicy, then the pod's. An empty pod policy counts as Always.
func ContainerShouldRestart(c *corev1.Container, spec *corev1.PodSpec, exitCode int32) bool {
	if c.RestartPolicy != nil {
		if rule, ok := matchingRestartRule(c, exitCode); ok && rule.Action == corev1.ContainerRestartRuleActionRestart {
			return true
		}
		switch *c.RestartPolicy {
		case corev1.ContainerRestartPolicyAlways:
			return true
		case corev1.ContainerRestartPolicyOnFailure:
			return exitCode != 0
		case corev1.ContainerRestartPolicyNever:
			return false
		}
	}
	switch spec.RestartPolicy {
	case corev1.RestartPolicyOnFailure:
		return exitCode != 0
	case corev1.RestartPolicyNever:
		return false
	default:
		return true
	}
}

// matchingRestartRule returns the first rule whose exit codes match. A rule
// without exitCodes never matches, as upstream.
func matchingRestartRule(c *corev1.Container, exitCode int32) (corev1.ContainerRestartRule, bool) {
	for _, rule := range c.RestartPolicyRules {
		if rule.ExitCodes == nil {
			continue
		}
		in := slices.Contains(rule.ExitCodes.Values, exitCode)
		switch rule.ExitCodes.Operator {
		case corev1.ContainerRestartRuleOnExitCodesOpIn:
			if in {
				return rule, true
			}
		case corev1.ContainerRestartRuleOnExitCodesOpNotIn:
			if !in {
				return rule, true
			}
		}
	}
	return corev1.ContainerRestartRule{}, false
}

// ShouldRestart reports whether the kubelet starts container c (again),
// given the latest run the runtime holds for it, or nil if none
// (kubecontainer.ShouldContainerBeRestarted): never once the pod is being
// deleted; always when there is no run yet or the run is Created or
// Unknown; never while it runs; otherwise as ContainerShouldRestart says
// for the run's exit code.
func ShouldRestart(pod *corev1.Pod, c *corev1.Container, latest *Instance) bool {
	if pod.DeletionTimestamp != nil {
		return false
	}
	if latest == nil {
		return true
	}
	switch latest.State {
	case InstanceRunning:
		return false
	case InstanceExited:
		return ContainerShouldRestart(c, &pod.Spec, latest.ExitCode)
	default: // Created or Unknown
		return true
	}
}
