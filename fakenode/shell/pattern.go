package shell

import (
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// escapePattern makes the pattern characters of s match themselves.
func escapePattern(s string) string {
	if !strings.ContainsAny(s, `*?[]\`) {
		return s
	}
	var sb strings.Builder
	for k := 0; k < len(s); k++ {
		if strings.IndexByte(`*?[]\`, s[k]) >= 0 {
			sb.WriteByte('\\')
		}
		sb.WriteByte(s[k])
	}
	return sb.String()
}

// unescapePattern removes the backslashes of an escaped pattern.
func unescapePattern(p string) string {
	if !strings.Contains(p, `\`) {
		return p
	}
	var sb strings.Builder
	for k := 0; k < len(p); k++ {
		if p[k] == '\\' && k+1 < len(p) {
			k++
		}
		sb.WriteByte(p[k])
	}
	return sb.String()
}

// hasMeta reports whether p has an unescaped *, ? or [.
func hasMeta(p string) bool {
	for k := 0; k < len(p); k++ {
		switch p[k] {
		case '\\':
			k++
		case '*', '?', '[':
			return true
		}
	}
	return false
}

// matchPattern reports whether s matches the shell pattern p: * any
// string, ? any character, [...] a set ([!...] or [^...] its complement,
// ranges, [:classes:]), \c the character c.
func matchPattern(p, s string) bool {
	px, sx := 0, 0
	nextPx, nextSx := -1, -1 // where to resume after the last *
	for px < len(p) || sx < len(s) {
		if px < len(p) {
			switch c := p[px]; c {
			case '*':
				nextPx, nextSx = px, sx+1
				px++
				continue
			case '?':
				if sx < len(s) {
					_, size := decodeRune(s[sx:])
					px++
					sx += size
					continue
				}
			case '[':
				if sx < len(s) {
					r, size := decodeRune(s[sx:])
					if ok, end := matchClass(p[px:], r); end > 0 {
						if ok {
							px += end
							sx += size
							continue
						}
						break
					}
				}
				if sx < len(s) && s[sx] == '[' { // an unclosed [ is literal
					px++
					sx++
					continue
				}
			default:
				if c == '\\' && px+1 < len(p) {
					c = p[px+1]
					if sx < len(s) && s[sx] == c {
						px += 2
						sx++
						continue
					}
					break
				}
				if sx < len(s) && s[sx] == c {
					px++
					sx++
					continue
				}
			}
		}
		if nextSx > 0 && nextSx <= len(s) {
			px, sx = nextPx, nextSx
			continue
		}
		return false
	}
	return true
}

func decodeRune(s string) (rune, int) { return utf8.DecodeRuneInString(s) }

// matchClass matches r against the bracket expression at the start of p;
// end is the expression's length, 0 if it is not closed.
func matchClass(p string, r rune) (ok bool, end int) {
	k := 1
	negate := false
	if k < len(p) && (p[k] == '!' || p[k] == '^') {
		negate = true
		k++
	}
	first := true
	for k < len(p) {
		c := p[k]
		if c == ']' && !first {
			return ok != negate, k + 1
		}
		first = false
		if c == '[' && k+1 < len(p) && p[k+1] == ':' {
			if close := strings.Index(p[k+2:], ":]"); close >= 0 {
				if classMatch(p[k+2:k+2+close], r) {
					ok = true
				}
				k += close + 4
				continue
			}
		}
		if c == '\\' && k+1 < len(p) {
			k++
		}
		lo, size := decodeRune(p[k:])
		k += size
		hi := lo
		if k+1 < len(p) && p[k] == '-' && p[k+1] != ']' {
			k++
			if p[k] == '\\' && k+1 < len(p) {
				k++
			}
			hi, size = decodeRune(p[k:])
			k += size
		}
		if lo <= r && r <= hi {
			ok = true
		}
	}
	return false, 0
}

func classMatch(class string, r rune) bool {
	switch class {
	case "alpha":
		return unicode.IsLetter(r)
	case "digit":
		return '0' <= r && r <= '9'
	case "alnum":
		return unicode.IsLetter(r) || unicode.IsDigit(r)
	case "upper":
		return unicode.IsUpper(r)
	case "lower":
		return unicode.IsLower(r)
	case "space":
		return unicode.IsSpace(r)
	case "blank":
		return r == ' ' || r == '\t'
	case "punct":
		return unicode.IsPunct(r) || unicode.IsSymbol(r)
	case "xdigit":
		return strings.ContainsRune("0123456789abcdefABCDEF", r)
	case "print":
		return unicode.IsPrint(r)
	case "graph":
		return unicode.IsPrint(r) && r != ' '
	case "cntrl":
		return unicode.IsControl(r)
	}
	return false
}

// matchPrefix finds the shortest (or longest) prefix of s that p matches
// and returns its length.
func matchPrefix(p, s string, longest bool) (int, bool) {
	found, best := false, 0
	for n := 0; n <= len(s); n++ {
		if matchPattern(p, s[:n]) {
			if !longest {
				return n, true
			}
			found, best = true, n
		}
	}
	return best, found
}

// matchSuffix finds the shortest (or longest) suffix of s that p matches
// and returns where it starts.
func matchSuffix(p, s string, longest bool) (int, bool) {
	found, best := false, len(s)
	for start := len(s); start >= 0; start-- {
		if matchPattern(p, s[start:]) {
			if !longest {
				return start, true
			}
			found, best = true, start
		}
	}
	return best, found
}

// globPath expands a pathname pattern against the filesystem, relative to
// the working directory unless it is absolute. Names starting with a dot
// match only a pattern that starts with a dot.
func (i *interp) globPath(pattern string) []string {
	abs := strings.HasPrefix(pattern, "/")
	parts := strings.Split(strings.Trim(pattern, "/"), "/")
	prefixes := []string{""}
	if abs {
		prefixes = []string{"/"}
	}
	for k, part := range parts {
		last := k == len(parts)-1
		var next []string
		for _, prefix := range prefixes {
			next = append(next, i.globComponent(prefix, part, last)...)
		}
		prefixes = next
		if len(prefixes) == 0 {
			return nil
		}
	}
	if strings.HasSuffix(pattern, "/") {
		for k := range prefixes {
			prefixes[k] += "/"
		}
	}
	return prefixes
}

// globComponent matches one pattern component in the directory prefix.
func (i *interp) globComponent(prefix, part string, last bool) []string {
	join := func(name string) string {
		if prefix == "" {
			return name
		}
		if strings.HasSuffix(prefix, "/") {
			return prefix + name
		}
		return prefix + "/" + name
	}
	if !hasMeta(part) {
		p := join(unescapePattern(part))
		if _, err := i.c.FS.Lstat(i.abs(p)); err != nil {
			return nil
		}
		return []string{p}
	}
	dir := prefix
	if dir == "" {
		dir = "."
	}
	entries, err := i.c.FS.ReadDir(i.abs(dir))
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") && !strings.HasPrefix(part, ".") && !strings.HasPrefix(part, `\.`) {
			continue
		}
		if !last && !e.IsDir() {
			if fi, err := i.c.FS.Stat(i.abs(path.Join(dir, name))); err != nil || !fi.IsDir() {
				continue
			}
		}
		if matchPattern(part, name) {
			out = append(out, join(name))
		}
	}
	return out
}
