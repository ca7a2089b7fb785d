package syntax

import "strings"

// lexDollar reads an expansion starting at '$'. It returns nil, having
// consumed nothing, when the '$' is literal.
func (p *Parser) lexDollar() WordPart {
	c := p.at(1)
	switch {
	case c == '(' && p.at(2) == '(':
		if part := p.lexArith(); part != nil || p.err != nil {
			return part
		}
		p.pos += 2
		return p.lexCmdSubst()
	case c == '(':
		p.pos += 2
		return p.lexCmdSubst()
	case c == '{':
		p.pos += 2
		return p.lexBraced()
	case isNameStart(c):
		start := p.pos + 1
		end := start
		for end < len(p.src) && isNameChar(p.src[end]) {
			end++
		}
		p.pos = end
		return &ParamExp{Name: p.src[start:end]}
	case '0' <= c && c <= '9' || strings.IndexByte("@*#?-$!", c) >= 0:
		p.pos += 2
		return &ParamExp{Name: string(c)}
	}
	return nil
}

// lexArith reads $((...)). It returns nil, consuming nothing, when the
// text is a command substitution of a subshell instead: $( (a); b ).
func (p *Parser) lexArith() WordPart {
	start := p.pos + 3
	depth := 0
	for i := start; i < len(p.src); i++ {
		switch p.src[i] {
		case '(':
			depth++
		case ')':
			if depth > 0 {
				depth--
				continue
			}
			if i+1 < len(p.src) && p.src[i+1] == ')' {
				w := p.subWord(p.src[start:i], "$`\\")
				p.line += strings.Count(p.src[start:i], "\n")
				p.pos = i + 2
				return &ArithExp{Expr: w}
			}
			return nil
		}
	}
	p.fail("missing '))'")
	return nil
}

// subWord lexes s as double-quoted text (without the quotes).
func (p *Parser) subWord(s, escapable string) *Word {
	sub := p.sub(s)
	var b wordBuilder
	for !sub.eof() && sub.err == nil {
		sub.lexDoublePart(&b, sub.src[sub.pos], escapable)
	}
	p.adopt(sub)
	return b.word()
}

// lexCmdSubst reads the commands of $(...) after the "$(".
func (p *Parser) lexCmdSubst() WordPart {
	if p.hasTok {
		p.fail("internal: lookahead in command substitution")
		return nil
	}
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		p.fail("nesting too deep")
		return nil
	}
	stmts := p.parseList(nil)
	if t := p.next(); !t.isOp(")") {
		p.unexpected(t, ")")
	}
	return &CmdSubst{Stmts: stmts}
}

// lexBackquote reads `...`, undoing the backslash escapes of \\, \` and \$.
func (p *Parser) lexBackquote() WordPart {
	p.pos++
	var sb strings.Builder
	for {
		if p.eof() {
			p.fail("EOF in backquote substitution")
			return nil
		}
		c := p.src[p.pos]
		p.pos++
		switch {
		case c == '`':
			sub := p.sub(sb.String())
			sub.depth = p.depth + 1
			if sub.depth > maxDepth {
				p.fail("nesting too deep")
				return nil
			}
			stmts := sub.parseList(nil)
			if t := sub.next(); t.kind != tEOF {
				sub.unexpected(t, "")
			}
			p.adopt(sub)
			p.line += strings.Count(sb.String(), "\n")
			return &CmdSubst{Stmts: stmts}
		case c == '\\' && p.pos < len(p.src) && strings.IndexByte("\\`$", p.src[p.pos]) >= 0:
			sb.WriteByte(p.src[p.pos])
			p.pos++
		default:
			sb.WriteByte(c)
		}
	}
}

// lexBraced reads ${...} after the "${".
func (p *Parser) lexBraced() WordPart {
	pe := &ParamExp{}
	if p.at(0) == '#' && p.at(1) != '}' && (isNameChar(p.at(1)) || strings.IndexByte("@*#?$!-", p.at(1)) >= 0) {
		p.pos++
		pe.Op = ParamLength
	}
	pe.Name = p.paramName()
	if pe.Name == "" {
		p.fail("bad substitution")
		return nil
	}
	if pe.Op == ParamLength {
		if p.at(0) != '}' {
			p.fail("bad substitution")
			return nil
		}
		p.pos++
		return pe
	}
	if p.eof() {
		p.fail("missing '}'")
		return nil
	}
	c := p.src[p.pos]
	p.pos++
	switch c {
	case '}':
		return pe
	case ':':
		if strings.IndexByte("-=?+", p.at(0)) >= 0 {
			pe.Colon = true
			pe.Op = simpleOps[p.at(0)]
			p.pos++
			pe.Arg = p.braceWord("}")
		} else {
			pe.Op = ParamSlice
			pe.Arg = p.braceWord(":}")
			if p.err == nil && len(pe.Arg.Parts) == 0 {
				p.fail("missing '}'")
				return nil
			}
			if p.at(-1) == ':' {
				pe.Len = p.braceWord("}")
			}
		}
	case '-', '=', '?', '+':
		pe.Op = simpleOps[c]
		pe.Arg = p.braceWord("}")
	case '%', '#':
		pe.Op = map[byte]ParamOp{'%': ParamTrimSuffix, '#': ParamTrimPrefix}[c]
		if p.at(0) == c {
			pe.Op++ // the long form follows the short one
			p.pos++
		}
		pe.Arg = p.braceWord("}")
	case '/':
		pe.Op = ParamReplace
		switch p.at(0) {
		case '/':
			pe.Op = ParamReplaceAll
			p.pos++
		case '#':
			pe.Op = ParamReplacePrefix
			p.pos++
		case '%':
			pe.Op = ParamReplaceSuffix
			p.pos++
		}
		pe.Arg = p.braceWord("/}")
		if p.at(-1) == '/' {
			pe.Repl = p.braceWord("}")
		}
	default:
		p.fail("bad substitution")
		return nil
	}
	if p.err != nil {
		return nil
	}
	return pe
}

var simpleOps = map[byte]ParamOp{'-': ParamDefault, '=': ParamAssign, '?': ParamError, '+': ParamAlt}

// paramName reads the name inside ${...}.
func (p *Parser) paramName() string {
	c := p.at(0)
	end := p.pos
	switch {
	case isNameStart(c):
		for end < len(p.src) && isNameChar(p.src[end]) {
			end++
		}
	case '0' <= c && c <= '9':
		for end < len(p.src) && '0' <= p.src[end] && p.src[end] <= '9' {
			end++
		}
	case c != 0 && strings.IndexByte("@*#?-$!", c) >= 0:
		end++
	default:
		return ""
	}
	name := p.src[p.pos:end]
	p.pos = end
	return name
}

// braceWord reads the word inside ${...} up to (and consuming) one of the
// unquoted bytes in stops. Blanks are part of the word there.
func (p *Parser) braceWord(stops string) *Word {
	var b wordBuilder
	for p.err == nil {
		if p.eof() {
			p.fail("missing '}'")
			break
		}
		c := p.src[p.pos]
		if strings.IndexByte(stops, c) >= 0 {
			p.pos++
			break
		}
		if c == '\n' {
			p.line++
		}
		if c == ' ' || c == '\t' || c == '\n' || isMeta(c) {
			b.addLit(c)
			p.pos++
			continue
		}
		p.lexPart(&b, c)
	}
	return b.word()
}

// readHeredocs reads the bodies of the here-documents whose operators were
// on the line that just ended.
func (p *Parser) readHeredocs() {
	docs := p.heredocs
	p.heredocs = nil
	for _, r := range docs {
		delim, quoted := heredocDelim(r.Word)
		var body strings.Builder
		for !p.eof() {
			end := strings.IndexByte(p.src[p.pos:], '\n')
			var line string
			if end < 0 {
				line = p.src[p.pos:]
				p.pos = len(p.src)
			} else {
				line = p.src[p.pos : p.pos+end]
				p.pos += end + 1
			}
			p.line++
			if r.Op == RedirHeredocTab {
				line = strings.TrimLeft(line, "\t")
			}
			if line == delim {
				break
			}
			body.WriteString(line)
			body.WriteByte('\n')
		}
		if quoted {
			r.Body = &Word{Parts: []WordPart{&Quoted{Value: body.String()}}}
		} else {
			r.Body = p.subWord(body.String(), "$`\\")
		}
	}
}

// heredocDelim returns a here-document's delimiter after quote removal,
// and whether any of it was quoted (then the body is not expanded).
func heredocDelim(w *Word) (string, bool) {
	var sb strings.Builder
	quoted := false
	var walk func(parts []WordPart)
	walk = func(parts []WordPart) {
		for _, part := range parts {
			switch part := part.(type) {
			case *Lit:
				sb.WriteString(part.Value)
			case *Quoted:
				quoted = true
				sb.WriteString(part.Value)
			case *DblQuoted:
				quoted = true
				walk(part.Parts)
			case *ParamExp:
				sb.WriteString("$" + part.Name)
			}
		}
	}
	walk(w.Parts)
	return sb.String(), quoted
}
