// Package servicelb plays the cloud's part for Services of type
// LoadBalancer, as cloud-controller-manager's service controller
// (k8s.io/cloud-provider/controllers/service) does with a cloud behind it:
// the Service gets the service.kubernetes.io/load-balancer-cleanup
// finalizer, EnsuringLoadBalancer and EnsuredLoadBalancer events and an
// ingress address in status.loadBalancer from a simulated pool
// (IngressCIDR); switching the type away or deleting the Service releases
// it (DeletingLoadBalancer, DeletedLoadBalancer) and drops the finalizer.
//
// A test that wants a particular address asks for it in the deprecated
// spec.loadBalancerIP, or writes status.loadBalancer itself: an ingress
// already in the status is what the simulated cloud has, and is kept.
// Services with a spec.loadBalancerClass belong to another implementation
// and are left alone, as upstream; a test can play that implementation.
//
// Start with Add and Controller.Reconcile.
package servicelb
