// Package memfs is the in-memory filesystem that simulated containers see.
//
// Start with FS: one FS is one container's view of the world, a root tree
// (with /tmp, /etc, /dev/null, ...) plus mounts. Paths are absolute and
// slash-separated; errors are *fs.PathError values wrapping syscall.Errno
// (ENOENT, EEXIST, EROFS, ...), so errors.Is(err, fs.ErrNotExist) works.
//
// A Volume is a directory tree that can be mounted into several FSs at
// once, the way an emptyDir is shared by the containers of a pod: a write
// through one FS is seen through the others. A mount may be read-only
// (writes fail with EROFS, "Read-only file system") and may bind a
// sub-directory or a single file of the volume (subPath). The kubelet
// updates configMap and secret volumes with Volume.Replace, which swaps the
// whole tree at once, as upstream's atomic writer does with its ..data
// symlink; a subPath mount keeps the tree it was mounted from, as upstream
// subPath mounts do not see updates.
//
// Each Volume keeps two counters for ephemeral-storage accounting: Usage,
// the bytes its regular files hold now (what `du` would report, without
// directory blocks), and BytesWritten, every byte ever written to it. A
// volume holds at most DefaultLimit bytes unless SetLimit says otherwise;
// a write past the limit fails with ENOSPC ("No space left on device"),
// since the files live in the host's memory.
//
// Time comes from the clock given to New and NewVolume (modification
// times); nothing here reads the wall clock. Everything is safe for
// concurrent use: each Volume has its own lock, and Watch lets a reader
// (tail -f) be told synchronously, on the writer's goroutine, when a
// volume changes.
//
// Ownership and permission bits are kept and reported, but not enforced:
// container processes run as root, which may read and write anything
// that is not on a read-only mount.
package memfs
