package shell

import (
	"context"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// cmdSed is a small sed: s (with g, p, N and I flags, & and \1..\9), d,
// p, q, Q, =, a, i, c and y commands; addresses N, $, /re/ and ranges,
// negated with !; -n, -e, -E/-r and -i.
func cmdSed(_ context.Context, inv *Invocation) int {
	f, args, ok := getopt(inv, "nrEe:f:is")
	if !ok {
		return 1
	}
	script := strings.Join(f.values['e'], "\n")
	for _, file := range f.values['f'] {
		data, err := inv.FS.ReadFile(inv.Path(file))
		if err != nil {
			inv.Errorf("can't open '%s': %s", file, errnoText(err))
			return 1
		}
		script += "\n" + string(data)
	}
	if !f.has('e') && !f.has('f') {
		if len(args) == 0 {
			usage(inv)
			return 1
		}
		script, args = args[0], args[1:]
	}
	cmds, err := parseSed(script, f.has('E') || f.has('r'))
	if err != nil {
		inv.Errorf("%v", err)
		return 1
	}
	s := &sedRun{inv: inv, cmds: cmds, quiet: f.has('n')}
	if f.has('i') {
		return s.inPlace(args)
	}
	if len(args) == 0 {
		args = []string{"-"}
	}
	status := 0
	for k, name := range args {
		r, err := openInput(inv, name)
		if err != nil {
			inv.Errorf("can't open '%s': %s", name, errnoText(err))
			status = 1
			continue
		}
		s.last = k == len(args)-1
		if err := s.run(r, inv.Stdout); err != nil {
			if !errors.Is(err, errSedQuit) {
				readError(inv, err)
				return 1
			}
			break
		}
	}
	return status
}

type sedAddr struct {
	line int
	last bool
	re   *regexp.Regexp
}

type sedCmd struct {
	a1, a2  *sedAddr
	negate  bool
	inRange bool
	cmd     byte
	re      *regexp.Regexp
	repl    string
	global  bool
	nth     int
	print   bool
	text    string
	from    []rune
	to      []rune
}

var errSedQuit = errors.New("quit")

// sedParser reads a sed script.
type sedParser struct {
	s        string
	k        int
	extended bool
	lastRE   *regexp.Regexp
}

func parseSed(script string, extended bool) ([]*sedCmd, error) {
	p := &sedParser{s: script, extended: extended}
	var cmds []*sedCmd
	for {
		p.skip(" \t\n;")
		if p.k >= len(p.s) {
			return cmds, nil
		}
		c, err := p.command()
		if err != nil {
			return nil, err
		}
		cmds = append(cmds, c)
	}
}

func (p *sedParser) skip(chars string) {
	for p.k < len(p.s) && strings.IndexByte(chars, p.s[p.k]) >= 0 {
		p.k++
	}
}

func (p *sedParser) command() (*sedCmd, error) {
	c := &sedCmd{}
	var err error
	if c.a1, err = p.address(); err != nil {
		return nil, err
	}
	if c.a1 != nil && p.k < len(p.s) && p.s[p.k] == ',' {
		p.k++
		if c.a2, err = p.address(); err != nil || c.a2 == nil {
			return nil, errors.New("unexpected ','")
		}
	}
	p.skip(" \t")
	if p.k < len(p.s) && p.s[p.k] == '!' {
		c.negate = true
		p.k++
		p.skip(" \t")
	}
	if p.k >= len(p.s) {
		return nil, errors.New("missing command")
	}
	c.cmd = p.s[p.k]
	p.k++
	switch c.cmd {
	case 's':
		return c, p.substitute(c)
	case 'y':
		return c, p.transliterate(c)
	case 'a', 'i', 'c':
		p.skip(" \t")
		if p.k < len(p.s) && p.s[p.k] == '\\' {
			p.k++
			p.skip("\n")
		}
		end := strings.IndexByte(p.s[p.k:], '\n')
		if end < 0 {
			end = len(p.s) - p.k
		}
		c.text = p.s[p.k : p.k+end]
		p.k += end
	case 'd', 'p', 'q', 'Q', '=':
	default:
		return nil, errors.New("unsupported command " + string(c.cmd))
	}
	return c, nil
}

func (p *sedParser) address() (*sedAddr, error) {
	switch {
	case p.k >= len(p.s):
		return nil, nil
	case p.s[p.k] == '$':
		p.k++
		return &sedAddr{last: true}, nil
	case isDigit(p.s[p.k]):
		start := p.k
		for p.k < len(p.s) && isDigit(p.s[p.k]) {
			p.k++
		}
		n, _ := strconv.Atoi(p.s[start:p.k])
		return &sedAddr{line: n}, nil
	case p.s[p.k] == '/' || p.s[p.k] == '\\':
		if p.s[p.k] == '\\' {
			p.k++
		}
		re, err := p.regex(false)
		if err != nil {
			return nil, err
		}
		return &sedAddr{re: re}, nil
	}
	return nil, nil
}

// delimited reads up to the unescaped delimiter at p.s[p.k] (consumed
// first), turning \delim into delim.
func (p *sedParser) delimited(delim byte) (string, error) {
	var sb strings.Builder
	for ; p.k < len(p.s); p.k++ {
		c := p.s[p.k]
		if c == delim {
			p.k++
			return sb.String(), nil
		}
		if c == '\\' && p.k+1 < len(p.s) {
			p.k++
			if p.s[p.k] != delim {
				sb.WriteByte('\\')
			}
		}
		sb.WriteByte(p.s[p.k])
	}
	return "", errors.New("unterminated command")
}

func (p *sedParser) regex(ignoreCase bool) (*regexp.Regexp, error) {
	if p.k >= len(p.s) {
		return nil, errors.New("unterminated address regex")
	}
	delim := p.s[p.k]
	p.k++
	src, err := p.delimited(delim)
	if err != nil {
		return nil, err
	}
	if src == "" {
		if p.lastRE == nil {
			return nil, errors.New("no previous regexp")
		}
		return p.lastRE, nil
	}
	re, err := compileRegex(src, p.extended, ignoreCase)
	if err != nil {
		return nil, errors.New("bad regex '" + src + "': " + err.Error())
	}
	p.lastRE = re
	return re, nil
}

func (p *sedParser) substitute(c *sedCmd) error {
	if p.k >= len(p.s) {
		return errors.New("unterminated 's' command")
	}
	delim := p.s[p.k]
	start := p.k
	p.k++
	if _, err := p.delimited(delim); err != nil {
		return errors.New("unterminated 's' command")
	}
	repl, err := p.delimited(delim)
	if err != nil {
		return errors.New("unterminated 's' command")
	}
	c.repl = repl
	ignoreCase := false
	for p.k < len(p.s) && strings.IndexByte("gpiI0123456789", p.s[p.k]) >= 0 {
		switch ch := p.s[p.k]; {
		case ch == 'g':
			c.global = true
		case ch == 'p':
			c.print = true
		case ch == 'i' || ch == 'I':
			ignoreCase = true
		default:
			c.nth = c.nth*10 + int(ch-'0')
		}
		p.k++
	}
	end := p.k
	p.k = start
	c.re, err = p.regex(ignoreCase)
	p.k = end
	return err
}

func (p *sedParser) transliterate(c *sedCmd) error {
	if p.k >= len(p.s) {
		return errors.New("unterminated 'y' command")
	}
	delim := p.s[p.k]
	p.k++
	from, err := p.delimited(delim)
	if err != nil {
		return err
	}
	to, err := p.delimited(delim)
	if err != nil {
		return err
	}
	c.from, c.to = []rune(unescapeSed(from)), []rune(unescapeSed(to))
	if len(c.from) != len(c.to) {
		return errors.New("strings for 'y' command are different lengths")
	}
	return nil
}

func unescapeSed(s string) string {
	return strings.NewReplacer(`\n`, "\n", `\t`, "\t", `\\`, `\`).Replace(s)
}

// sedRun applies a script to its input.
type sedRun struct {
	inv    *Invocation
	cmds   []*sedCmd
	quiet  bool
	lineNo int
	last   bool // the current input is the last one
}

func (s *sedRun) inPlace(files []string) int {
	status := 0
	for _, name := range files {
		data, err := s.inv.FS.ReadFile(s.inv.Path(name))
		if err != nil {
			s.inv.Errorf("can't open '%s': %s", name, errnoText(err))
			status = 1
			continue
		}
		var out strings.Builder
		s.lineNo, s.last = 0, true
		if err := s.run(strings.NewReader(string(data)), &out); err != nil && !errors.Is(err, errSedQuit) {
			return 1
		}
		if err := s.inv.FS.WriteFile(s.inv.Path(name), []byte(out.String()), 0o644); err != nil {
			s.inv.Errorf("can't create '%s': %s", name, errnoText(err))
			status = 1
		}
	}
	return status
}

// run processes lines as they arrive; it needs one line of look-ahead to
// know which line is the last ($).
func (s *sedRun) run(r io.Reader, out io.Writer) error {
	var pending *string
	var quit error
	err := eachLine(r, func(line string) bool {
		if pending != nil {
			quit = s.cycle(*pending, false, out)
		}
		pending = &line
		return quit == nil
	})
	if err != nil {
		return err
	}
	if quit != nil {
		return quit
	}
	if pending != nil {
		return s.cycle(*pending, s.last, out)
	}
	return nil
}

// cycle runs the script on one line.
func (s *sedRun) cycle(line string, isLast bool, out io.Writer) error {
	s.lineNo++
	nl := ""
	if strings.HasSuffix(line, "\n") {
		line, nl = line[:len(line)-1], "\n"
	}
	var after []string
	write := func(text string) { io.WriteString(out, text) }
	for _, c := range s.cmds {
		if !s.selects(c, line, isLast) {
			continue
		}
		switch c.cmd {
		case 's':
			var did bool
			line, did = substitute(c, line)
			if did && c.print {
				write(line + "\n")
			}
		case 'y':
			line = transliterate(c, line)
		case 'd':
			return nil
		case 'p':
			write(line + "\n")
		case '=':
			write(strconv.Itoa(s.lineNo) + "\n")
		case 'i':
			write(c.text + "\n")
		case 'a':
			after = append(after, c.text+"\n")
		case 'c':
			if c.a2 == nil || !c.inRange {
				write(c.text + "\n")
			}
			return nil
		case 'q':
			if !s.quiet {
				write(line + nl)
			}
			return errSedQuit
		case 'Q':
			return errSedQuit
		}
	}
	if !s.quiet {
		write(line + nl)
	}
	for _, a := range after {
		write(a)
	}
	return nil
}

// selects reports whether c applies to the current line.
func (s *sedRun) selects(c *sedCmd, line string, isLast bool) bool {
	matches := func(a *sedAddr) bool {
		switch {
		case a.last:
			return isLast
		case a.re != nil:
			return a.re.MatchString(line)
		}
		return a.line == s.lineNo
	}
	var ok bool
	switch {
	case c.a1 == nil:
		ok = true
	case c.a2 == nil:
		ok = matches(c.a1)
	case c.inRange:
		ok = true
		if matches(c.a2) || c.a2.re == nil && !c.a2.last && s.lineNo >= c.a2.line {
			c.inRange = false
		}
	case matches(c.a1):
		ok = true
		c.inRange = !(c.a2.re == nil && !c.a2.last && c.a2.line <= s.lineNo)
	}
	return ok != c.negate
}

// substitute applies an s command to line.
func substitute(c *sedCmd, line string) (string, bool) {
	matches := c.re.FindAllStringSubmatchIndex(line, -1)
	if len(matches) == 0 {
		return line, false
	}
	var sb strings.Builder
	prev, done := 0, false
	for k, m := range matches {
		if c.nth > 0 && k+1 != c.nth || done {
			continue
		}
		sb.WriteString(line[prev:m[0]])
		sb.WriteString(expandReplacement(c.repl, line, m))
		prev = m[1]
		if !c.global {
			done = true
		}
	}
	sb.WriteString(line[prev:])
	return sb.String(), true
}

// expandReplacement builds an s command's replacement: & is the match,
// \1..\9 its groups, \n a newline.
func expandReplacement(repl, line string, m []int) string {
	var sb strings.Builder
	for k := 0; k < len(repl); k++ {
		c := repl[k]
		switch {
		case c == '&':
			sb.WriteString(line[m[0]:m[1]])
		case c == '\\' && k+1 < len(repl):
			k++
			n := repl[k]
			switch {
			case n >= '0' && n <= '9':
				g := int(n - '0')
				if 2*g+1 < len(m) && m[2*g] >= 0 {
					sb.WriteString(line[m[2*g]:m[2*g+1]])
				}
			case n == 'n':
				sb.WriteByte('\n')
			case n == 't':
				sb.WriteByte('\t')
			default:
				sb.WriteByte(n)
			}
		default:
			sb.WriteByte(c)
		}
	}
	return sb.String()
}

func transliterate(c *sedCmd, line string) string {
	return strings.Map(func(r rune) rune {
		for k, f := range c.from {
			if f == r {
				return c.to[k]
			}
		}
		return r
	}, line)
}
