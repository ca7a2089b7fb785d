package fakenode

import (
	"context"
	"fmt"
	"strings"
	"syscall"

	"github.com/kubesim/kubesim/fakenode/dns"
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

// nslookup resolves a name the way cluster DNS would (package dns), from
// the pod's namespace, and prints busybox's format.
func (r *runtime) nslookup(ctx context.Context, w *podWorker, inv *shell.Invocation) int {
	if len(inv.Args) < 2 {
		fmt.Fprintln(inv.Stderr, "BusyBox v1.36.1 multi-call binary.\n\nUsage: nslookup HOST [DNS_SERVER]")
		return 1
	}
	fmt.Fprintf(inv.Stdout, "Server:\t\t%s\nAddress:\t%s:53\n\n", clusterDNS, clusterDNS)
	ans, err := dns.New(r.fleet.client).In(w.podNow().Namespace).Lookup(ctx, inv.Args[1])
	if err != nil {
		fmt.Fprintf(inv.Stdout, "** server can't find %s: NXDOMAIN\n\n", strings.TrimSuffix(inv.Args[1], "."))
		return 1
	}
	if ans.CNAME != "" {
		fmt.Fprintf(inv.Stdout, "%s\tcanonical name = %s\n\n", ans.Name, ans.CNAME)
	}
	for _, ip := range ans.Addresses {
		fmt.Fprintf(inv.Stdout, "Name:\t%s\nAddress: %s\n\n", ans.Name, ip)
	}
	return 0
}
