// Package kubesim is a Kubernetes cluster that lives inside a Go test
// process: the real Kubernetes API over an in-memory store, with virtual
// time.
//
// Tests start with package testkit; programs with package cluster; the
// examples in this package are the tour.
package kubesim
