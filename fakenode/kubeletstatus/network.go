package kubeletstatus

import (
	corev1 "k8s.io/api/core/v1"
	utilnet "k8s.io/utils/net"
)

// podIPs orders the sandbox's IPs as the kubelet does (sortPodIPs): the
// first IP of the node's primary family (IPv4 when the node has no IP),
// then the first of the other family. Unparsable entries are dropped.
func podIPs(ips, hostIPs []string) []corev1.PodIP {
	primaryV4 := len(hostIPs) == 0 || utilnet.IsIPv4String(hostIPs[0])
	var out []corev1.PodIP
	for _, wantV4 := range []bool{primaryV4, !primaryV4} {
		for _, s := range ips {
			ip := utilnet.ParseIPSloppy(s)
			if ip == nil || utilnet.IsIPv4(ip) != wantV4 {
				continue
			}
			out = append(out, corev1.PodIP{IP: ip.String()})
			break
		}
	}
	return out
}

// setNetwork fills hostIP(s) and podIP(s) (convertStatusToAPIStatus and the
// end of generateAPIPodStatus). While the sandbox is not ready and reports
// no IP the old IPs stay, as PLEG keeps them for a dead sandbox.
func setNetwork(s *corev1.PodStatus, pod *corev1.Pod, state *PodRuntimeState, old *corev1.PodStatus) {
	s.PodIPs = podIPs(state.PodIPs, state.HostIPs)
	if len(s.PodIPs) == 0 && !state.SandboxReady {
		s.PodIPs = append([]corev1.PodIP(nil), old.PodIPs...)
	}
	if len(s.PodIPs) > 0 {
		s.PodIP = s.PodIPs[0].IP
	}
	if len(state.HostIPs) == 0 {
		return
	}
	s.HostIP = state.HostIPs[0]
	s.HostIPs = []corev1.HostIP{{IP: state.HostIPs[0]}}
	if len(state.HostIPs) > 1 {
		s.HostIPs = append(s.HostIPs, corev1.HostIP{IP: state.HostIPs[1]})
	}
	if !pod.Spec.HostNetwork {
		return
	}
	// Host-network pods take the node's IPs; once set they only gain the
	// second family when the node becomes dual-stack.
	if s.PodIP == "" {
		s.PodIP = state.HostIPs[0]
		s.PodIPs = []corev1.PodIP{{IP: s.PodIP}}
	}
	if len(state.HostIPs) > 1 && len(s.PodIPs) == 1 &&
		utilnet.IsIPv4String(s.PodIPs[0].IP) != utilnet.IsIPv4String(state.HostIPs[1]) {
		s.PodIPs = append(s.PodIPs, corev1.PodIP{IP: state.HostIPs[1]})
	}
}
