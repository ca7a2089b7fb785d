package dns

import (
	"context"
	"fmt"
	"net"
	"strings"

	"k8s.io/client-go/kubernetes"
)

// DefaultDomain is the cluster domain of kubeadm and kind clusters.
const DefaultDomain = "cluster.local"

// ndots is the resolv.conf option the kubelet writes for pods: names with
// fewer dots than this try the search path first.
const ndots = 5

// Resolver looks names up in one cluster, from the point of view of a pod
// in Namespace (which decides the search path of relative names).
type Resolver struct {
	client    kubernetes.Interface
	domain    string
	namespace string
}

// New returns a resolver for the cluster that client talks to, with the
// search path of a pod in the default namespace.
func New(client kubernetes.Interface) *Resolver {
	return &Resolver{client: client, domain: DefaultDomain, namespace: "default"}
}

// In returns a resolver with the search path of a pod in namespace.
func (r *Resolver) In(namespace string) *Resolver {
	c := *r
	c.namespace = namespace
	return &c
}

// WithDomain returns a resolver for a cluster whose domain is not
// cluster.local.
func (r *Resolver) WithDomain(domain string) *Resolver {
	c := *r
	c.domain = strings.Trim(domain, ".")
	return &c
}

// Domain is the cluster domain the resolver answers for.
func (r *Resolver) Domain() string { return r.domain }

// SearchPath is the search list of a pod in the resolver's namespace.
func (r *Resolver) SearchPath() []string {
	return []string{r.namespace + ".svc." + r.domain, "svc." + r.domain, r.domain}
}

// Answer is what a query for a name found.
type Answer struct {
	// Name is the fully qualified name that answered, without the
	// trailing dot.
	Name string
	// Addresses are the A/AAAA records.
	Addresses []string
	// CNAME is the canonical name of an ExternalName service.
	CNAME string
	// SRV are the service records of a _port._proto name.
	SRV []*net.SRV
}

// Lookup resolves name the way a pod's resolver does: a relative name
// with fewer than five dots is tried with each search domain first. It
// fails with a *net.DNSError whose IsNotFound is set when no name answers.
func (r *Resolver) Lookup(ctx context.Context, name string) (*Answer, error) {
	for _, fqdn := range r.candidates(name) {
		ans, err := r.query(ctx, fqdn)
		if err != nil {
			return nil, &net.DNSError{Err: err.Error(), Name: name, IsTemporary: true}
		}
		if ans != nil {
			return ans, nil
		}
	}
	return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

// candidates are the fully qualified names a query for name tries, in
// order.
func (r *Resolver) candidates(name string) []string {
	if strings.HasSuffix(name, ".") {
		return []string{strings.TrimSuffix(name, ".")}
	}
	var out []string
	if strings.Count(name, ".") < ndots {
		for _, s := range r.SearchPath() {
			out = append(out, name+"."+s)
		}
	}
	return append(out, name)
}

// LookupHost returns the addresses name resolves to, as
// net.Resolver.LookupHost does; an ExternalName service's target is
// followed when it is itself a cluster name.
func (r *Resolver) LookupHost(ctx context.Context, host string) ([]string, error) {
	for range 8 { // CNAME chains end; loops do not
		ans, err := r.Lookup(ctx, host)
		if err != nil {
			return nil, err
		}
		if ans.CNAME == "" {
			if len(ans.Addresses) == 0 {
				return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
			}
			return ans.Addresses, nil
		}
		host = ans.CNAME + "."
	}
	return nil, &net.DNSError{Err: "too many CNAME hops", Name: host}
}

// LookupCNAME returns the canonical name of host: an ExternalName
// service's target, or the fully qualified name that answered.
func (r *Resolver) LookupCNAME(ctx context.Context, host string) (string, error) {
	ans, err := r.Lookup(ctx, host)
	if err != nil {
		return "", err
	}
	if ans.CNAME != "" {
		return ans.CNAME + ".", nil
	}
	return ans.Name + ".", nil
}

// LookupSRV asks for _service._proto.name, as net.Resolver.LookupSRV
// does; with service and proto empty it looks name up directly.
func (r *Resolver) LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
	target := name
	if service != "" || proto != "" {
		target = fmt.Sprintf("_%s._%s.%s", service, proto, name)
	}
	ans, err := r.Lookup(ctx, target)
	if err != nil {
		return "", nil, err
	}
	if len(ans.SRV) == 0 {
		return "", nil, &net.DNSError{Err: "no such host", Name: target, IsNotFound: true}
	}
	return ans.Name + ".", ans.SRV, nil
}
