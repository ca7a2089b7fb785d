package shell

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// readLines reads all the lines of the inputs (stdin when none), without
// their newlines; it reports errors as busybox's name: file: error.
func readLines(inv *Invocation, files []string) ([]string, int) {
	if len(files) == 0 {
		files = []string{"-"}
	}
	var lines []string
	status := 0
	for _, name := range files {
		r, err := openInput(inv, name)
		if err != nil {
			inv.Errorf("can't open '%s': %s", name, errnoText(err))
			status = 1
			continue
		}
		data, err := readAll(r)
		if err != nil {
			readError(inv, err)
			status = 1
			continue
		}
		s := strings.TrimSuffix(string(data), "\n")
		if len(data) > 0 {
			lines = append(lines, strings.Split(s, "\n")...)
		}
	}
	return lines, status
}

// cmdSort sorts lines: -n numeric, -r reverse, -u unique, -f fold case,
// -k N[,M] and -t SEP for keys.
func cmdSort(_ context.Context, inv *Invocation) int {
	f, files, ok := getopt(inv, "nrufbk:t:shVcmo:")
	if !ok {
		return 1
	}
	lines, status := readLines(inv, files)
	key := func(line string) string { return line }
	if k := f.get('k'); k != "" {
		from, to := parseKeySpec(k)
		sep := f.get('t')
		key = func(line string) string { return sortKey(line, sep, from, to) }
	}
	cmp := func(a, b string) int {
		ka, kb := key(a), key(b)
		if f.has('f') {
			ka, kb = strings.ToUpper(ka), strings.ToUpper(kb)
		}
		if f.has('n') || f.has('h') {
			na, nb := leadingNumber(ka), leadingNumber(kb)
			switch {
			case na < nb:
				return -1
			case na > nb:
				return 1
			}
			if f.has('u') {
				return 0
			}
		}
		if c := strings.Compare(ka, kb); c != 0 || f.has('u') {
			return c
		}
		return strings.Compare(a, b)
	}
	sort.SliceStable(lines, func(i, j int) bool {
		if f.has('r') {
			return cmp(lines[j], lines[i]) < 0
		}
		return cmp(lines[i], lines[j]) < 0
	})
	var sb strings.Builder
	for k, line := range lines {
		if f.has('u') && k > 0 && cmp(lines[k-1], line) == 0 {
			continue
		}
		sb.WriteString(line + "\n")
	}
	if o := f.get('o'); o != "" {
		if err := inv.FS.WriteFile(inv.Path(o), []byte(sb.String()), 0o644); err != nil {
			inv.Errorf("can't open '%s': %s", o, errnoText(err))
			return 1
		}
		return status
	}
	writeOut(inv, sb.String())
	return status
}

func parseKeySpec(k string) (int, int) {
	a, b, hasEnd := strings.Cut(k, ",")
	from, _ := strconv.Atoi(strings.TrimRight(a, "bdfgiMnrRV"))
	to := 0
	if hasEnd {
		to, _ = strconv.Atoi(strings.TrimRight(b, "bdfgiMnrRV"))
	}
	if from < 1 {
		from = 1
	}
	return from, to
}

// sortKey returns fields from..to (to 0: to the end) of line, split at
// sep or at blanks.
func sortKey(line, sep string, from, to int) string {
	var fields []string
	if sep != "" {
		fields = strings.Split(line, sep[:1])
	} else {
		fields = strings.Fields(line)
	}
	if from > len(fields) {
		return ""
	}
	if to == 0 || to > len(fields) {
		to = len(fields)
	}
	if to < from {
		return ""
	}
	j := " "
	if sep != "" {
		j = sep[:1]
	}
	return strings.Join(fields[from-1:to], j)
}

// leadingNumber is the number a line starts with, as sort -n reads it;
// 0 if none.
func leadingNumber(s string) float64 {
	s = strings.TrimLeft(s, " \t")
	end := 0
	for end < len(s) && (isDigit(s[end]) || s[end] == '.' || end == 0 && s[end] == '-') {
		end++
	}
	v, err := strconv.ParseFloat(s[:end], 64)
	if err != nil {
		return 0
	}
	return v
}

// cmdUniq drops repeated adjacent lines: -c counts, -d only repeated, -u
// only unique, -i ignoring case.
func cmdUniq(_ context.Context, inv *Invocation) int {
	f, files, ok := getopt(inv, "cdui")
	if !ok {
		return 1
	}
	in := files
	if len(in) > 1 {
		in = in[:1]
	}
	lines, status := readLines(inv, in)
	var sb strings.Builder
	same := func(a, b string) bool {
		if f.has('i') {
			return strings.EqualFold(a, b)
		}
		return a == b
	}
	for k := 0; k < len(lines); {
		n := 1
		for k+n < len(lines) && same(lines[k], lines[k+n]) {
			n++
		}
		if !(f.has('d') && n == 1 || f.has('u') && n > 1) {
			if f.has('c') {
				fmt.Fprintf(&sb, "%7d %s\n", n, lines[k])
			} else {
				sb.WriteString(lines[k] + "\n")
			}
		}
		k += n
	}
	if len(files) > 1 {
		if err := inv.FS.WriteFile(inv.Path(files[1]), []byte(sb.String()), 0o644); err != nil {
			inv.Errorf("%s: %s", files[1], errnoText(err))
			return 1
		}
		return status
	}
	writeOut(inv, sb.String())
	return status
}

// cmdTr translates, deletes (-d) or squeezes (-s) characters; -c takes
// the complement of the first set.
func cmdTr(_ context.Context, inv *Invocation) int {
	f, args, ok := getopt(inv, "cdsC")
	if !ok {
		return 1
	}
	if len(args) == 0 || len(args) == 1 && !f.has('d') && !f.has('s') {
		usage(inv)
		return 1
	}
	set1 := expandTrSet(args[0])
	var set2 []rune
	if len(args) > 1 {
		set2 = expandTrSet(args[1])
	}
	in1 := func(r rune) bool {
		found := false
		for _, c := range set1 {
			if c == r {
				found = true
				break
			}
		}
		return found != (f.has('c') || f.has('C'))
	}
	translate := func(r rune) rune {
		if len(set2) == 0 || f.has('d') {
			return r
		}
		if f.has('c') || f.has('C') {
			return set2[len(set2)-1]
		}
		for k, c := range set1 {
			if c == r {
				return set2[min(k, len(set2)-1)]
			}
		}
		return r
	}
	squeeze := set1
	if len(set2) > 0 {
		squeeze = set2
	}
	var last rune = -1
	err := eachLine(&stepReader{inv.Stdin, inv}, func(line string) bool {
		var sb strings.Builder
		for _, r := range line {
			if f.has('d') && in1(r) {
				continue
			}
			if in1(r) {
				r = translate(r)
			}
			if f.has('s') && r == last && containsRune(squeeze, r) {
				continue
			}
			last = r
			sb.WriteRune(r)
		}
		return writeOut(inv, sb.String()) == 0
	})
	if err != nil {
		readError(inv, err)
		return 1
	}
	return 0
}

func containsRune(set []rune, r rune) bool {
	for _, c := range set {
		if c == r {
			return true
		}
	}
	return false
}

var trClasses = map[string]func(rune) bool{
	"alpha": unicode.IsLetter, "digit": unicode.IsDigit, "upper": unicode.IsUpper,
	"lower": unicode.IsLower, "space": unicode.IsSpace, "punct": unicode.IsPunct,
	"alnum":  func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) },
	"blank":  func(r rune) bool { return r == ' ' || r == '\t' },
	"xdigit": func(r rune) bool { return strings.ContainsRune("0123456789abcdefABCDEF", r) },
	"cntrl":  unicode.IsControl,
	"print":  unicode.IsPrint,
}

// expandTrSet expands ranges (a-z), classes ([:upper:]) and escapes.
func expandTrSet(s string) []rune {
	var out []rune
	src := []rune(s)
	for k := 0; k < len(src); k++ {
		c := src[k]
		if c == '[' && k+1 < len(src) && src[k+1] == ':' {
			if end := strings.Index(string(src[k:]), ":]"); end > 0 {
				name := string(src[k+2 : k+end])
				if is, ok := trClasses[name]; ok {
					for r := rune(0); r < 128; r++ {
						if is(r) {
							out = append(out, r)
						}
					}
					k += end + 1
					continue
				}
			}
		}
		if c == '\\' && k+1 < len(src) {
			k++
			text, n := decodeTrEscape(string(src[k:]))
			c = text
			k += n - 1
		}
		if k+2 < len(src) && src[k+1] == '-' {
			hi := src[k+2]
			for r := c; r <= hi; r++ {
				out = append(out, r)
			}
			k += 2
			continue
		}
		out = append(out, c)
	}
	return out
}

func decodeTrEscape(s string) (rune, int) {
	switch s[0] {
	case 'n':
		return '\n', 1
	case 't':
		return '\t', 1
	case 'r':
		return '\r', 1
	case '\\':
		return '\\', 1
	}
	if isDigit(s[0]) {
		v, n := 0, 0
		for n < len(s) && n < 3 && s[n] >= '0' && s[n] <= '7' {
			v = v*8 + int(s[n]-'0')
			n++
		}
		if n > 0 {
			return rune(v), n
		}
	}
	return rune(s[0]), 1
}

// cmdCut selects fields (-f with -d, default tab) or characters (-c, -b)
// of each line, as it is read.
func cmdCut(_ context.Context, inv *Invocation) int {
	f, files, ok := getopt(inv, "d:f:c:b:sn")
	if !ok {
		return 1
	}
	list := f.get('f')
	byChar := false
	if list == "" {
		list, byChar = f.get('c')+f.get('b'), true
	}
	ranges, ok := parseCutList(list)
	if !ok {
		usage(inv)
		return 1
	}
	delim := "\t"
	if f.has('d') {
		delim = f.get('d')
		if delim == "" {
			delim = "\x00"
		}
		delim = delim[:1]
	}
	if len(files) == 0 {
		files = []string{"-"}
	}
	status := 0
	for _, name := range files {
		r, err := openInput(inv, name)
		if err != nil {
			inv.Errorf("can't open '%s': %s", name, errnoText(err))
			status = 1
			continue
		}
		err = eachLine(r, func(line string) bool {
			line = strings.TrimSuffix(line, "\n")
			var out string
			switch {
			case byChar:
				out = pickRunes([]rune(line), ranges)
			case !strings.Contains(line, delim):
				if f.has('s') {
					return true
				}
				out = line
			default:
				out = pickFields(strings.Split(line, delim), ranges, delim)
			}
			return writeOut(inv, out+"\n") == 0
		})
		if err != nil {
			readError(inv, err)
			status = 1
		}
	}
	return status
}

type cutRange struct{ from, to int } // 1-based, to 0 means to the end

func parseCutList(list string) ([]cutRange, bool) {
	if list == "" {
		return nil, false
	}
	var out []cutRange
	for _, part := range strings.Split(list, ",") {
		a, b, isRange := strings.Cut(part, "-")
		r := cutRange{}
		var err error
		if a != "" {
			if r.from, err = strconv.Atoi(a); err != nil || r.from < 1 {
				return nil, false
			}
		} else {
			r.from = 1
		}
		switch {
		case !isRange:
			r.to = r.from
		case b != "":
			if r.to, err = strconv.Atoi(b); err != nil || r.to < r.from {
				return nil, false
			}
		}
		out = append(out, r)
	}
	return out, true
}

func selected(ranges []cutRange, n int) bool {
	for _, r := range ranges {
		if n >= r.from && (r.to == 0 || n <= r.to) {
			return true
		}
	}
	return false
}

func pickRunes(rs []rune, ranges []cutRange) string {
	var sb strings.Builder
	for k, r := range rs {
		if selected(ranges, k+1) {
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

func pickFields(fields []string, ranges []cutRange, delim string) string {
	var out []string
	for k, f := range fields {
		if selected(ranges, k+1) {
			out = append(out, f)
		}
	}
	return strings.Join(out, delim)
}
