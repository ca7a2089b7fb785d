// Package cluster assembles a whole simulated cluster (the control plane
// of package kube and, as they arrive, simulated nodes) and drives its
// virtual time. It is what testkit wraps for tests and cmd/kubesim wraps
// for people.
//
// Start with New. Advance moves virtual time deadline by deadline, and
// Settle waits, between deadlines, until everything the present moment
// caused has happened: every request answered, every queue drained, every
// watch consumer caught up with the store (see clock.Activity). Serve opens
// a loopback HTTPS listener and writes a kubeconfig for it, for kubectl and
// other processes.
package cluster
