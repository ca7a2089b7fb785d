package memfs

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"sync"
	"syscall"
)

// Flags for OpenFile are os.O_RDONLY, O_WRONLY, O_RDWR, O_CREATE, O_EXCL,
// O_TRUNC and O_APPEND.
const (
	flagRead   = os.O_RDONLY
	flagWrite  = os.O_WRONLY
	flagCreate = os.O_CREATE
	flagTrunc  = os.O_TRUNC
)

// File is an open file. Like a Unix file descriptor it keeps naming the
// same file after a rename or an unlink. A File is safe for concurrent use.
type File struct {
	vol    *Volume
	node   *node
	name   string
	read   bool
	write  bool
	append bool

	mu  sync.Mutex
	off int64
}

// OpenFile opens p with os.O_* flags, creating it with mode perm when
// O_CREATE is set and it does not exist.
func (f *FS) OpenFile(p string, flag int, perm fs.FileMode) (*File, error) {
	return f.openFile(p, flag, perm, false)
}

func (f *FS) openFile(p string, flag int, perm fs.FileMode, force bool) (*File, error) {
	l, err := f.walk("open", p, true)
	if err != nil {
		return nil, err
	}
	acc := flag & (os.O_RDONLY | os.O_WRONLY | os.O_RDWR)
	file := &File{
		vol:    l.vol,
		name:   p,
		read:   acc == os.O_RDONLY || acc == os.O_RDWR,
		write:  acc == os.O_WRONLY || acc == os.O_RDWR,
		append: flag&os.O_APPEND != 0,
	}
	if l.node == nil {
		if flag&os.O_CREATE == 0 {
			return nil, pathErr("open", p, syscall.ENOENT)
		}
		if l.readOnly && !force {
			return nil, pathErr("open", p, syscall.EROFS)
		}
		return f.create(l, file, perm)
	}
	switch {
	case flag&os.O_CREATE != 0 && flag&os.O_EXCL != 0:
		return nil, pathErr("open", p, syscall.EEXIST)
	case file.write && l.readOnly && !force && l.node.dev == devNone:
		return nil, pathErr("open", p, syscall.EROFS)
	}
	l.vol.mu.Lock()
	isDir := l.node.isDir()
	truncated := false
	if !isDir && file.write && flag&os.O_TRUNC != 0 && l.node.isRegular() && len(l.node.data) > 0 {
		if !l.node.detached {
			l.vol.usage -= int64(len(l.node.data))
		}
		l.node.data = nil
		l.node.mtime = l.vol.clock.Now()
		truncated = true
	}
	l.vol.mu.Unlock()
	if isDir && file.write {
		return nil, pathErr("open", p, syscall.EISDIR)
	}
	if truncated {
		l.vol.notify()
	}
	file.node = l.node
	return file, nil
}

func (f *FS) create(l loc, file *File, perm fs.FileMode) (*File, error) {
	l.vol.mu.Lock()
	n := l.parent.children[l.name]
	if n == nil {
		now := l.vol.clock.Now()
		n = newFile(perm, nil, now)
		l.parent.children[l.name] = n
		l.parent.mtime = now
	}
	l.vol.mu.Unlock()
	l.vol.notify()
	file.node = n
	return file, nil
}

// Name returns the path the file was opened by.
func (file *File) Name() string { return file.name }

// Read reads from the file's current offset.
func (file *File) Read(b []byte) (int, error) {
	if !file.read {
		return 0, pathErr("read", file.name, syscall.EBADF)
	}
	file.mu.Lock()
	defer file.mu.Unlock()
	n, err := file.readAt(b, file.off)
	file.off += int64(n)
	return n, err
}

// ReadAt reads len(b) bytes from offset off without moving the file's
// offset, as io.ReaderAt.
func (file *File) ReadAt(b []byte, off int64) (int, error) {
	if !file.read {
		return 0, pathErr("read", file.name, syscall.EBADF)
	}
	n, err := file.readAt(b, off)
	if err == nil && n < len(b) {
		err = io.EOF
	}
	return n, err
}

func (file *File) readAt(b []byte, off int64) (int, error) {
	v := file.vol
	v.mu.RLock()
	defer v.mu.RUnlock()
	nd := file.node
	switch {
	case nd.isDir():
		return 0, pathErr("read", file.name, syscall.EISDIR)
	case nd.dev == devNull:
		return 0, io.EOF
	case nd.dev == devZero:
		clear(b)
		return len(b), nil
	case off >= int64(len(nd.data)):
		return 0, io.EOF
	}
	return copy(b, nd.data[off:]), nil
}

func (file *File) readAll() ([]byte, error) {
	if !file.read {
		return nil, pathErr("read", file.name, syscall.EBADF)
	}
	v := file.vol
	v.mu.RLock()
	defer v.mu.RUnlock()
	switch {
	case file.node.isDir():
		return nil, pathErr("read", file.name, syscall.EISDIR)
	case file.node.dev == devZero:
		return nil, pathErr("read", file.name, syscall.EFBIG)
	}
	return append([]byte(nil), file.node.data...), nil
}

// Write writes at the file's offset, or at its end when opened with
// O_APPEND, and tells the volume's watchers.
func (file *File) Write(b []byte) (int, error) {
	if !file.write {
		return 0, pathErr("write", file.name, syscall.EBADF)
	}
	file.mu.Lock()
	defer file.mu.Unlock()
	v := file.vol
	v.mu.Lock()
	nd := file.node
	if nd.dev != devNone {
		v.mu.Unlock()
		return len(b), nil
	}
	if file.append {
		file.off = int64(len(nd.data))
	}
	old := int64(len(nd.data))
	end := file.off + int64(len(b))
	if grow := end - old; grow > 0 && v.limit >= 0 && v.usage+grow > v.limit && !nd.detached {
		v.mu.Unlock()
		return 0, pathErr("write", file.name, syscall.ENOSPC)
	}
	if nd.borrowed {
		nd.data, nd.borrowed = append([]byte(nil), nd.data...), false
	}
	switch {
	case end <= old:
	case end <= int64(cap(nd.data)):
		nd.data = nd.data[:end] // readers copy under the lock, so growing in place is safe
	default:
		grown := make([]byte, end, max(end, 2*old))
		copy(grown, nd.data)
		nd.data = grown
	}
	if file.off > old {
		clear(nd.data[old:file.off]) // a hole after a seek past the end reads as zeros
	}
	copy(nd.data[file.off:], b)
	file.off = end
	nd.mtime = v.clock.Now()
	if !nd.detached {
		v.usage += int64(len(nd.data)) - old
	}
	v.written += int64(len(b))
	v.mu.Unlock()
	v.notify()
	return len(b), nil
}

// Close releases the file. It never fails.
func (file *File) Close() error { return nil }

// Stat returns the file's metadata.
func (file *File) Stat() (fs.FileInfo, error) {
	file.vol.mu.RLock()
	defer file.vol.mu.RUnlock()
	return file.node.info(path.Base(file.name)), nil
}

// Size returns the file's length now, for followers (tail -f).
func (file *File) Size() int64 {
	file.vol.mu.RLock()
	defer file.vol.mu.RUnlock()
	return int64(len(file.node.data))
}

// Seek sets the offset of the next Read or Write.
func (file *File) Seek(offset int64, whence int) (int64, error) {
	file.mu.Lock()
	defer file.mu.Unlock()
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += file.off
	case io.SeekEnd:
		offset += file.Size()
	default:
		return 0, pathErr("seek", file.name, syscall.EINVAL)
	}
	if offset < 0 {
		return 0, pathErr("seek", file.name, syscall.EINVAL)
	}
	file.off = offset
	return offset, nil
}

// Watch calls fn after every change to the volume that holds the file
// (see Volume.Watch).
func (file *File) Watch(fn func()) (stop func()) { return file.vol.Watch(fn) }

// IsDevice reports whether the file is a character device (/dev/null).
func (file *File) IsDevice() bool {
	file.vol.mu.RLock()
	defer file.vol.mu.RUnlock()
	return file.node.dev != devNone
}

func isErrno(err error, errno syscall.Errno) bool {
	var e syscall.Errno
	return errors.As(err, &e) && e == errno
}
