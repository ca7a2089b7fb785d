package memfs

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"
	"syscall"

	"k8s.io/utils/clock"
)

// FS is one container's filesystem: a root volume and the volumes mounted
// on it. The zero value is not usable; call New.
type FS struct {
	clock clock.PassiveClock
	root  *Volume

	mu     sync.RWMutex
	rootRO bool
	mounts map[string]*mount // by cleaned absolute mount point
}

// mount binds a volume, or a part of one, at a path.
type mount struct {
	vol      *Volume
	pinned   *node // the subPath's node; nil binds the volume's current root
	readOnly bool
}

func (m *mount) rootNode() *node {
	if m.pinned != nil {
		return m.pinned
	}
	return m.vol.rootNode()
}

// New returns a fresh container root, laid out as a busybox image's:
// /bin, /dev (null, zero), /etc, /home, /root, /tmp (mode 1777), /usr/bin,
// /var. The caller writes /etc/hostname, /etc/hosts and /etc/resolv.conf,
// or mounts them, as the kubelet does.
func New(clk clock.PassiveClock) *FS {
	f := &FS{clock: clk, root: NewVolume(clk), mounts: map[string]*mount{}}
	now := clk.Now()
	r := f.root.root
	r.mode = fs.ModeDir | 0o755
	for _, d := range []string{"bin", "dev", "etc", "home", "proc", "root", "sys", "usr", "var"} {
		r.children[d] = newDir(0o755, now)
	}
	r.children["root"].mode = fs.ModeDir | 0o700
	r.children["tmp"] = newDir(0o777, now)
	r.children["tmp"].mode |= fs.ModeSticky
	r.children["usr"].children["bin"] = newDir(0o755, now)
	dev := r.children["dev"]
	dev.children["null"] = &node{mode: fs.ModeDevice | fs.ModeCharDevice | 0o666, mtime: now, dev: devNull}
	dev.children["zero"] = &node{mode: fs.ModeDevice | fs.ModeCharDevice | 0o666, mtime: now, dev: devZero}
	return f
}

// Root returns the volume that holds the container's own files (its
// writable layer), for ephemeral-storage accounting.
func (f *FS) Root() *Volume { return f.root }

// SetRootReadOnly makes the container's own files read-only, as
// securityContext.readOnlyRootFilesystem does; mounts keep their own mode.
func (f *FS) SetRootReadOnly(ro bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rootRO = ro
}

// MountOptions say how a volume is mounted.
type MountOptions struct {
	// SubPath binds this path inside the volume instead of its root; a
	// missing subPath is created as a directory, as the kubelet does.
	SubPath string
	// ReadOnly makes writes through this mount fail with EROFS.
	ReadOnly bool
}

// Mount binds vol (or opts.SubPath in it) at target, creating the mount
// point (a directory, or an empty file when the subPath is a file) as the
// container runtime does. A later mount at the same path replaces the
// earlier one.
func (f *FS) Mount(target string, vol *Volume, opts MountOptions) error {
	target, err := absClean("mount", target)
	if err != nil {
		return err
	}
	m := &mount{vol: vol, readOnly: opts.ReadOnly}
	if opts.SubPath != "" {
		if m.pinned, err = vol.subPathNode(opts.SubPath); err != nil {
			return err
		}
	}
	if target != "/" {
		if err := f.makeMountPoint(target, m.rootNode().isDir()); err != nil {
			return err
		}
	}
	f.mu.Lock()
	f.mounts[target] = m
	f.mu.Unlock()
	return nil
}

// makeMountPoint creates target if missing, bypassing read-only mounts:
// the runtime prepares mount points before the container starts.
func (f *FS) makeMountPoint(target string, dir bool) error {
	if _, err := f.Lstat(target); err == nil {
		return nil
	}
	if err := f.mkdirAll(path.Dir(target), 0o755, true); err != nil {
		return err
	}
	if dir {
		return f.mkdir(target, 0o755, true)
	}
	file, err := f.openFile(target, flagCreate|flagWrite, 0o644, true)
	if err != nil {
		return err
	}
	return file.Close()
}

// subPathNode finds, or creates as directories, p inside v.
func (v *Volume) subPathNode(p string) (*node, error) {
	clean := path.Clean(p)
	if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
		return nil, fmt.Errorf("memfs: invalid subPath %q", p)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	n := v.root
	if clean == "." {
		return n, nil
	}
	now := v.clock.Now()
	for _, name := range strings.Split(clean, "/") {
		if !n.isDir() {
			return nil, pathErr("mount", p, syscall.ENOTDIR)
		}
		child := n.children[name]
		if child == nil {
			child = newDir(0o755, now)
			n.children[name] = child
		}
		n = child
	}
	return n, nil
}

func (f *FS) mountAt(p string) *mount {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.mounts[p]
}

func absClean(op, p string) (string, error) {
	if !path.IsAbs(p) {
		return "", pathErr(op, p, syscall.EINVAL)
	}
	return path.Clean(p), nil
}

// loc is where a path leads: the volume and node it names, and the
// directory entry (parent and name) that holds it, for creating and
// removing. parent is nil when the path is a mount point or "/".
type loc struct {
	vol      *Volume
	readOnly bool
	parent   *node
	name     string
	node     *node // nil when the final component does not exist
	path     string
}

// walk resolves p. Symlinks along the way are followed; the final one only
// when follow is set. A missing final component is not an error: loc.node
// is nil and loc.parent is where it would be created.
func (f *FS) walk(op, p string, follow bool) (loc, error) {
	clean, err := absClean(op, p)
	if err != nil {
		return loc{}, err
	}
	rest := splitPath(clean)
	for links := 0; ; links++ {
		l, target, remaining, err := f.walkOnce(op, p, rest, follow)
		if err != nil || target == "" {
			return l, err
		}
		if links >= maxSymlinks {
			return loc{}, pathErr(op, p, syscall.ELOOP)
		}
		next := target
		if !path.IsAbs(target) {
			next = path.Join(path.Dir(l.path), target)
		}
		rest = splitPath(path.Clean(path.Join(append([]string{next}, remaining...)...)))
	}
}

// walkOnce walks comps from the root until it ends or meets a symlink to
// follow, which it returns with the components after it.
func (f *FS) walkOnce(op, orig string, comps []string, follow bool) (l loc, target string, rest []string, err error) {
	f.mu.RLock()
	cur := loc{vol: f.root, readOnly: f.rootRO, path: "/"}
	f.mu.RUnlock()
	cur.node = cur.vol.rootNode()
	if m := f.mountAt("/"); m != nil {
		cur.vol, cur.readOnly, cur.node = m.vol, m.readOnly, m.rootNode()
	}
	for i, name := range comps {
		last := i == len(comps)-1
		cur.vol.mu.RLock()
		isDir := cur.node.isDir()
		child := cur.node.children[name]
		cur.vol.mu.RUnlock()
		if !isDir {
			return loc{}, "", nil, pathErr(op, orig, syscall.ENOTDIR)
		}
		next := loc{vol: cur.vol, readOnly: cur.readOnly, parent: cur.node, name: name, node: child, path: path.Join(cur.path, name)}
		if m := f.mountAt(next.path); m != nil {
			next = loc{vol: m.vol, readOnly: m.readOnly, name: name, node: m.rootNode(), path: next.path}
		}
		if next.node == nil {
			if last {
				return next, "", nil, nil
			}
			return loc{}, "", nil, pathErr(op, orig, syscall.ENOENT)
		}
		if (!last || follow) && next.node.isSymlink() {
			next.vol.mu.RLock()
			target := next.node.target
			next.vol.mu.RUnlock()
			return next, target, comps[i+1:], nil
		}
		cur = next
	}
	return cur, "", nil, nil
}

func splitPath(clean string) []string {
	if clean == "/" {
		return nil
	}
	return strings.Split(strings.TrimPrefix(clean, "/"), "/")
}
