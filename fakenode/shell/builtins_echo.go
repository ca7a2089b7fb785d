package shell

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kubesim/kubesim/fakenode/shell/syntax"
)

// cmdEcho is busybox's echo: -n, -e (escapes), -E, in any combination.
func cmdEcho(_ context.Context, inv *Invocation) int {
	args := inv.Args[1:]
	newline, escapes := true, false
	for len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' && strings.Trim(args[0][1:], "neE") == "" {
		for _, c := range args[0][1:] {
			switch c {
			case 'n':
				newline = false
			case 'e':
				escapes = true
			case 'E':
				escapes = false
			}
		}
		args = args[1:]
	}
	var sb strings.Builder
	for k, a := range args {
		if k > 0 {
			sb.WriteByte(' ')
		}
		if !escapes {
			sb.WriteString(a)
			continue
		}
		s, stop := echoEscapes(a)
		sb.WriteString(s)
		if stop {
			newline = false
			break
		}
	}
	if newline {
		sb.WriteByte('\n')
	}
	return writeOut(inv, sb.String())
}

// echoEscapes decodes echo -e's escapes; stop is set by \c.
func echoEscapes(s string) (string, bool) {
	if !strings.Contains(s, `\`) {
		return s, false
	}
	var sb strings.Builder
	for k := 0; k < len(s); k++ {
		if s[k] != '\\' || k+1 >= len(s) {
			sb.WriteByte(s[k])
			continue
		}
		if s[k+1] == 'c' {
			return sb.String(), true
		}
		text, n := syntax.DecodeEscape(s[k+1:], true)
		sb.WriteString(text)
		k += n
	}
	return sb.String(), false
}

// writeOut writes s to stdout; a failed write (a closed pipe, a full
// disk) is status 1 with busybox's message.
func writeOut(inv *Invocation, s string) int {
	if _, err := io.WriteString(inv.Stdout, s); err != nil {
		if isErrno(err, 32) { // EPIPE: the reader is gone, as SIGPIPE would end us
			return 141
		}
		if inv.p.checkKilled() == nil {
			inv.Errorf("write error: %s", errnoText(err))
		}
		return 1
	}
	return 0
}

// cmdPrintf formats its arguments, reusing the format until they run out.
func cmdPrintf(_ context.Context, inv *Invocation) int {
	if len(inv.Args) < 2 {
		fmt.Fprintf(inv.Stderr, "%s: usage: printf FORMAT [ARGUMENT...]\n", inv.i.name)
		return 2
	}
	p := &printer{inv: inv, args: inv.Args[2:]}
	var sb strings.Builder
	for {
		stop := p.format(&sb, inv.Args[1])
		if stop || p.next >= len(p.args) || !p.used {
			break
		}
	}
	if status := writeOut(inv, sb.String()); status != 0 {
		return status
	}
	return p.status
}

type printer struct {
	inv    *Invocation
	args   []string
	next   int
	used   bool // the format consumed an argument
	status int
}

func (p *printer) arg() string {
	p.used = true
	if p.next >= len(p.args) {
		return ""
	}
	p.next++
	return p.args[p.next-1]
}

// format writes one pass of the format; stop is set by \c.
func (p *printer) format(sb *strings.Builder, f string) (stop bool) {
	p.used = false
	for k := 0; k < len(f); k++ {
		c := f[k]
		switch {
		case c == '\\' && k+1 < len(f):
			if f[k+1] == 'c' {
				return true
			}
			text, n := syntax.DecodeEscape(f[k+1:], false)
			sb.WriteString(text)
			k += n
		case c == '%' && k+1 < len(f) && f[k+1] == '%':
			sb.WriteByte('%')
			k++
		case c == '%':
			n, stop := p.directive(sb, f[k:])
			if stop {
				return true
			}
			k += n - 1
		default:
			sb.WriteByte(c)
		}
	}
	return false
}

// directive formats one %... conversion and returns its length.
func (p *printer) directive(sb *strings.Builder, f string) (int, bool) {
	k := 1
	for k < len(f) && strings.IndexByte("-+ #0", f[k]) >= 0 {
		k++
	}
	spec := f[:k]
	for _, part := range []string{"width", "precision"} {
		if part == "precision" {
			if k >= len(f) || f[k] != '.' {
				break
			}
			spec += "."
			k++
		}
		if k < len(f) && f[k] == '*' {
			n, _ := strconv.Atoi(p.arg())
			spec += strconv.Itoa(n)
			k++
			continue
		}
		start := k
		for k < len(f) && isDigit(f[k]) {
			k++
		}
		spec += f[start:k]
	}
	for k < len(f) && strings.IndexByte("hlLqjzt", f[k]) >= 0 {
		k++ // length modifiers mean nothing here
	}
	if k >= len(f) {
		sb.WriteString(f)
		return len(f), false
	}
	verb := f[k]
	k++
	switch verb {
	case 's':
		fmt.Fprintf(sb, spec+"s", p.arg())
	case 'b':
		s, stop := echoEscapes(p.arg())
		fmt.Fprintf(sb, spec+"s", s)
		return k, stop
	case 'c':
		if a := p.arg(); a != "" {
			r, _ := utf8.DecodeRuneInString(a)
			fmt.Fprintf(sb, spec+"c", r)
		}
	case 'd', 'i':
		fmt.Fprintf(sb, spec+"d", p.intArg())
	case 'u':
		fmt.Fprintf(sb, spec+"d", uint64(p.intArg()))
	case 'o', 'x', 'X':
		fmt.Fprintf(sb, spec+string(verb), uint64(p.intArg()))
	case 'f', 'F', 'e', 'E', 'g', 'G':
		fmt.Fprintf(sb, spec+string(verb), p.floatArg())
	default:
		sb.WriteString(f[:k])
	}
	return k, false
}

// intArg reads a numeric argument: decimal, 0x hex, 0 octal, or 'c for a
// character's code; a bad one is an error and 0.
func (p *printer) intArg() int64 {
	a := strings.TrimSpace(p.arg())
	if a == "" {
		p.badNumber(a)
		return 0
	}
	if a[0] == '\'' || a[0] == '"' {
		r, _ := utf8.DecodeRuneInString(a[1:])
		return int64(r)
	}
	v, err := strconv.ParseInt(a, 0, 64)
	if err != nil {
		p.badNumber(a)
	}
	return v
}

// badNumber reports a numeric argument busybox cannot read (a missing one
// included) as ash's printf does: the message, 0, and status 1.
func (p *printer) badNumber(a string) {
	fmt.Fprintf(p.inv.Stderr, "%s: invalid number '%s'\n", p.inv.i.name, a)
	p.status = 1
}

func (p *printer) floatArg() float64 {
	a := strings.TrimSpace(p.arg())
	v, err := strconv.ParseFloat(a, 64)
	if err != nil {
		p.badNumber(a)
	}
	return v
}
