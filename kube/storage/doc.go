// Package storage adapts kubesim's object store (package store) to
// k8s.io/apiserver's storage.Interface, the seam at which upstream's
// generic registry (k8s.io/apiserver/pkg/registry/generic/registry.Store)
// meets etcd. With it, kubesim's registry gets upstream's semantics for
// create, update, patch, graceful deletion, finalizers, dry run and watch,
// over go-memdb instead of etcd.
//
// Start with New: one Storage serves one resource. Keys are the generic
// registry's: "/<resource>/<namespace>/<name>" for namespaced resources and
// "/<resource>/<name>" for cluster-scoped ones.
//
// Objects written with a time to live (events, after kube-apiserver's
// --event-ttl) are attached to Leases, which delete them on the virtual
// clock as etcd's leases would (leases.go).
//
// Two things differ from etcd on purpose:
//   - time is virtual: the generic registry stamps deletionTimestamp and
//     managedFields times with the wall clock, and Storage restamps them
//     with the environment's clock on their way into the store (time.go);
//   - watches that accept bookmarks send one whenever the store asks for
//     progress (store.RequestProgress), so that the environment can tell a
//     consumer that has seen everything from one that is behind.
package storage
