package shell

import (
	"context"
	"os"
	"strings"

	"github.com/kubesim/kubesim/fakenode/memfs"
)

// cmdTail prints the end of files: -n N (or +N from the start), -c N,
// and -f/-F to follow them. Following waits for writes to the files'
// volumes (woken synchronously by the writer) and runs until the process
// is killed.
func cmdTail(_ context.Context, inv *Invocation) int {
	shorthandCount(inv)
	f, files, ok := getopt(inv, "n:c:fFqvs:")
	if !ok {
		return 1
	}
	n, fromStart, bytes := 10, false, false
	switch {
	case f.has('c'):
		bytes = true
		n, fromStart, ok = lineCount(inv, f.get('c'))
	case f.has('n'):
		n, fromStart, ok = lineCount(inv, f.get('n'))
	}
	if !ok {
		return 1
	}
	follow := f.has('f') || f.has('F')
	if len(files) == 0 {
		files = []string{"-"}
	}
	headers := len(files) > 1 && !f.has('q') || f.has('v')
	var followed []*followedFile
	status := 0
	printed := 0
	for _, name := range files {
		data, file, err := readForTail(inv, name)
		if err != nil {
			if inv.p.checkKilled() != nil {
				return 137
			}
			inv.Errorf("can't open '%s': %s", name, errnoText(err))
			status = 1
			continue
		}
		if headers {
			if printed > 0 {
				writeOut(inv, "\n")
			}
			writeOut(inv, "==> "+name+" <==\n")
		}
		printed++
		writeOut(inv, tailOf(string(data), n, fromStart, bytes))
		if file != nil {
			followed = append(followed, &followedFile{name: name, file: file, off: int64(len(data))})
		}
	}
	if printed == 0 && len(files) > 0 && files[0] != "-" {
		inv.Errorf("no files")
		return 1
	}
	if !follow || len(followed) == 0 {
		return status
	}
	return followFiles(inv, followed, headers)
}

// readForTail reads a whole input; for a file it also returns the open
// file, to follow.
func readForTail(inv *Invocation, name string) ([]byte, *memfs.File, error) {
	if name == "-" {
		data, err := readAll(&stepReader{inv.Stdin, inv})
		return data, nil, err
	}
	file, err := inv.FS.OpenFile(inv.Path(name), os.O_RDONLY, 0)
	if err != nil {
		return nil, nil, err
	}
	data, err := readAll(&stepReader{file, inv})
	if err != nil {
		return nil, nil, err
	}
	return data, file, nil
}

// tailOf returns the last n lines (or bytes) of s, or those from the n-th
// on.
func tailOf(s string, n int, fromStart, bytes bool) string {
	if bytes {
		if fromStart {
			return s[min(max(n-1, 0), len(s)):]
		}
		return s[max(len(s)-n, 0):]
	}
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if fromStart {
		return strings.Join(lines[min(max(n-1, 0), len(lines)):], "")
	}
	return strings.Join(lines[max(len(lines)-n, 0):], "")
}

type followedFile struct {
	name string
	file *memfs.File
	off  int64
}

// followFiles prints what is appended to the files, for ever.
func followFiles(inv *Invocation, files []*followedFile, headers bool) int {
	last := files[len(files)-1]
	for {
		grew := false
		for _, ff := range files {
			size := ff.file.Size()
			if size < ff.off {
				ff.off = 0 // truncated: start again from the top
			}
			if size == ff.off {
				continue
			}
			buf := make([]byte, size-ff.off)
			n, _ := ff.file.ReadAt(buf, ff.off)
			ff.off += int64(n)
			if headers && ff != last {
				writeOut(inv, "\n==> "+ff.name+" <==\n")
				last = ff
			}
			if writeOut(inv, string(buf[:n])) != 0 {
				return 1
			}
			grew = true
		}
		if grew {
			if inv.Check() != nil {
				return 137
			}
			continue
		}
		err := inv.Await(func(wake func()) func() {
			stops := make([]func(), 0, len(files))
			for _, ff := range files {
				stops = append(stops, ff.file.Watch(wake))
			}
			for _, ff := range files { // written before we watched?
				if ff.file.Size() != ff.off {
					wake()
				}
			}
			return func() {
				for _, stop := range stops {
					stop()
				}
			}
		})
		if err != nil {
			return sleepStatus(err)
		}
	}
}
