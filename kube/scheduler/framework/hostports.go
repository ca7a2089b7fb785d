package framework

import corev1 "k8s.io/api/core/v1"

// defaultBindAllHostIP is the wildcard host IP: a port bound on it
// conflicts with the same port on every IP.
const defaultBindAllHostIP = "0.0.0.0"

type protocolPort struct {
	protocol string
	port     int32
}

// hostPortInfo records the host ports in use on a node, keyed by IP then
// protocol and port (upstream fwk.HostPortInfo).
type hostPortInfo map[string]map[protocolPort]struct{}

func sanitizeHostPort(ip, protocol string) (string, string) {
	if ip == "" {
		ip = defaultBindAllHostIP
	}
	if protocol == "" {
		protocol = string(corev1.ProtocolTCP)
	}
	return ip, protocol
}

func (h hostPortInfo) add(ip, protocol string, port int32) {
	if port <= 0 {
		return
	}
	ip, protocol = sanitizeHostPort(ip, protocol)
	m, ok := h[ip]
	if !ok {
		m = map[protocolPort]struct{}{}
		h[ip] = m
	}
	m[protocolPort{protocol, port}] = struct{}{}
}

func (h hostPortInfo) remove(ip, protocol string, port int32) {
	if port <= 0 {
		return
	}
	ip, protocol = sanitizeHostPort(ip, protocol)
	if m, ok := h[ip]; ok {
		delete(m, protocolPort{protocol, port})
		if len(m) == 0 {
			delete(h, ip)
		}
	}
}

// conflicts reports whether binding ip:protocol/port would clash: the
// wildcard IP clashes with the port on any IP, a specific IP with the same
// IP or the wildcard.
func (h hostPortInfo) conflicts(ip, protocol string, port int32) bool {
	if port <= 0 {
		return false
	}
	ip, protocol = sanitizeHostPort(ip, protocol)
	pp := protocolPort{protocol, port}
	if ip == defaultBindAllHostIP {
		for _, m := range h {
			if _, ok := m[pp]; ok {
				return true
			}
		}
		return false
	}
	for _, key := range [2]string{defaultBindAllHostIP, ip} {
		if m, ok := h[key]; ok {
			if _, ok := m[pp]; ok {
				return true
			}
		}
	}
	return false
}

func (h hostPortInfo) clone() hostPortInfo {
	c := make(hostPortInfo, len(h))
	for ip, m := range h {
		cm := make(map[protocolPort]struct{}, len(m))
		for k := range m {
			cm[k] = struct{}{}
		}
		c[ip] = cm
	}
	return c
}
