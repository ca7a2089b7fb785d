package memfs

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"
	"time"

	"k8s.io/utils/clock"
)

// Volume is a directory tree that can be mounted into any number of FSs.
// The zero value is not usable; call NewVolume.
type Volume struct {
	clock clock.PassiveClock

	mu      sync.RWMutex
	root    *node
	usage   int64 // bytes in regular files reachable from root
	written int64 // every byte ever written
	limit   int64 // writes that would take usage past it fail; <0: none

	watchMu  sync.Mutex
	watchers map[int]func()
	nextID   int
}

// DefaultLimit is the size a volume may grow to unless SetLimit says
// otherwise: the files live in the host's memory, so `cat /dev/zero >
// file` must fail (with ENOSPC, "No space left on device") long before the
// host runs out.
const DefaultLimit = 256 << 20

// NewVolume returns an empty volume (one directory, mode 0777 as an
// emptyDir is) whose modification times come from clk.
func NewVolume(clk clock.PassiveClock) *Volume {
	return &Volume{clock: clk, root: newDir(0o777, clk.Now()), limit: DefaultLimit}
}

// SetLimit sets the bytes the volume's files may hold, as a tmpfs size or
// a disk's does; a negative limit removes it.
func (v *Volume) SetLimit(bytes int64) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.limit = bytes
}

// Usage returns the bytes the volume's regular files hold now.
func (v *Volume) Usage() int64 {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.usage
}

// BytesWritten returns every byte ever written to the volume, including
// the contents given to Replace.
func (v *Volume) BytesWritten() int64 {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.written
}

// Watch registers fn to be called after every change to the volume: a
// write, a new or removed entry, a rename, a Replace. fn runs on the
// goroutine that made the change, after the volume's lock is released; it
// must be quick and must not block. stop unregisters fn.
func (v *Volume) Watch(fn func()) (stop func()) {
	v.watchMu.Lock()
	defer v.watchMu.Unlock()
	if v.watchers == nil {
		v.watchers = map[int]func(){}
	}
	id := v.nextID
	v.nextID++
	v.watchers[id] = fn
	return func() {
		v.watchMu.Lock()
		defer v.watchMu.Unlock()
		delete(v.watchers, id)
	}
}

// notify calls the watchers. It must be called without v.mu held.
func (v *Volume) notify() {
	v.watchMu.Lock()
	fns := make([]func(), 0, len(v.watchers))
	for _, fn := range v.watchers {
		fns = append(fns, fn)
	}
	v.watchMu.Unlock()
	for _, fn := range fns {
		fn()
	}
}

// rootNode returns the current root, which Replace may swap.
func (v *Volume) rootNode() *node {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.root
}

// Entry is one file, directory or symlink given to Replace.
type Entry struct {
	// Path is relative to the volume's root, slash-separated, without ".."
	// (e.g. "..data/key" or "key").
	Path string
	// Data is a regular file's contents.
	Data []byte
	// Mode holds the permission bits (0 means 0644 for a file, 0755 for a
	// directory) and, for a directory or symlink, fs.ModeDir or
	// fs.ModeSymlink.
	Mode fs.FileMode
	// Target is a symlink's target.
	Target string
}

// Replace atomically replaces the volume's whole tree with entries: a
// reader sees either the old tree or the new one, never a mix. Parent
// directories that entries do not list are created with mode 0755. The
// files keep the entries' Data slices (a kubelet keeps the same bytes to
// tell whether the next content differs) and copy them at their first
// write: the caller must not change them.
func (v *Volume) Replace(entries []Entry) error {
	now := v.clock.Now()
	root := newDir(v.rootNode().mode.Perm(), now)
	var written int64
	for _, e := range entries {
		if err := addEntry(root, e, now); err != nil {
			return err
		}
		written += int64(len(e.Data))
	}
	v.mu.Lock()
	v.root.detach()
	v.root = root
	v.usage = root.usage()
	v.written += written
	v.mu.Unlock()
	v.notify()
	return nil
}

func addEntry(root *node, e Entry, now time.Time) error {
	p := path.Clean(e.Path)
	if e.Path == "" || path.IsAbs(p) || p == "." || p == ".." || strings.HasPrefix(p, "../") {
		return fmt.Errorf("memfs: invalid entry path %q", e.Path)
	}
	dir := root
	parts := strings.Split(p, "/")
	for _, name := range parts[:len(parts)-1] {
		child := dir.children[name]
		if child == nil {
			child = newDir(0o755, now)
			dir.children[name] = child
		}
		if !child.isDir() {
			return fmt.Errorf("memfs: entry %q: %s is not a directory", e.Path, name)
		}
		dir = child
	}
	name := parts[len(parts)-1]
	n, err := entryNode(e, now)
	if err != nil {
		return err
	}
	if old, ok := dir.children[name]; ok && old.isDir() && n.isDir() {
		old.mode = n.mode // an explicit entry for a directory already implied
		return nil
	}
	dir.children[name] = n
	return nil
}

func entryNode(e Entry, now time.Time) (*node, error) {
	perm := e.Mode.Perm()
	switch {
	case e.Mode&fs.ModeSymlink != 0:
		if e.Target == "" {
			return nil, fmt.Errorf("memfs: symlink entry %q has no target", e.Path)
		}
		return &node{mode: fs.ModeSymlink | 0o777, mtime: now, target: e.Target}, nil
	case e.Mode.IsDir():
		if perm == 0 {
			perm = 0o755
		}
		return newDir(perm, now), nil
	default:
		if perm == 0 {
			perm = 0o644
		}
		f := newFile(perm, e.Data, now)
		f.borrowed = true
		return f, nil
	}
}
