package shell

import (
	"errors"
	"os"
	"strconv"
	"strings"

	"github.com/kubesim/kubesim/fakenode/shell/syntax"
)

var errRedirect = errors.New("redirection failed")

// redirect applies redirections to the shell's descriptors; restore puts
// the old ones back. On failure it reports the error and changes nothing.
func (i *interp) redirect(redirs []*syntax.Redir) (restore func(), err error) {
	if len(redirs) == 0 {
		return func() {}, nil
	}
	saved := i.fds
	i.fds = i.copyFds()
	for _, r := range redirs {
		if err := i.applyRedir(r); err != nil {
			i.fds = saved
			return nil, err
		}
	}
	return func() { i.fds = saved }, nil
}

func (i *interp) applyRedir(r *syntax.Redir) error {
	fd := r.Fd
	if fd < 0 {
		fd = 1
		switch r.Op {
		case syntax.RedirIn, syntax.RedirInOut, syntax.RedirDupIn, syntax.RedirHeredoc, syntax.RedirHeredocTab:
			fd = 0
		}
	}
	if r.Op == syntax.RedirHeredoc || r.Op == syntax.RedirHeredocTab {
		body := ""
		if r.Body != nil {
			var err error
			if body, err = i.expandString(r.Body); err != nil {
				return err
			}
		}
		i.fds[fd] = &ofile{r: strings.NewReader(body)}
		return nil
	}
	target, err := i.expandString(r.Word)
	if err != nil {
		return err
	}
	switch r.Op {
	case syntax.RedirDupIn, syntax.RedirDupOut:
		if target == "-" {
			delete(i.fds, fd)
			return nil
		}
		if n, err := strconv.Atoi(target); err == nil {
			of, ok := i.fds[n]
			if !ok {
				i.errorf("%d: Bad file descriptor", n)
				return errRedirect
			}
			i.fds[fd] = of
			return nil
		}
		if r.Op == syntax.RedirDupIn {
			i.errorf("%s: Bad file descriptor", target)
			return errRedirect
		}
		return i.redirectFile(target, syntax.RedirAll, fd)
	}
	return i.redirectFile(target, r.Op, fd)
}

// redirectFile points fd at a file: <, >, >>, >|, <>, or &> (fds 1 and 2).
func (i *interp) redirectFile(target string, op syntax.RedirOp, fd int) error {
	if of, ok := i.specialFile(target); ok {
		if of == nil {
			i.errorf("%s: Bad file descriptor", target)
			return errRedirect
		}
		i.fds[fd] = of
		if op == syntax.RedirAll {
			i.fds[2] = of
		}
		return nil
	}
	flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	switch op {
	case syntax.RedirIn:
		flag = os.O_RDONLY
	case syntax.RedirAppend:
		flag = os.O_WRONLY | os.O_CREATE | os.O_APPEND
	case syntax.RedirInOut:
		flag = os.O_RDWR | os.O_CREATE
	}
	f, err := i.c.FS.OpenFile(i.abs(target), flag, 0o644)
	if err != nil {
		verb := "create"
		if op == syntax.RedirIn {
			verb = "open"
		}
		i.errorf("can't %s %s: %s", verb, target, ashOpenError(err, op != syntax.RedirIn))
		return errRedirect
	}
	of := &ofile{}
	if flag == os.O_RDONLY || flag&os.O_RDWR != 0 {
		of.r = f
	}
	if flag != os.O_RDONLY {
		of.w = f
	}
	i.fds[fd] = of
	if op == syntax.RedirAll {
		i.fds[2] = of
	}
	return nil
}

// specialFile resolves the paths that name descriptors rather than files:
// /dev/stdin, /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N, and
// /proc/PID/fd/1 or 2 of another process of the container (writing to
// /proc/1/fd/1 reaches the container's log). ok is false for other paths;
// a nil ofile means the descriptor is not open.
func (i *interp) specialFile(p string) (of *ofile, ok bool) {
	switch p {
	case "/dev/stdin":
		return i.fds[0], true
	case "/dev/stdout":
		return i.fds[1], true
	case "/dev/stderr":
		return i.fds[2], true
	}
	var pidText, fdText string
	switch {
	case strings.HasPrefix(p, "/dev/fd/"):
		pidText, fdText = "self", strings.TrimPrefix(p, "/dev/fd/")
	case strings.HasPrefix(p, "/proc/"):
		rest := strings.TrimPrefix(p, "/proc/")
		var found bool
		if pidText, fdText, found = strings.Cut(rest, "/fd/"); !found {
			return nil, false
		}
	default:
		return nil, false
	}
	n, err := strconv.Atoi(fdText)
	if err != nil {
		return nil, false
	}
	if pidText == "self" || pidText == strconv.Itoa(i.p.pid) {
		return i.fds[n], true
	}
	pid, err := strconv.Atoi(pidText)
	if err != nil {
		return nil, false
	}
	target := i.c.lookupPID(pid)
	if target == nil {
		return nil, true
	}
	switch n {
	case 1:
		return &ofile{w: target.process.stdout}, true
	case 2:
		return &ofile{w: target.process.stderr}, true
	}
	return nil, true
}

// runRedirected runs a compound command with its redirections.
func (i *interp) runRedirected(c *syntax.RedirCmd) error {
	restore, err := i.redirect(c.Redirs)
	if err != nil {
		i.status = 1
		return nil
	}
	defer restore()
	return i.runCmd(c.Cmd)
}
