// Package dns answers the names a cluster's DNS serves, as CoreDNS's
// kubernetes plugin does by the Kubernetes DNS-based service discovery
// specification (github.com/kubernetes/dns, docs/specification.md):
//
//	<service>.<ns>.svc.<zone>          A: the cluster IPs; for a headless
//	                                   service, the ready endpoints' IPs
//	<host>.<service>.<ns>.svc.<zone>   A: the endpoint with that hostname
//	                                   (a pod's spec.hostname, or its IP
//	                                   with dashes)
//	_<port>._<proto>.<service>.<ns>.svc.<zone>   SRV, per named port
//	<service>.<ns>.svc.<zone>          CNAME, for an ExternalName service
//	<a-b-c-d>.<ns>.pod.<zone>          A: the IP spelled in the name
//
// Relative names go through a pod's search path (<ns>.svc.<zone>,
// svc.<zone>, <zone>) as resolv.conf's ndots:5 makes a pod's resolver do.
//
// Start with Resolver: its methods mirror net.Resolver's, so a test asks
// kubesim what a name resolves to the way Go code asks the network. The
// simulated containers' nslookup uses the same answers. Records come from
// Services and EndpointSlices read through client-go, so the answers
// change as soon as the endpoint controllers' do.
package dns
