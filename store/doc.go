// Package store is kubesim's object store: every Kubernetes object of an
// environment lives here, in go-memdb tables, as a typed Go value.
//
// Start with Store. Objects are keyed by resource ("pods",
// "deployments.apps"), namespace and name. The store keeps one global,
// monotonically increasing resourceVersion: every write gets the next one,
// and an update that names a stale resourceVersion fails with a 409
// Conflict, as against etcd. Reads are consistent snapshots (memdb is
// MVCC), so a List reports the resourceVersion it was taken at and a Watch
// can start exactly there.
//
// Every write transaction tracks its changes; commit turns them into events
// in a bounded log (events.go). The log plays the part of etcd's history
// and Consul's graveyard: a watch can resume from any resourceVersion still
// in it, and gets 410 Gone for an older one. Like etcd's history under
// kube-apiserver's compaction, it forgets events five to ten virtual
// minutes old, and list snapshots (continue tokens) with them.
//
// Objects are immutable once stored: writes deep-copy what they are given,
// Get and List hand out deep copies, and watch events carry the stored
// value itself, which receivers must treat as read-only (as client-go's
// informer caches do).
//
// The store knows nothing of admission, defaulting or graceful deletion;
// package kube builds the API's semantics on top of it.
package store
