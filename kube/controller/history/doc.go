// Package history keeps the ControllerRevisions that StatefulSets and
// DaemonSets record their pod templates in, as upstream's
// pkg/controller/history does.
//
// Start with revision.go: NewControllerRevision names a revision
// "<parent>-<hash>" from the FNV hash of its data (HashControllerRevision,
// with the parent's collisionCount as a probe), SortControllerRevisions
// orders them by revision number, and EqualRevision / FindEqualRevisions
// find the revisions that record the same state. history.go has History,
// which reads revisions from the store (fresh, so no informer cache goes
// stale) and creates, updates, deletes, adopts and releases them through
// the API server like any client.
package history
