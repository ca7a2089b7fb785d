package shell

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/kubesim/kubesim/fakenode/memfs"
)

// lsEntry is one line of ls.
type lsEntry struct {
	name string // as shown
	path string // absolute, for symlink targets
	info fs.FileInfo
}

// cmdLs lists files as busybox ls does when its output is not a terminal:
// one name per line; -l long format; -a/-A dot files; -d directories as
// themselves; -R recursion; -t, -S, -r order.
func cmdLs(_ context.Context, inv *Invocation) int {
	f, args, ok := getopt(inv, "laA1dRhtrSFpeicnsLH")
	if !ok {
		return 1
	}
	if len(args) == 0 {
		args = []string{"."}
	}
	status := 0
	var files []lsEntry
	var dirs []lsEntry
	for _, a := range args {
		p := inv.Path(a)
		fi, err := inv.FS.Lstat(p)
		if err == nil && fi.Mode()&fs.ModeSymlink != 0 && !f.has('l') && !f.has('d') {
			if target, terr := inv.FS.Stat(p); terr == nil {
				fi = target
			}
		} else if err == nil && fi.Mode()&fs.ModeSymlink != 0 && !f.has('d') && strings.HasSuffix(a, "/") {
			fi, err = inv.FS.Stat(p)
		}
		if err != nil {
			inv.Errorf("%s: %s", a, errnoText(err))
			status = 1
			continue
		}
		e := lsEntry{name: a, path: p, info: fi}
		if fi.IsDir() && !f.has('d') {
			dirs = append(dirs, e)
		} else {
			files = append(files, e)
		}
	}
	sortEntries(files, f)
	sortEntries(dirs, f)
	var sb strings.Builder
	now := inv.Clock.Now()
	for _, e := range files {
		writeEntry(&sb, inv, e, f, now)
	}
	header := len(args) > 1 || f.has('R')
	for k, d := range dirs {
		if k > 0 || len(files) > 0 {
			sb.WriteByte('\n')
		}
		if !listDir(&sb, inv, d, f, header, now) {
			status = 1
		}
	}
	if writeOut(inv, sb.String()) != 0 {
		return 1
	}
	return status
}

// listDir lists one directory (and, with -R, those under it).
func listDir(sb *strings.Builder, inv *Invocation, d lsEntry, f flags, header bool, now time.Time) bool {
	if header {
		fmt.Fprintf(sb, "%s:\n", d.name)
	}
	entries, err := inv.FS.ReadDir(d.path)
	if err != nil {
		inv.Errorf("%s: %s", d.name, errnoText(err))
		return false
	}
	var list []lsEntry
	if f.has('a') {
		for _, dot := range []string{".", ".."} {
			if fi, err := inv.FS.Stat(path.Join(d.path, dot)); err == nil {
				list = append(list, lsEntry{name: dot, path: path.Join(d.path, dot), info: fi})
			}
		}
	}
	for _, de := range entries {
		if strings.HasPrefix(de.Name(), ".") && !f.has('a') && !f.has('A') {
			continue
		}
		fi, err := de.Info()
		if err != nil {
			continue
		}
		list = append(list, lsEntry{name: de.Name(), path: path.Join(d.path, de.Name()), info: fi})
	}
	sortEntries(list, f)
	if f.has('l') {
		blocks := int64(0)
		for _, e := range list {
			blocks += diskBlocks(e.info)
		}
		fmt.Fprintf(sb, "total %d\n", blocks)
	}
	for _, e := range list {
		writeEntry(sb, inv, e, f, now)
	}
	ok := true
	if f.has('R') {
		for _, e := range list {
			if e.info.IsDir() && e.name != "." && e.name != ".." {
				sb.WriteByte('\n')
				sub := lsEntry{name: path.Join(d.name, e.name), path: e.path, info: e.info}
				ok = listDir(sb, inv, sub, f, true, now) && ok
			}
		}
	}
	return ok
}

// diskBlocks is a file's use in 1 KiB blocks, allocated 4 KiB at a time.
func diskBlocks(fi fs.FileInfo) int64 {
	if fi.Mode()&(fs.ModeSymlink|fs.ModeDevice) != 0 {
		return 0
	}
	return (fi.Size() + 4095) / 4096 * 4
}

func sortEntries(list []lsEntry, f flags) {
	less := func(a, b lsEntry) bool { return a.name < b.name }
	switch {
	case f.has('t'):
		less = func(a, b lsEntry) bool {
			if !a.info.ModTime().Equal(b.info.ModTime()) {
				return a.info.ModTime().After(b.info.ModTime())
			}
			return a.name < b.name
		}
	case f.has('S'):
		less = func(a, b lsEntry) bool {
			if a.info.Size() != b.info.Size() {
				return a.info.Size() > b.info.Size()
			}
			return a.name < b.name
		}
	}
	sort.SliceStable(list, func(i, j int) bool {
		if f.has('r') {
			return less(list[j], list[i])
		}
		return less(list[i], list[j])
	})
}

func writeEntry(sb *strings.Builder, inv *Invocation, e lsEntry, f flags, now time.Time) {
	if !f.has('l') {
		sb.WriteString(e.name)
		if f.has('F') || f.has('p') {
			sb.WriteString(typeSuffix(e.info, f.has('F')))
		}
		sb.WriteByte('\n')
		return
	}
	nlink := 1
	if st, ok := e.info.Sys().(*memfs.Stat); ok {
		nlink = st.Nlink
	}
	fmt.Fprintf(sb, "%s %4d %-8s %-8s %9d %s %s", modeString(e.info.Mode()), nlink, "root", "root",
		e.info.Size(), lsTime(e.info.ModTime(), now), e.name)
	if e.info.Mode()&fs.ModeSymlink != 0 {
		if target, err := inv.FS.Readlink(e.path); err == nil {
			sb.WriteString(" -> " + target)
		}
	}
	sb.WriteByte('\n')
}

func typeSuffix(fi fs.FileInfo, all bool) string {
	m := fi.Mode()
	switch {
	case m.IsDir():
		return "/"
	case !all:
		return ""
	case m&fs.ModeSymlink != 0:
		return "@"
	case m&0o111 != 0 && m.IsRegular():
		return "*"
	}
	return ""
}

// lsTime is "Jan  2 15:04" for times within six months of now, else
// "Jan  2  2006", as ls shows them.
func lsTime(t, now time.Time) string {
	if d := now.Sub(t); d > 182*24*time.Hour || d < -182*24*time.Hour {
		return t.Format("Jan _2  2006")
	}
	return t.Format("Jan _2 15:04")
}

// modeString is ls's -rwxr-xr-x.
func modeString(m fs.FileMode) string {
	var sb strings.Builder
	switch {
	case m.IsDir():
		sb.WriteByte('d')
	case m&fs.ModeSymlink != 0:
		sb.WriteByte('l')
	case m&fs.ModeCharDevice != 0:
		sb.WriteByte('c')
	case m&fs.ModeDevice != 0:
		sb.WriteByte('b')
	case m&fs.ModeNamedPipe != 0:
		sb.WriteByte('p')
	case m&fs.ModeSocket != 0:
		sb.WriteByte('s')
	default:
		sb.WriteByte('-')
	}
	const rwx = "rwxrwxrwx"
	for k := 0; k < 9; k++ {
		c := byte('-')
		if m&(1<<uint(8-k)) != 0 {
			c = rwx[k]
		}
		switch {
		case k == 2 && m&fs.ModeSetuid != 0, k == 5 && m&fs.ModeSetgid != 0:
			c = map[bool]byte{true: 's', false: 'S'}[c == 'x']
		case k == 8 && m&fs.ModeSticky != 0:
			c = map[bool]byte{true: 't', false: 'T'}[c == 'x']
		}
		sb.WriteByte(c)
	}
	return sb.String()
}
