package fakenode

import (
	"context"
	"fmt"
	"strings"
	"syscall"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesim/kubesim/fakenode/shell"
)

// commands are the programs the simulated images bring besides the shell's
// own: nslookup asks the cluster, nginx serves until stopped.
func (r *runtime) commands(w *podWorker) map[string]shell.CommandFunc {
	return map[string]shell.CommandFunc{
		"nslookup": func(ctx context.Context, inv *shell.Invocation) int { return r.nslookup(ctx, w, inv) },
		"nginx":    nginx,
	}
}

// nginx runs until SIGTERM or SIGQUIT ends it cleanly; `nginx -s quit`
// (and the other -s signals) returns at once, as the running server would
// be told to stop.
func nginx(ctx context.Context, inv *shell.Invocation) int {
	for i, a := range inv.Args {
		if a == "-s" && i+1 < len(inv.Args) {
			return 0
		}
	}
	inv.Notify(syscall.SIGTERM, syscall.SIGQUIT)
	err := inv.Await(func(wake func()) func() { return func() {} })
	if se, ok := err.(*shell.SignalError); ok && (se.Signal == syscall.SIGTERM || se.Signal == syscall.SIGQUIT) {
		return 0
	}
	return 137
}

// nslookup resolves a name the way cluster DNS would: services
// (name, name.namespace, name.namespace.svc[.cluster.local]) and the pods
// of headless services (pod.service). It prints busybox's format.
func (r *runtime) nslookup(ctx context.Context, w *podWorker, inv *shell.Invocation) int {
	if len(inv.Args) == 0 {
		fmt.Fprintln(inv.Stderr, "BusyBox v1.36.1 multi-call binary.\n\nUsage: nslookup HOST [DNS_SERVER]")
		return 1
	}
	name := strings.TrimSuffix(inv.Args[0], ".")
	fmt.Fprintf(inv.Stdout, "Server:\t\t%s\nAddress:\t%s:53\n\n", clusterDNS, clusterDNS)
	fqdn, ips := r.resolve(ctx, w.pod.Namespace, name)
	if len(ips) == 0 {
		fmt.Fprintf(inv.Stdout, "** server can't find %s: NXDOMAIN\n\n", fqdn)
		return 1
	}
	for _, ip := range ips {
		fmt.Fprintf(inv.Stdout, "Name:\t%s\nAddress: %s\n\n", fqdn, ip)
	}
	return 0
}

// resolve looks a name up in the pod's namespace's search path.
func (r *runtime) resolve(ctx context.Context, ns, name string) (string, []string) {
	parts := strings.Split(strings.TrimSuffix(name, "."+clusterDomain), ".")
	if len(parts) >= 3 && parts[len(parts)-1] == "svc" {
		parts = parts[:len(parts)-1]
	}
	client := r.fleet.client.CoreV1()
	switch {
	case len(parts) == 1 || (len(parts) == 2 && r.namespaceExists(ctx, parts[1])):
		svcNS := ns
		if len(parts) == 2 {
			svcNS = parts[1]
		}
		fqdn := fmt.Sprintf("%s.%s.svc.%s", parts[0], svcNS, clusterDomain)
		svc, err := client.Services(svcNS).Get(ctx, parts[0], metav1.GetOptions{})
		if err != nil {
			return fqdn, nil
		}
		if svc.Spec.ClusterIP != "" && svc.Spec.ClusterIP != "None" {
			return fqdn, []string{svc.Spec.ClusterIP}
		}
		return fqdn, r.headlessIPs(ctx, svcNS, svc.Name, "")
	case len(parts) >= 2:
		// pod.service[.namespace]
		svcNS := ns
		if len(parts) >= 3 {
			svcNS = parts[2]
		}
		fqdn := fmt.Sprintf("%s.%s.%s.svc.%s", parts[0], parts[1], svcNS, clusterDomain)
		return fqdn, r.headlessIPs(ctx, svcNS, parts[1], parts[0])
	}
	return name, nil
}

func (r *runtime) namespaceExists(ctx context.Context, ns string) bool {
	_, err := r.fleet.client.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
	return err == nil
}

// headlessIPs are the IPs of the pods behind a headless service, or of
// the one whose hostname is host.
func (r *runtime) headlessIPs(ctx context.Context, ns, service, host string) []string {
	pods, err := r.fleet.client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil
	}
	svc, err := r.fleet.client.CoreV1().Services(ns).Get(ctx, service, metav1.GetOptions{})
	if err != nil {
		return nil
	}
	var ips []string
	for _, p := range pods.Items {
		if p.Status.PodIP == "" || len(svc.Spec.Selector) == 0 {
			continue
		}
		match := true
		for k, v := range svc.Spec.Selector {
			if p.Labels[k] != v {
				match = false
			}
		}
		if !match {
			continue
		}
		if host != "" {
			h := p.Spec.Hostname
			if h == "" {
				h = p.Name
			}
			if h != host || p.Spec.Subdomain != service {
				continue
			}
		}
		ips = append(ips, p.Status.PodIP)
	}
	return ips
}
