package kubeletstatus

import (
	corev1 "k8s.io/api/core/v1"
)

// applyProbes sets Started and Ready from the probe verdicts, as the
// prober manager's UpdatePodStatus: a running container has started once
// its startup probe succeeded (at once without one) and is ready once
// started and its readiness probe succeeded (at once without one). A
// regular init container is ready when it exited 0; a sidecar follows the
// rules of regular containers.
func applyProbes(statuses []corev1.ContainerStatus, containers []corev1.Container, recs records, init bool) {
	spec := make(map[string]*corev1.Container, len(containers))
	for i := range containers {
		spec[containers[i].Name] = &containers[i]
	}
	for i := range statuses {
		st := &statuses[i]
		c, rec := spec[st.Name], recs[st.Name]
		if c == nil {
			continue
		}
		started := st.State.Running != nil &&
			(c.StartupProbe == nil || (rec != nil && rec.StartupSucceeded))
		st.Started = &started
		if init && !IsRestartableInitContainer(c) {
			if t := st.State.Terminated; t != nil && t.ExitCode == 0 {
				st.Ready = true
			}
			continue
		}
		if !started {
			continue
		}
		st.Ready = c.ReadinessProbe == nil || (rec != nil && rec.ReadinessSucceeded)
	}
}
