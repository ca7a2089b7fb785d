package memfs

import (
	"io/fs"
	"path"
	"sort"
	"syscall"
	"time"
)

// Stat returns the metadata of the file p names, following symlinks.
func (f *FS) Stat(p string) (fs.FileInfo, error) { return f.stat("stat", p, true) }

// Lstat is Stat without following a final symlink.
func (f *FS) Lstat(p string) (fs.FileInfo, error) { return f.stat("lstat", p, false) }

func (f *FS) stat(op, p string, follow bool) (fs.FileInfo, error) {
	l, err := f.walk(op, p, follow)
	if err != nil {
		return nil, err
	}
	if l.node == nil {
		return nil, pathErr(op, p, syscall.ENOENT)
	}
	l.vol.mu.RLock()
	defer l.vol.mu.RUnlock()
	return l.node.info(path.Base(l.path)), nil
}

// ReadFile returns a copy of the contents of the file p names.
func (f *FS) ReadFile(p string) ([]byte, error) {
	file, err := f.OpenFile(p, flagRead, 0)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	return file.readAll()
}

// WriteFile creates or truncates p and writes data to it, creating a new
// file with mode perm.
func (f *FS) WriteFile(p string, data []byte, perm fs.FileMode) error {
	file, err := f.OpenFile(p, flagWrite|flagCreate|flagTrunc, perm)
	if err != nil {
		return err
	}
	if _, err := file.Write(data); err != nil {
		file.Close()
		return err
	}
	return file.Close()
}

// Mkdir creates the directory p.
func (f *FS) Mkdir(p string, perm fs.FileMode) error { return f.mkdir(p, perm, false) }

func (f *FS) mkdir(p string, perm fs.FileMode, force bool) error {
	l, err := f.walk("mkdir", p, false)
	if err != nil {
		return err
	}
	if l.node != nil {
		return pathErr("mkdir", p, syscall.EEXIST)
	}
	if l.readOnly && !force {
		return pathErr("mkdir", p, syscall.EROFS)
	}
	l.vol.mu.Lock()
	if _, ok := l.parent.children[l.name]; ok {
		l.vol.mu.Unlock()
		return pathErr("mkdir", p, syscall.EEXIST)
	}
	now := l.vol.clock.Now()
	l.parent.children[l.name] = newDir(perm, now)
	l.parent.mtime = now
	l.vol.mu.Unlock()
	l.vol.notify()
	return nil
}

// MkdirAll creates p and any missing parents, like mkdir -p.
func (f *FS) MkdirAll(p string, perm fs.FileMode) error { return f.mkdirAll(p, perm, false) }

func (f *FS) mkdirAll(p string, perm fs.FileMode, force bool) error {
	clean, err := absClean("mkdir", p)
	if err != nil {
		return err
	}
	if fi, err := f.Stat(clean); err == nil {
		if fi.IsDir() {
			return nil
		}
		return pathErr("mkdir", p, syscall.ENOTDIR)
	}
	if clean != "/" {
		if err := f.mkdirAll(path.Dir(clean), perm, force); err != nil {
			return err
		}
	}
	err = f.mkdir(clean, perm, force)
	if fi, serr := f.Stat(clean); err != nil && serr == nil && fi.IsDir() {
		return nil // made meanwhile by somebody else
	}
	return err
}

// Remove removes the file, symlink or empty directory p.
func (f *FS) Remove(p string) error { return f.remove("remove", p, false) }

// RemoveAll removes p and everything under it. Removing a path that does
// not exist is not an error, as with os.RemoveAll.
func (f *FS) RemoveAll(p string) error {
	err := f.remove("remove", p, true)
	if isErrno(err, syscall.ENOENT) {
		return nil
	}
	return err
}

func (f *FS) remove(op, p string, recursive bool) error {
	l, err := f.walk(op, p, false)
	if err != nil {
		return err
	}
	if l.node == nil {
		return pathErr(op, p, syscall.ENOENT)
	}
	if l.parent == nil {
		return pathErr(op, p, syscall.EBUSY) // a mount point, or "/"
	}
	if l.readOnly {
		return pathErr(op, p, syscall.EROFS)
	}
	l.vol.mu.Lock()
	n := l.parent.children[l.name]
	if n == nil {
		l.vol.mu.Unlock()
		return pathErr(op, p, syscall.ENOENT)
	}
	if n.isDir() && len(n.children) > 0 && !recursive {
		l.vol.mu.Unlock()
		return pathErr(op, p, syscall.ENOTEMPTY)
	}
	if n.isDir() && f.hasMountUnder(l.path) {
		l.vol.mu.Unlock()
		return pathErr(op, p, syscall.EBUSY)
	}
	delete(l.parent.children, l.name)
	l.parent.mtime = l.vol.clock.Now()
	l.vol.usage -= n.usage()
	n.detach()
	l.vol.mu.Unlock()
	l.vol.notify()
	return nil
}

// hasMountUnder reports whether something is mounted below dir.
func (f *FS) hasMountUnder(dir string) bool {
	f.mu.RLock()
	defer f.mu.RUnlock()
	for mp := range f.mounts {
		if len(mp) > len(dir) && mp[:len(dir)] == dir && (dir == "/" || mp[len(dir)] == '/') {
			return true
		}
	}
	return false
}

// Rename moves oldpath to newpath, replacing a file or empty directory
// there. Both must be on the same mount (EXDEV otherwise, as rename(2)).
func (f *FS) Rename(oldpath, newpath string) error {
	from, err := f.walk("rename", oldpath, false)
	if err != nil {
		return err
	}
	to, err := f.walk("rename", newpath, false)
	if err != nil {
		return err
	}
	switch {
	case from.node == nil:
		return pathErr("rename", oldpath, syscall.ENOENT)
	case from.parent == nil || to.parent == nil:
		return pathErr("rename", oldpath, syscall.EBUSY)
	case from.vol != to.vol:
		return pathErr("rename", oldpath, syscall.EXDEV)
	case from.readOnly || to.readOnly:
		return pathErr("rename", oldpath, syscall.EROFS)
	case from.path == to.path:
		return nil
	case from.node.isDir() && isUnder(to.path, from.path):
		return pathErr("rename", oldpath, syscall.EINVAL)
	}
	v := from.vol
	v.mu.Lock()
	err = renameLocked(from, to)
	v.mu.Unlock()
	if err != nil {
		return &fs.PathError{Op: "rename", Path: oldpath, Err: err}
	}
	v.notify()
	return nil
}

func renameLocked(from, to loc) error {
	n := from.parent.children[from.name]
	if n == nil {
		return syscall.ENOENT
	}
	if old := to.parent.children[to.name]; old != nil {
		switch {
		case old.isDir() && !n.isDir():
			return syscall.EISDIR
		case !old.isDir() && n.isDir():
			return syscall.ENOTDIR
		case old.isDir() && len(old.children) > 0:
			return syscall.ENOTEMPTY
		}
		from.vol.usage -= old.usage()
		old.detach()
	}
	delete(from.parent.children, from.name)
	to.parent.children[to.name] = n
	now := from.vol.clock.Now()
	from.parent.mtime, to.parent.mtime = now, now
	return nil
}

func isUnder(p, dir string) bool {
	return len(p) > len(dir) && p[:len(dir)] == dir && p[len(dir)] == '/'
}

// Symlink creates newname as a symlink to target.
func (f *FS) Symlink(target, newname string) error {
	l, err := f.walk("symlink", newname, false)
	if err != nil {
		return err
	}
	switch {
	case l.node != nil:
		return pathErr("symlink", newname, syscall.EEXIST)
	case l.readOnly:
		return pathErr("symlink", newname, syscall.EROFS)
	}
	l.vol.mu.Lock()
	if _, ok := l.parent.children[l.name]; ok {
		l.vol.mu.Unlock()
		return pathErr("symlink", newname, syscall.EEXIST)
	}
	now := l.vol.clock.Now()
	l.parent.children[l.name] = &node{mode: fs.ModeSymlink | 0o777, mtime: now, target: target}
	l.parent.mtime = now
	l.vol.mu.Unlock()
	l.vol.notify()
	return nil
}

// Readlink returns the target of the symlink p.
func (f *FS) Readlink(p string) (string, error) {
	l, err := f.walk("readlink", p, false)
	if err != nil {
		return "", err
	}
	if l.node == nil {
		return "", pathErr("readlink", p, syscall.ENOENT)
	}
	l.vol.mu.RLock()
	defer l.vol.mu.RUnlock()
	if !l.node.isSymlink() {
		return "", pathErr("readlink", p, syscall.EINVAL)
	}
	return l.node.target, nil
}

// ReadDir lists the directory p, sorted by name. Entries that are mount
// points describe what is mounted there.
func (f *FS) ReadDir(p string) ([]fs.DirEntry, error) {
	l, err := f.walk("open", p, true)
	if err != nil {
		return nil, err
	}
	if l.node == nil {
		return nil, pathErr("open", p, syscall.ENOENT)
	}
	l.vol.mu.RLock()
	if !l.node.isDir() {
		l.vol.mu.RUnlock()
		return nil, pathErr("readdirent", p, syscall.ENOTDIR)
	}
	out := make([]fs.DirEntry, 0, len(l.node.children))
	for name, c := range l.node.children {
		out = append(out, dirEntry{c.info(name)})
	}
	l.vol.mu.RUnlock()
	for i, e := range out {
		if m := f.mountAt(path.Join(l.path, e.Name())); m != nil {
			m.vol.mu.RLock()
			out[i] = dirEntry{m.rootNode().info(e.Name())}
			m.vol.mu.RUnlock()
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}

// Chmod sets the permission bits (and setuid, setgid, sticky) of p.
func (f *FS) Chmod(p string, mode fs.FileMode) error {
	return f.modify("chmod", p, func(n *node, _ time.Time) {
		n.mode = n.mode.Type() | mode&(fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky)
	})
}

// Chtimes sets the modification time of p.
func (f *FS) Chtimes(p string, mtime time.Time) error {
	return f.modify("chtimes", p, func(n *node, _ time.Time) { n.mtime = mtime })
}

func (f *FS) modify(op, p string, fn func(*node, time.Time)) error {
	l, err := f.walk(op, p, true)
	if err != nil {
		return err
	}
	switch {
	case l.node == nil:
		return pathErr(op, p, syscall.ENOENT)
	case l.readOnly:
		return pathErr(op, p, syscall.EROFS)
	}
	l.vol.mu.Lock()
	fn(l.node, l.vol.clock.Now())
	l.vol.mu.Unlock()
	l.vol.notify()
	return nil
}

// Watch calls fn after every change to the volume that holds p (see
// Volume.Watch).
func (f *FS) Watch(p string, fn func()) (stop func(), err error) {
	l, err := f.walk("watch", p, true)
	if err != nil {
		return nil, err
	}
	return l.vol.Watch(fn), nil
}
