package memfs

import (
	"io/fs"
	"time"
)

// device says what a character device does when read or written.
type device int

const (
	devNone device = iota
	devNull        // reads end at once, writes vanish
	devZero        // reads give zeros forever, writes vanish
)

// node is a file, directory, symlink or device. Its fields are guarded by
// the lock of the Volume that holds it.
type node struct {
	mode     fs.FileMode // type bits and permissions
	mtime    time.Time
	data     []byte           // regular files
	target   string           // symlinks
	children map[string]*node // directories
	dev      device
	// detached is set when the node is removed from its volume's tree; an
	// open file may still write to it, but it no longer counts in Usage.
	detached bool
	// borrowed is set while data is the slice given to Replace, which a
	// write must copy before changing it.
	borrowed bool
}

func newDir(perm fs.FileMode, now time.Time) *node {
	return &node{mode: fs.ModeDir | perm.Perm(), mtime: now, children: map[string]*node{}}
}

func newFile(perm fs.FileMode, data []byte, now time.Time) *node {
	return &node{mode: perm.Perm(), mtime: now, data: data}
}

func (n *node) isDir() bool     { return n.mode.IsDir() }
func (n *node) isSymlink() bool { return n.mode&fs.ModeSymlink != 0 }
func (n *node) isRegular() bool { return n.mode.IsRegular() }

// size is what stat reports: the bytes of a file, the length of a symlink's
// target, 4096 for a directory (as ext4 and busybox ls show), 0 for a device.
func (n *node) size() int64 {
	switch {
	case n.isRegular():
		return int64(len(n.data))
	case n.isSymlink():
		return int64(len(n.target))
	case n.isDir():
		return 4096
	}
	return 0
}

// usage is the bytes of regular files in the tree rooted at n.
func (n *node) usage() int64 {
	if n.isRegular() {
		return int64(len(n.data))
	}
	var sum int64
	for _, c := range n.children {
		sum += c.usage()
	}
	return sum
}

// detach marks the tree rooted at n as removed.
func (n *node) detach() {
	n.detached = true
	for _, c := range n.children {
		c.detach()
	}
}

// info is a snapshot of n's metadata, safe to use without the lock.
func (n *node) info(name string) *fileInfo {
	return &fileInfo{name: name, size: n.size(), mode: n.mode, mtime: n.mtime, nlink: n.nlink()}
}

// nlink is the link count ls -l shows: 2 plus subdirectories for a
// directory, 1 otherwise.
func (n *node) nlink() int {
	if !n.isDir() {
		return 1
	}
	links := 2
	for _, c := range n.children {
		if c.isDir() {
			links++
		}
	}
	return links
}

// fileInfo implements fs.FileInfo.
type fileInfo struct {
	name  string
	size  int64
	mode  fs.FileMode
	mtime time.Time
	nlink int
}

func (fi *fileInfo) Name() string       { return fi.name }
func (fi *fileInfo) Size() int64        { return fi.size }
func (fi *fileInfo) Mode() fs.FileMode  { return fi.mode }
func (fi *fileInfo) ModTime() time.Time { return fi.mtime }
func (fi *fileInfo) IsDir() bool        { return fi.mode.IsDir() }

// Sys returns a *Stat with the fields fs.FileInfo does not carry.
func (fi *fileInfo) Sys() any { return &Stat{Nlink: fi.nlink} }

// Stat is what FileInfo.Sys returns for files of this package.
type Stat struct {
	Nlink int // link count, as ls -l shows it
}

// dirEntry implements fs.DirEntry.
type dirEntry struct{ info *fileInfo }

func (d dirEntry) Name() string               { return d.info.name }
func (d dirEntry) IsDir() bool                { return d.info.IsDir() }
func (d dirEntry) Type() fs.FileMode          { return d.info.mode.Type() }
func (d dirEntry) Info() (fs.FileInfo, error) { return d.info, nil }
