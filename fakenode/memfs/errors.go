package memfs

import (
	"io/fs"
	"syscall"
)

func pathErr(op, path string, errno syscall.Errno) error {
	return &fs.PathError{Op: op, Path: path, Err: errno}
}

// maxSymlinks is how many symlinks one lookup follows before giving up
// with ELOOP, as Linux's MAXSYMLINKS.
const maxSymlinks = 40
