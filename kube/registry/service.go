package registry

import (
	"context"
	"fmt"
	"net/netip"
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/store"
)

// Service address ranges, kubeadm's defaults.
var (
	ServiceCIDR   = netip.MustParsePrefix("10.96.0.0/12")
	NodePortFirst = int32(30000)
	NodePortLast  = int32(32767)
)

// KubernetesServiceIP is the first address of the range, which the
// "kubernetes" service in the default namespace gets.
var KubernetesServiceIP = ServiceCIDR.Addr().Next()

// serviceAllocator hands out cluster IPs and node ports, as the service
// registry's allocators do. What is in use is read from the store, so it
// survives nothing but needs no bookkeeping; allocation is serialised.
type serviceAllocator struct {
	store *store.Store
	mu    sync.Mutex
}

// serviceHooks allocate on create and keep allocations on update.
func serviceHooks(st *store.Store) Hooks {
	a := &serviceAllocator{store: st}
	return Hooks{
		PrepareForCreate: func(ctx context.Context, obj runtime.Object) {
			svc := obj.(*corev1.Service)
			a.mu.Lock()
			defer a.mu.Unlock()
			a.allocate(svc, nil)
		},
		PrepareForUpdate: func(ctx context.Context, obj, old runtime.Object) {
			svc, oldSvc := obj.(*corev1.Service), old.(*corev1.Service)
			a.mu.Lock()
			defer a.mu.Unlock()
			a.allocate(svc, oldSvc)
		},
		Validate: func(ctx context.Context, obj runtime.Object) field.ErrorList {
			return validateAllocations(st, obj.(*corev1.Service))
		},
	}
}

// allocate fills in the cluster IP and node ports a service needs. A
// requested address or port that is taken is left for admission to
// refuse (allocationErrors).
func (a *serviceAllocator) allocate(svc, old *corev1.Service) {
	if svc.Spec.Type == "" {
		svc.Spec.Type = corev1.ServiceTypeClusterIP
	}
	if svc.Spec.Type == corev1.ServiceTypeExternalName {
		svc.Spec.ClusterIP, svc.Spec.ClusterIPs = "", nil
		return
	}
	if old != nil && svc.Spec.ClusterIP == "" && old.Spec.ClusterIP != "" {
		svc.Spec.ClusterIP = old.Spec.ClusterIP
	}
	if svc.Spec.ClusterIP == "" {
		svc.Spec.ClusterIP = a.freeIP()
	}
	if svc.Spec.ClusterIP != corev1.ClusterIPNone {
		svc.Spec.ClusterIPs = []string{svc.Spec.ClusterIP}
	} else {
		svc.Spec.ClusterIPs = []string{corev1.ClusterIPNone}
	}
	if len(svc.Spec.IPFamilies) == 0 {
		svc.Spec.IPFamilies = []corev1.IPFamily{corev1.IPv4Protocol}
	}
	if svc.Spec.IPFamilyPolicy == nil {
		svc.Spec.IPFamilyPolicy = ptr.To(corev1.IPFamilyPolicySingleStack)
	}
	needsPorts := svc.Spec.Type == corev1.ServiceTypeNodePort ||
		(svc.Spec.Type == corev1.ServiceTypeLoadBalancer && ptr.Deref(svc.Spec.AllocateLoadBalancerNodePorts, true))
	if !needsPorts {
		return
	}
	used := a.usedNodePorts(svc)
	for i := range svc.Spec.Ports {
		p := &svc.Spec.Ports[i]
		if p.NodePort == 0 && old != nil {
			for _, op := range old.Spec.Ports {
				if op.Name == p.Name && op.NodePort != 0 {
					p.NodePort = op.NodePort
				}
			}
		}
		if p.NodePort == 0 {
			p.NodePort = freePort(used)
		}
		used[p.NodePort] = true
	}
}

// freeIP is the lowest free address of the range after the kubernetes
// service's.
func (a *serviceAllocator) freeIP() string {
	used := map[string]bool{KubernetesServiceIP.String(): true}
	a.store.View().List("services", "", func(o runtime.Object) bool {
		for _, ip := range o.(*corev1.Service).Spec.ClusterIPs {
			used[ip] = true
		}
		return true
	})
	for ip := KubernetesServiceIP.Next(); ServiceCIDR.Contains(ip); ip = ip.Next() {
		if !used[ip.String()] {
			return ip.String()
		}
	}
	return ""
}

func (a *serviceAllocator) usedNodePorts(except *corev1.Service) map[int32]bool {
	used := map[int32]bool{}
	a.store.View().List("services", "", func(o runtime.Object) bool {
		s := o.(*corev1.Service)
		if s.Namespace == except.Namespace && s.Name == except.Name {
			return true
		}
		for _, p := range s.Spec.Ports {
			if p.NodePort != 0 {
				used[p.NodePort] = true
			}
		}
		return true
	})
	return used
}

func freePort(used map[int32]bool) int32 {
	for p := NodePortFirst; p <= NodePortLast; p++ {
		if !used[p] {
			return p
		}
	}
	return 0
}

// validateAllocations refuses addresses and ports that are outside their
// range or taken by another service, with upstream's messages.
func validateAllocations(st *store.Store, svc *corev1.Service) field.ErrorList {
	var errs field.ErrorList
	ipPath := field.NewPath("spec", "clusterIPs").Index(0)
	if ip := svc.Spec.ClusterIP; ip != "" && ip != corev1.ClusterIPNone {
		addr, err := netip.ParseAddr(ip)
		switch {
		case err != nil:
			errs = append(errs, field.Invalid(ipPath, ip, "must be a valid IP address"))
		case !ServiceCIDR.Contains(addr):
			errs = append(errs, field.Invalid(ipPath, ip, fmt.Sprintf("failed to allocate IP %s: the provided IP (%s) is not in the valid range. The range of valid IPs is %s", ip, ip, ServiceCIDR)))
		default:
			if owner := ipOwner(st, ip); owner != "" && owner != svc.Namespace+"/"+svc.Name {
				errs = append(errs, field.Invalid(ipPath, ip, fmt.Sprintf("failed to allocate IP %s: provided IP is already allocated", ip)))
			}
		}
	}
	for i, p := range svc.Spec.Ports {
		if p.NodePort == 0 {
			continue
		}
		path := field.NewPath("spec", "ports").Index(i).Child("nodePort")
		if p.NodePort < NodePortFirst || p.NodePort > NodePortLast {
			errs = append(errs, field.Invalid(path, p.NodePort, fmt.Sprintf("provided port is not in the valid range. The range of valid ports is %d-%d", NodePortFirst, NodePortLast)))
		}
	}
	return errs
}

func ipOwner(st *store.Store, ip string) string {
	owner := ""
	st.View().List("services", "", func(o runtime.Object) bool {
		s := o.(*corev1.Service)
		if s.Spec.ClusterIP == ip {
			owner = s.Namespace + "/" + s.Name
			return false
		}
		return true
	})
	return owner
}
