package shell

import (
	"context"
	"errors"
	"io"
	"strings"

	"github.com/kubesim/kubesim/fakenode/shell/syntax"
)

// cmdRead reads a line into variables: read [-r] [-p PROMPT] [NAME...].
func cmdRead(_ context.Context, inv *Invocation) int {
	f, names, ok := getopt(inv, "rp:st:n:u:d:")
	if !ok {
		return 2
	}
	i := inv.i
	for _, n := range names {
		if !syntax.IsName(n) {
			i.builtinErrorf("read", "'%s': not a valid identifier", n)
			return 2
		}
	}
	if len(names) == 0 {
		names = []string{"REPLY"}
	}
	if p := f.get('p'); p != "" {
		io.WriteString(inv.Stderr, p)
	}
	delim := byte('\n')
	if d := f.get('d'); d != "" {
		delim = d[0]
	}
	line, eof, err := readLine(inv.Stdin, delim, !f.has('r'))
	if err != nil {
		if errors.Is(err, errInterrupted) {
			sig, _ := i.p.firstPending()
			return 128 + int(sig)
		}
		inv.fatal = errKilled
		return 1
	}
	ifs := i.getVarOr("IFS", " \t\n")
	values := splitRead(line, ifs, len(names))
	for k, n := range names {
		v := ""
		if k < len(values) {
			v = values[k]
		}
		if err := i.setVar(n, v); err != nil {
			inv.fatal = err
			return 1
		}
	}
	if eof {
		return 1
	}
	return 0
}

// readLine reads up to delim one byte at a time, so that nothing after
// the line is consumed; with escapes, a backslash escapes the next
// character and a backslash-newline continues the line.
func readLine(r io.Reader, delim byte, escapes bool) (string, bool, error) {
	var sb strings.Builder
	b := make([]byte, 1)
	escaped := false
	for {
		n, err := r.Read(b)
		if n == 1 {
			c := b[0]
			switch {
			case escaped:
				escaped = false
				if c != '\n' {
					sb.WriteByte(c)
				}
				continue
			case escapes && c == '\\':
				escaped = true
				continue
			case c == delim:
				return sb.String(), false, nil
			}
			sb.WriteByte(c)
		}
		if err == io.EOF {
			return sb.String(), true, nil
		}
		if err != nil {
			return sb.String(), true, err
		}
	}
}

// splitRead splits a line for read: by IFS into n fields, the last one
// taking the rest of the line (its trailing IFS white space removed).
func splitRead(line, ifs string, n int) []string {
	isWhite := func(c byte) bool { return strings.IndexByte(ifs, c) >= 0 && strings.IndexByte(" \t\n", c) >= 0 }
	isSep := func(c byte) bool { return strings.IndexByte(ifs, c) >= 0 }
	var out []string
	k := 0
	for k < len(line) && isWhite(line[k]) {
		k++
	}
	for len(out) < n-1 && k < len(line) {
		start := k
		for k < len(line) && !isSep(line[k]) {
			k++
		}
		out = append(out, line[start:k])
		for k < len(line) && isWhite(line[k]) {
			k++
		}
		if k < len(line) && isSep(line[k]) && !isWhite(line[k]) {
			k++
			for k < len(line) && isWhite(line[k]) {
				k++
			}
		}
	}
	if k < len(line) {
		rest := line[k:]
		end := len(rest)
		for end > 0 && isWhite(rest[end-1]) {
			end--
		}
		out = append(out, rest[:end])
	}
	return out
}
