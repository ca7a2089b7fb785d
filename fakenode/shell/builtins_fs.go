package shell

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"
	"syscall"
)

func cmdTouch(_ context.Context, inv *Invocation) int {
	f, files, ok := getopt(inv, "cd:t:r:am")
	if !ok {
		return 1
	}
	if len(files) == 0 {
		usage(inv)
		return 1
	}
	when := inv.Clock.Now()
	if f.has('r') {
		fi, err := inv.FS.Stat(inv.Path(f.get('r')))
		if err != nil {
			inv.Errorf("%s: %s", f.get('r'), errnoText(err))
			return 1
		}
		when = fi.ModTime()
	} else if d := f.get('d'); d != "" {
		t, ok := parseDate(d, when, dateLocation(inv))
		if !ok {
			inv.Errorf("invalid date '%s'", d)
			return 1
		}
		when = t
	}
	status := 0
	for _, name := range files {
		p := inv.Path(name)
		if _, err := inv.FS.Stat(p); errors.Is(err, fs.ErrNotExist) {
			if f.has('c') {
				continue
			}
			file, err := inv.FS.OpenFile(p, os.O_WRONLY|os.O_CREATE, 0o644)
			if err != nil {
				inv.Errorf("%s: %s", name, errnoText(err))
				status = 1
				continue
			}
			file.Close()
		}
		if err := inv.FS.Chtimes(p, when); err != nil {
			inv.Errorf("%s: %s", name, errnoText(err))
			status = 1
		}
	}
	return status
}

func cmdRm(_ context.Context, inv *Invocation) int {
	f, files, ok := getopt(inv, "rRfiv")
	if !ok {
		return 1
	}
	force, recursive := f.has('f'), f.has('r') || f.has('R')
	if len(files) == 0 && !force {
		usage(inv)
		return 1
	}
	status := 0
	for _, name := range files {
		p := inv.Path(name)
		fi, err := inv.FS.Lstat(p)
		switch {
		case err != nil:
			if !force || !errors.Is(err, fs.ErrNotExist) {
				inv.Errorf("can't remove '%s': %s", name, errnoText(err))
				status = 1
			}
			continue
		case fi.IsDir() && !recursive:
			inv.Errorf("'%s' is a directory", name)
			status = 1
			continue
		case fi.IsDir():
			err = inv.FS.RemoveAll(p)
		default:
			err = inv.FS.Remove(p)
		}
		if err != nil {
			inv.Errorf("can't remove '%s': %s", name, errnoText(err))
			status = 1
		}
	}
	return status
}

func cmdMkdir(_ context.Context, inv *Invocation) int {
	f, dirs, ok := getopt(inv, "pm:v")
	if !ok {
		return 1
	}
	if len(dirs) == 0 {
		usage(inv)
		return 1
	}
	perm := fs.FileMode(0o755)
	if m := f.get('m'); m != "" {
		mode, ok := parseMode(m, 0o777)
		if !ok {
			inv.Errorf("invalid mode '%s'", m)
			return 1
		}
		perm = mode
	}
	status := 0
	for _, name := range dirs {
		var err error
		if f.has('p') {
			err = inv.FS.MkdirAll(inv.Path(name), perm)
		} else {
			err = inv.FS.Mkdir(inv.Path(name), perm)
		}
		if err != nil {
			inv.Errorf("can't create directory '%s': %s", name, errnoText(err))
			status = 1
		}
	}
	return status
}

func cmdRmdir(_ context.Context, inv *Invocation) int {
	f, dirs, ok := getopt(inv, "p")
	if !ok {
		return 1
	}
	status := 0
	for _, name := range dirs {
		for {
			p := inv.Path(name)
			fi, err := inv.FS.Lstat(p)
			if err == nil && !fi.IsDir() {
				err = &fs.PathError{Op: "rmdir", Path: p, Err: syscall.ENOTDIR}
			}
			if err == nil {
				err = inv.FS.Remove(p)
			}
			if err != nil {
				inv.Errorf("'%s': %s", name, errnoText(err))
				status = 1
				break
			}
			if !f.has('p') || path.Dir(name) == name || path.Dir(name) == "." {
				break
			}
			name = path.Dir(name)
		}
	}
	return status
}

// copyTarget is where SOURCE goes, as given (for messages): into DEST if
// DEST is a directory, or if there are several sources.
func copyTarget(inv *Invocation, src, dst string, many bool) string {
	if fi, err := inv.FS.Stat(inv.Path(dst)); many || err == nil && fi.IsDir() {
		return path.Join(dst, path.Base(src))
	}
	return dst
}

func cmdCp(_ context.Context, inv *Invocation) int {
	f, args, ok := getopt(inv, "arRPdLHpfinlsTu")
	if !ok {
		return 1
	}
	if len(args) < 2 {
		usage(inv)
		return 1
	}
	recursive := f.has('r') || f.has('R') || f.has('a')
	keep := f.has('p') || f.has('a')
	srcs, dst := args[:len(args)-1], args[len(args)-1]
	status := 0
	for _, src := range srcs {
		fi, err := inv.FS.Stat(inv.Path(src))
		if err != nil {
			inv.Errorf("can't stat '%s': %s", src, errnoText(err))
			status = 1
			continue
		}
		if fi.IsDir() && !recursive {
			inv.Errorf("omitting directory '%s'", src)
			status = 1
			continue
		}
		if !copyTree(inv, src, copyTarget(inv, src, dst, len(srcs) > 1), keep) {
			status = 1
		}
	}
	return status
}

// copyTree copies a file or a directory tree, reporting errors as cp.
// The paths are as given, relative to the working directory.
func copyTree(inv *Invocation, src, dst string, keep bool) bool {
	fi, err := inv.FS.Stat(inv.Path(src))
	if err != nil {
		inv.Errorf("can't stat '%s': %s", src, errnoText(err))
		return false
	}
	if fi.IsDir() {
		if isUnder(inv.Path(dst), inv.Path(src)) {
			inv.Errorf("cannot copy a directory, '%s', into itself, '%s'", src, dst)
			return false
		}
		if err := inv.FS.MkdirAll(inv.Path(dst), fi.Mode().Perm()); err != nil {
			inv.Errorf("can't create directory '%s': %s", dst, errnoText(err))
			return false
		}
		entries, err := inv.FS.ReadDir(inv.Path(src))
		if err != nil {
			inv.Errorf("can't open '%s': %s", src, errnoText(err))
			return false
		}
		ok := true
		for _, e := range entries {
			ok = copyTree(inv, path.Join(src, e.Name()), path.Join(dst, e.Name()), keep) && ok
		}
		return ok
	}
	data, err := inv.FS.ReadFile(inv.Path(src))
	if err != nil {
		inv.Errorf("can't open '%s': %s", src, errnoText(err))
		return false
	}
	if err := inv.FS.WriteFile(inv.Path(dst), data, fi.Mode().Perm()); err != nil {
		inv.Errorf("can't create '%s': %s", dst, errnoText(err))
		return false
	}
	if keep {
		inv.FS.Chtimes(inv.Path(dst), fi.ModTime())
		inv.FS.Chmod(inv.Path(dst), fi.Mode())
	}
	return true
}

func isUnder(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, strings.TrimSuffix(dir, "/")+"/")
}

func cmdMv(_ context.Context, inv *Invocation) int {
	_, args, ok := getopt(inv, "fin")
	if !ok {
		return 1
	}
	if len(args) < 2 {
		usage(inv)
		return 1
	}
	srcs, dst := args[:len(args)-1], args[len(args)-1]
	status := 0
	for _, src := range srcs {
		target := copyTarget(inv, src, dst, len(srcs) > 1)
		err := inv.FS.Rename(inv.Path(src), inv.Path(target))
		if isErrno(err, syscall.EXDEV) {
			// Across mounts, as busybox: copy, then remove.
			if copyTree(inv, src, target, true) {
				err = inv.FS.RemoveAll(inv.Path(src))
			} else {
				status = 1
				continue
			}
		}
		if err != nil {
			inv.Errorf("can't rename '%s': %s", src, errnoText(err))
			status = 1
		}
	}
	return status
}

// cmdLn makes symlinks; a hard link (without -s) is made as a copy, since
// the filesystem has no hard links.
func cmdLn(_ context.Context, inv *Invocation) int {
	f, args, ok := getopt(inv, "sfnbvT")
	if !ok {
		return 1
	}
	if len(args) == 0 {
		usage(inv)
		return 1
	}
	if len(args) == 1 {
		args = append(args, path.Base(args[0]))
	}
	targets, link := args[:len(args)-1], args[len(args)-1]
	status := 0
	for _, target := range targets {
		name := inv.Path(link)
		if fi, err := inv.FS.Stat(name); err == nil && fi.IsDir() && !f.has('n') {
			name = path.Join(name, path.Base(target))
		}
		if f.has('f') {
			inv.FS.Remove(name)
		}
		var err error
		if f.has('s') {
			err = inv.FS.Symlink(target, name)
		} else if data, rerr := inv.FS.ReadFile(inv.Path(target)); rerr != nil {
			err = rerr
		} else if _, serr := inv.FS.Lstat(name); serr == nil {
			err = &fs.PathError{Op: "link", Path: name, Err: syscall.EEXIST}
		} else {
			err = inv.FS.WriteFile(name, data, 0o644)
		}
		if err != nil {
			inv.Errorf("%s: %s", link, errnoText(err))
			status = 1
		}
	}
	return status
}

func cmdChmod(ctx context.Context, inv *Invocation) int {
	f, args, ok := getopt(inv, "Rcvf")
	if !ok {
		return 1
	}
	if len(args) < 2 {
		usage(inv)
		return 1
	}
	spec, files := args[0], args[1:]
	status := 0
	for _, name := range files {
		p := inv.Path(name)
		fi, err := inv.FS.Stat(p)
		if err != nil {
			inv.Errorf("%s: %s", name, errnoText(err))
			status = 1
			continue
		}
		mode, ok := parseMode(spec, fi.Mode()&(fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky))
		if !ok {
			inv.Errorf("invalid mode '%s'", spec)
			return 1
		}
		if err := inv.FS.Chmod(p, mode); err != nil {
			inv.Errorf("%s: %s", name, errnoText(err))
			status = 1
		}
		if f.has('R') && fi.IsDir() {
			entries, _ := inv.FS.ReadDir(p)
			for _, e := range entries {
				sub := *inv
				sub.Args = []string{inv.Args[0], "-R", spec, path.Join(p, e.Name())}
				if cmdChmod(ctx, &sub) != 0 {
					status = 1
				}
			}
		}
	}
	return status
}

// parseMode reads an octal mode or a symbolic one ([ugoa]*[+-=][rwxst]*,
// comma-separated) applied to old.
func parseMode(spec string, old fs.FileMode) (fs.FileMode, bool) {
	if n, err := strconv.ParseUint(spec, 8, 32); err == nil {
		m := fs.FileMode(n & 0o777)
		if n&0o4000 != 0 {
			m |= fs.ModeSetuid
		}
		if n&0o2000 != 0 {
			m |= fs.ModeSetgid
		}
		if n&0o1000 != 0 {
			m |= fs.ModeSticky
		}
		return m, true
	}
	mode := old
	for _, clause := range strings.Split(spec, ",") {
		who := fs.FileMode(0)
		k := 0
		for ; k < len(clause) && strings.IndexByte("ugoa", clause[k]) >= 0; k++ {
			who |= map[byte]fs.FileMode{'u': 0o700, 'g': 0o070, 'o': 0o007, 'a': 0o777}[clause[k]]
		}
		if who == 0 {
			who = 0o777
		}
		if k >= len(clause) {
			return 0, false
		}
		for k < len(clause) {
			op := clause[k]
			if strings.IndexByte("+-=", op) < 0 {
				return 0, false
			}
			k++
			bits, special := fs.FileMode(0), fs.FileMode(0)
			for ; k < len(clause) && strings.IndexByte("rwxXst", clause[k]) >= 0; k++ {
				switch clause[k] {
				case 'r':
					bits |= 0o444
				case 'w':
					bits |= 0o222
				case 'x', 'X':
					bits |= 0o111
				case 's':
					special |= fs.ModeSetuid | fs.ModeSetgid
				case 't':
					special |= fs.ModeSticky
				}
			}
			bits &= who
			switch op {
			case '+':
				mode |= bits | special
			case '-':
				mode &^= bits | special
			case '=':
				mode = mode&^who | bits | special
			}
		}
	}
	return mode, true
}

// cmdReadlink prints a symlink's target; -f the canonical path.
func cmdReadlink(_ context.Context, inv *Invocation) int {
	f, args, ok := getopt(inv, "fenqsv")
	if !ok || len(args) == 0 {
		if ok {
			usage(inv)
		}
		return 1
	}
	status := 0
	for _, name := range args {
		if f.has('f') || f.has('e') {
			p, err := canonical(inv, inv.Path(name))
			if err != nil {
				status = 1
				continue
			}
			writeOut(inv, p+"\n")
			continue
		}
		target, err := inv.FS.Readlink(inv.Path(name))
		if err != nil {
			status = 1
			continue
		}
		writeOut(inv, target+"\n")
	}
	return status
}

// canonical resolves every symlink in p.
func canonical(inv *Invocation, p string) (string, error) {
	out := "/"
	parts := strings.Split(strings.Trim(p, "/"), "/")
	for hops := 0; len(parts) > 0; {
		name := parts[0]
		parts = parts[1:]
		if name == "" || name == "." {
			continue
		}
		if name == ".." {
			out = path.Dir(out)
			continue
		}
		next := path.Join(out, name)
		target, err := inv.FS.Readlink(next)
		if err != nil {
			if _, serr := inv.FS.Lstat(next); serr != nil && len(parts) > 0 {
				return "", serr
			}
			out = next
			continue
		}
		if hops++; hops > 40 {
			return "", &fs.PathError{Op: "readlink", Path: p, Err: syscall.ELOOP}
		}
		if path.IsAbs(target) {
			out = "/"
		}
		parts = append(strings.Split(strings.Trim(target, "/"), "/"), parts...)
	}
	return out, nil
}
