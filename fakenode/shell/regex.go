package shell

import (
	"errors"
	"regexp"
	"strings"
)

var errBackref = errors.New("back-references are not supported")

// compileRegex compiles a POSIX basic (BRE) or extended (ERE) regular
// expression with Go's regexp, translating the syntax: in a BRE, \( \) \{
// \} \| \+ \? are the operators and ( ) { } | + ? are literal. Bracket
// expressions keep their POSIX meaning (a backslash in them is literal).
// Back-references cannot be translated.
func compileRegex(pattern string, extended, ignoreCase bool) (*regexp.Regexp, error) {
	re, err := translateRegex(pattern, extended)
	if err != nil {
		return nil, err
	}
	if ignoreCase {
		re = "(?i)" + re
	}
	return regexp.Compile(re)
}

func translateRegex(p string, extended bool) (string, error) {
	var sb strings.Builder
	atStart := true // where a * is literal in a BRE
	for k := 0; k < len(p); k++ {
		c := p[k]
		switch {
		case c == '[':
			end := bracketEnd(p, k)
			if end < 0 {
				sb.WriteString(`\[`)
				break
			}
			sb.WriteString(strings.ReplaceAll(p[k:end+1], `\`, `\\`))
			k = end
		case c == '\\' && k+1 < len(p):
			k++
			n := p[k]
			switch {
			case n >= '1' && n <= '9':
				return "", errBackref
			case !extended && strings.IndexByte("(){}|+?", n) >= 0:
				sb.WriteByte(n)
				atStart = n == '(' || n == '|'
				continue
			case n == '<' || n == '>':
				sb.WriteString(`\b`)
			case strings.IndexByte("wWsSbB", n) >= 0:
				sb.WriteByte('\\')
				sb.WriteByte(n)
			case n == 'n':
				sb.WriteString(`\n`)
			case n == 't':
				sb.WriteString(`\t`)
			default:
				sb.WriteString(regexp.QuoteMeta(string(n)))
			}
		case !extended && strings.IndexByte("(){}|+?", c) >= 0:
			sb.WriteByte('\\')
			sb.WriteByte(c)
		case c == '*' && atStart:
			sb.WriteString(`\*`)
		case extended && c == '{' && !validRepeat(p[k:]):
			sb.WriteString(`\{`)
		default:
			sb.WriteByte(c)
		}
		atStart = c == '^' && sb.Len() == 1 || extended && (c == '(' || c == '|')
	}
	return sb.String(), nil
}

// bracketEnd finds the ] that closes the bracket expression at p[k].
func bracketEnd(p string, k int) int {
	j := k + 1
	if j < len(p) && p[j] == '^' {
		j++
	}
	if j < len(p) && p[j] == ']' {
		j++
	}
	for ; j < len(p); j++ {
		if p[j] == '[' && j+1 < len(p) && (p[j+1] == ':' || p[j+1] == '.' || p[j+1] == '=') {
			if end := strings.Index(p[j+2:], string(p[j+1])+"]"); end >= 0 {
				j += end + 3
				continue
			}
		}
		if p[j] == ']' {
			return j
		}
	}
	return -1
}

func validRepeat(s string) bool {
	end := strings.IndexByte(s, '}')
	if end < 0 {
		return false
	}
	inner := s[1:end]
	if inner == "" {
		return false
	}
	for _, c := range inner {
		if (c < '0' || c > '9') && c != ',' {
			return false
		}
	}
	return true
}
