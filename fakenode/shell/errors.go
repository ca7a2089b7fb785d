package shell

import (
	"errors"
	"syscall"
)

// errnoTexts are strerror's words, which busybox prints.
var errnoTexts = map[syscall.Errno]string{
	syscall.ENOENT:    "No such file or directory",
	syscall.EEXIST:    "File exists",
	syscall.ENOTDIR:   "Not a directory",
	syscall.EISDIR:    "Is a directory",
	syscall.ENOTEMPTY: "Directory not empty",
	syscall.EROFS:     "Read-only file system",
	syscall.EBUSY:     "Device or resource busy",
	syscall.EXDEV:     "Invalid cross-device link",
	syscall.EINVAL:    "Invalid argument",
	syscall.ELOOP:     "Symbolic link loop",
	syscall.EACCES:    "Permission denied",
	syscall.EPERM:     "Operation not permitted",
	syscall.EBADF:     "Bad file descriptor",
	syscall.ENOSPC:    "No space left on device",
	syscall.EFBIG:     "File too large",
	syscall.EPIPE:     "Broken pipe",
	syscall.ESRCH:     "No such process",
}

// errnoText is the strerror text of err's errno.
func errnoText(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		if s, ok := errnoTexts[errno]; ok {
			return s
		}
	}
	return err.Error()
}

func isErrno(err error, errno syscall.Errno) bool {
	var e syscall.Errno
	return errors.As(err, &e) && e == errno
}

// ashOpenError words a redirection's failure as ash does: ENOENT is "no
// such file" when opening and "nonexistent directory" when creating.
func ashOpenError(err error, creating bool) string {
	if isErrno(err, syscall.ENOENT) {
		if creating {
			return "nonexistent directory"
		}
		return "no such file"
	}
	return errnoText(err)
}
