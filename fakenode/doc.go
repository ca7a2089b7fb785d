// Package fakenode simulates kubelets: nodes that register themselves,
// keep their Lease and conditions fresh, and run the pods bound to them
// the way a kubelet does, on a virtual clock.
//
// Start with Fleet: one Fleet simulates any number of nodes with a single
// set of watches, as KWOK does. It talks to the API server only through
// client-go, so the same simulated nodes can join a real cluster.
//
// How a pod's containers behave comes from their commands, run by package
// fakenode/shell against an in-memory filesystem that holds the pod's
// volumes; from behaviour rules given in Go; and from pod annotations.
package fakenode
