package shell

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"syscall"
	"unicode"
)

// input is one input of a filter: a file or stdin ("-").
type input struct {
	name string
	r    io.Reader
}

// openInput opens a file, or stdin for "-". Every read counts a step, so
// that reading /dev/zero for ever runs into the step limit as any other
// endless loop does.
func openInput(inv *Invocation, name string) (io.Reader, error) {
	if name == "-" {
		return &stepReader{inv.Stdin, inv}, nil
	}
	if of, ok := inv.i.specialFile(inv.Path(name)); ok && of != nil {
		if r := of.reader(inv.p); r != nil {
			return &stepReader{r, inv}, nil
		}
	}
	f, err := inv.FS.OpenFile(inv.Path(name), os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	return &stepReader{f, inv}, nil
}

type stepReader struct {
	r   io.Reader
	inv *Invocation
}

func (s *stepReader) Read(b []byte) (int, error) {
	if s.inv.Check() != nil {
		return 0, errKilled
	}
	return s.r.Read(b)
}

// maxInMemory bounds what a command holds in memory (a file sort reads,
// one line grep reads): the host's memory is not the container's.
const maxInMemory = 64 << 20

var errTooBig = errors.New("out of memory")

// readAll reads r to the end, up to maxInMemory bytes.
func readAll(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxInMemory+1))
	if err == nil && len(data) > maxInMemory {
		err = errTooBig
	}
	return data, err
}

// writeError is a failed write to stdout, as opposed to a failed read.
type writeError struct{ err error }

func (e *writeError) Error() string { return e.err.Error() }
func (e *writeError) Unwrap() error { return e.err }

// ioStatus reports a copy's error as busybox does and returns the exit
// status: a closed pipe ends the command quietly, as SIGPIPE would (141).
func ioStatus(inv *Invocation, err error) int {
	var we *writeError
	switch {
	case err == nil:
		return 0
	case isErrno(err, syscall.EPIPE):
		return 141
	case errors.As(err, &we):
		if inv.p.checkKilled() == nil {
			inv.Errorf("write error: %s", errnoText(we.err))
		}
		return 1
	}
	readError(inv, err)
	return 1
}

// readError reports a failed read as busybox does and tells whether the
// process was killed (then the caller just returns).
func readError(inv *Invocation, err error) {
	if errors.Is(err, errKilled) || errors.Is(err, errInterrupted) || inv.p.checkKilled() != nil {
		return
	}
	inv.Errorf("read error: %s", errnoText(err))
}

// eachLine calls fn with every line of r, newline included (the last one
// may lack it), as soon as it is read. fn returns false to stop.
func eachLine(r io.Reader, fn func(line string) bool) error {
	br := bufio.NewReader(r)
	for {
		line, err := readLineLimited(br)
		if line != "" && !fn(line) {
			return nil
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func cmdCat(_ context.Context, inv *Invocation) int {
	f, files, ok := getopt(inv, "nbuvteA")
	if !ok {
		return 1
	}
	if len(files) == 0 {
		files = []string{"-"}
	}
	status := 0
	n := 0
	for _, name := range files {
		r, err := openInput(inv, name)
		if err != nil {
			inv.Errorf("can't open '%s': %s", name, errnoText(err))
			status = 1
			continue
		}
		if f.has('n') || f.has('b') {
			err = eachLine(r, func(line string) bool {
				if f.has('b') && line == "\n" {
					return writeOut(inv, line) == 0
				}
				n++
				return writeOut(inv, fmt.Sprintf("%6d\t%s", n, line)) == 0
			})
		} else {
			err = copyOut(inv, r)
		}
		if st := ioStatus(inv, err); st != 0 {
			return max(st, status)
		}
	}
	return status
}

// readLineLimited reads up to a newline, failing on a line longer than
// maxInMemory.
func readLineLimited(br *bufio.Reader) (string, error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		buf = append(buf, chunk...)
		if len(buf) > maxInMemory {
			return "", errTooBig
		}
		if err != bufio.ErrBufferFull {
			return string(buf), err
		}
	}
}

// copyOut copies r to stdout as it arrives, a step per chunk (so that cat
// /dev/zero counts against the step limit).
func copyOut(inv *Invocation, r io.Reader) error {
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if _, werr := inv.Stdout.Write(buf[:n]); werr != nil {
				return &writeError{werr}
			}
			inv.i.pr.addSteps(int64(n / 4096)) // a step per 4 KiB moved
			if inv.Check() != nil {
				return errKilled
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func cmdTee(_ context.Context, inv *Invocation) int {
	f, files, ok := getopt(inv, "ai")
	if !ok {
		return 1
	}
	flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if f.has('a') {
		flag = os.O_WRONLY | os.O_CREATE | os.O_APPEND
	}
	status := 0
	outs := []io.Writer{inv.Stdout}
	for _, name := range files {
		file, err := inv.FS.OpenFile(inv.Path(name), flag, 0o644)
		if err != nil {
			inv.Errorf("can't open '%s': %s", name, errnoText(err))
			status = 1
			continue
		}
		outs = append(outs, file)
	}
	err := eachLine(&stepReader{inv.Stdin, inv}, func(line string) bool {
		for _, w := range outs {
			io.WriteString(w, line)
		}
		return true
	})
	if err != nil {
		readError(inv, err)
		return 1
	}
	return status
}

// lineCount reads head's and tail's -n or -c value; a leading + means
// "from line N" for tail.
func lineCount(inv *Invocation, s string) (n int, fromStart bool, ok bool) {
	if strings.HasPrefix(s, "+") {
		fromStart, s = true, s[1:]
	}
	s = strings.TrimPrefix(s, "-")
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 {
		inv.Errorf("invalid number '%s'", s)
		return 0, false, false
	}
	return v, fromStart, true
}

// shorthandCount turns head -5 into head -n 5.
func shorthandCount(inv *Invocation) {
	if len(inv.Args) > 1 && len(inv.Args[1]) > 1 && inv.Args[1][0] == '-' && isDigit(inv.Args[1][1]) {
		args := append([]string{inv.Args[0], "-n", inv.Args[1][1:]}, inv.Args[2:]...)
		inv.Args = args
	}
}

func cmdHead(_ context.Context, inv *Invocation) int {
	shorthandCount(inv)
	f, files, ok := getopt(inv, "n:c:qv")
	if !ok {
		return 1
	}
	n, bytes := 10, false
	if f.has('c') {
		bytes = true
		if n, _, ok = lineCount(inv, f.get('c')); !ok {
			return 1
		}
	} else if f.has('n') {
		if n, _, ok = lineCount(inv, f.get('n')); !ok {
			return 1
		}
	}
	if len(files) == 0 {
		files = []string{"-"}
	}
	status := 0
	for k, name := range files {
		r, err := openInput(inv, name)
		if err != nil {
			inv.Errorf("%s: %s", name, errnoText(err))
			status = 1
			continue
		}
		if (len(files) > 1 && !f.has('q')) || f.has('v') {
			if k > 0 {
				writeOut(inv, "\n")
			}
			writeOut(inv, "==> "+name+" <==\n")
		}
		if bytes {
			err = copyOut(inv, io.LimitReader(r, int64(n)))
			if st := ioStatus(inv, err); st != 0 {
				return st
			}
			continue
		} else {
			left := n
			err = eachLine(r, func(line string) bool {
				if left == 0 {
					return false
				}
				left--
				return writeOut(inv, line) == 0 && left > 0
			})
		}
		if err != nil {
			readError(inv, err)
			status = 1
		}
	}
	return status
}

func cmdWc(_ context.Context, inv *Invocation) int {
	f, files, ok := getopt(inv, "lwcmL")
	if !ok {
		return 1
	}
	cols := []byte{}
	for _, c := range []byte("lwcL") {
		if f.has(c) || c == 'c' && f.has('m') {
			cols = append(cols, c)
		}
	}
	if len(cols) == 0 {
		cols = []byte("lwc")
	}
	named := len(files) > 0
	if !named {
		files = []string{"-"}
	}
	padded := len(cols) > 1 || len(files) > 1
	status := 0
	total := map[byte]int{}
	var sb strings.Builder
	for _, name := range files {
		r, err := openInput(inv, name)
		if err != nil {
			inv.Errorf("%s: %s", name, errnoText(err))
			status = 1
			continue
		}
		counts, err := countText(r)
		if err != nil {
			readError(inv, err)
			status = 1
			continue
		}
		for c, v := range counts {
			if c == 'L' {
				total[c] = max(total[c], v)
			} else {
				total[c] += v
			}
		}
		writeCounts(&sb, counts, cols, padded, name, named)
	}
	if len(files) > 1 {
		writeCounts(&sb, total, cols, true, "total", true)
	}
	writeOut(inv, sb.String())
	return status
}

// countText counts bytes, words, lines and the longest line as the
// input streams by.
func countText(r io.Reader) (map[byte]int, error) {
	counts := map[byte]int{}
	br := bufio.NewReader(r)
	inWord, lineLen := false, 0
	for {
		c, size, err := br.ReadRune()
		if err == io.EOF {
			counts['L'] = max(counts['L'], lineLen)
			return counts, nil
		}
		if err != nil {
			return nil, err
		}
		counts['c'] += size
		switch {
		case c == '\n':
			counts['l']++
			counts['L'] = max(counts['L'], lineLen)
			lineLen = 0
		default:
			lineLen++
		}
		space := unicode.IsSpace(c)
		if !space && !inWord {
			counts['w']++
		}
		inWord = !space
	}
}

// writeCounts writes one line of wc: padded to 9 columns unless one count
// of one file is asked for, as busybox does.
func writeCounts(sb *strings.Builder, counts map[byte]int, cols []byte, padded bool, name string, named bool) {
	for k, c := range cols {
		if k > 0 {
			sb.WriteByte(' ')
		}
		if padded {
			fmt.Fprintf(sb, "%9d", counts[c])
		} else {
			fmt.Fprintf(sb, "%d", counts[c])
		}
	}
	if named {
		sb.WriteString(" " + name)
	}
	sb.WriteByte('\n')
}

func cmdYes(_ context.Context, inv *Invocation) int {
	line := "y\n"
	if len(inv.Args) > 1 {
		line = strings.Join(inv.Args[1:], " ") + "\n"
	}
	for {
		if _, err := io.WriteString(inv.Stdout, line); err != nil {
			return 1
		}
		if inv.Check() != nil {
			return 137
		}
	}
}

func cmdSeq(_ context.Context, inv *Invocation) int {
	f, args, ok := getopt(inv, "ws:")
	if !ok {
		return 1
	}
	if len(args) == 0 || len(args) > 3 {
		usage(inv)
		return 1
	}
	nums := []float64{1, 1, 0}
	decimals := 0
	target := map[int][]int{1: {2}, 2: {0, 2}, 3: {0, 1, 2}}[len(args)]
	for k, a := range args {
		v, err := strconv.ParseFloat(a, 64)
		if err != nil || math.IsNaN(v) {
			inv.Errorf("invalid number '%s'", a)
			return 1
		}
		nums[target[k]] = v
		if _, frac, ok := strings.Cut(a, "."); ok {
			decimals = max(decimals, len(frac))
		}
	}
	first, inc, last := nums[0], nums[1], nums[2]
	if inc == 0 {
		return 0
	}
	sep := "\n"
	if f.has('s') {
		sep = f.get('s')
	}
	width := 0
	if f.has('w') {
		for _, v := range []float64{first, last} {
			width = max(width, len(strconv.FormatFloat(v, 'f', decimals, 64)))
		}
	}
	var sb strings.Builder
	count := 0
	for k := 0; ; k++ {
		v := first + float64(k)*inc
		if inc > 0 && v > last+1e-9 || inc < 0 && v < last-1e-9 {
			break
		}
		if count > 0 {
			sb.WriteString(sep)
		}
		count++
		s := strconv.FormatFloat(v, 'f', decimals, 64)
		for len(s) < width {
			s = "0" + s
		}
		sb.WriteString(s)
		if sb.Len() > 32<<10 {
			if writeOut(inv, sb.String()) != 0 {
				return 1
			}
			sb.Reset()
		}
		if inv.Check() != nil {
			return 137
		}
	}
	if count > 0 {
		sb.WriteString("\n")
	}
	return writeOut(inv, sb.String())
}
