package syntax

import "strings"

type tokKind int

const (
	tEOF tokKind = iota
	tNewline
	tOp
	tWord
	tIONumber // digits right before < or >
)

type token struct {
	kind tokKind
	op   string // tOp
	word *Word  // tWord
	raw  string // the source text of a word
	line int
}

// keyword returns the token's text if it is an unquoted word that could be
// a reserved word, e.g. "fi" but not "f\i" or "'fi'".
func (t token) keyword() string {
	if t.kind != tWord {
		return ""
	}
	if s, ok := t.word.Lit(); ok && s == t.raw {
		return s
	}
	return ""
}

// describe names the token the way ash's syntax errors do.
func (t token) describe() string {
	switch t.kind {
	case tEOF:
		return "end of file"
	case tNewline:
		return "newline"
	case tOp:
		return `"` + t.op + `"`
	}
	if kw := t.keyword(); reserved[kw] {
		return `"` + kw + `"`
	}
	return "word"
}

var reserved = map[string]bool{
	"if": true, "then": true, "else": true, "elif": true, "fi": true,
	"do": true, "done": true, "case": true, "esac": true, "while": true,
	"until": true, "for": true, "in": true, "{": true, "}": true, "!": true,
	"[[": true, "]]": true, "function": true,
}

// operators, longest first so that the scan takes the longest match.
var operators = []string{
	"<<-", "&&", "||", ";;", "<<", ">>", "<&", ">&", "<>", ">|", "&>",
	";", "&", "|", "<", ">", "(", ")",
}

func isMeta(c byte) bool {
	switch c {
	case ' ', '\t', '\n', ';', '&', '|', '<', '>', '(', ')':
		return true
	}
	return false
}

func isNameStart(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isNameChar(c byte) bool { return isNameStart(c) || '0' <= c && c <= '9' }

// IsName reports whether s is a valid variable name.
func IsName(s string) bool {
	if s == "" || !isNameStart(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isNameChar(s[i]) {
			return false
		}
	}
	return true
}

// peek returns the next token without consuming it.
func (p *Parser) peek() token {
	if !p.hasTok {
		p.tok = p.scan()
		p.hasTok = true
	}
	return p.tok
}

// next consumes and returns the next token.
func (p *Parser) next() token {
	t := p.peek()
	p.hasTok = false
	return t
}

func (p *Parser) at(i int) byte {
	if j := p.pos + i; j >= 0 && j < len(p.src) {
		return p.src[j]
	}
	return 0
}

func (p *Parser) eof() bool { return p.pos >= len(p.src) }

// scan reads one token from the source.
func (p *Parser) scan() token {
	if p.err != nil {
		return token{kind: tEOF, line: p.line}
	}
	p.skipBlanks()
	line := p.line
	if p.eof() {
		return token{kind: tEOF, line: line}
	}
	c := p.src[p.pos]
	if c == '\n' {
		p.pos++
		p.line++
		p.readHeredocs()
		return token{kind: tNewline, line: line}
	}
	for _, op := range operators {
		if strings.HasPrefix(p.src[p.pos:], op) {
			p.pos += len(op)
			return token{kind: tOp, op: op, line: line}
		}
	}
	start := p.pos
	w := p.lexWord()
	t := token{kind: tWord, word: w, raw: p.src[start:p.pos], line: line}
	if s, ok := w.Lit(); ok && s == t.raw && allDigits(s) && (p.at(0) == '<' || p.at(0) == '>') {
		t.kind = tIONumber
	}
	return t
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// skipBlanks skips spaces, tabs, line continuations and comments.
func (p *Parser) skipBlanks() {
	for !p.eof() {
		switch c := p.src[p.pos]; {
		case c == ' ' || c == '\t' || c == '\r':
			p.pos++
		case c == '\\' && p.at(1) == '\n':
			p.pos += 2
			p.line++
		case c == '#':
			for !p.eof() && p.src[p.pos] != '\n' {
				p.pos++
			}
		default:
			return
		}
	}
}

// wordBuilder collects word parts, merging adjacent literal text.
type wordBuilder struct {
	parts []WordPart
	lit   strings.Builder
	quote strings.Builder
}

func (b *wordBuilder) flush() {
	if b.lit.Len() > 0 {
		b.parts = append(b.parts, &Lit{Value: b.lit.String()})
		b.lit.Reset()
	}
	if b.quote.Len() > 0 {
		b.parts = append(b.parts, &Quoted{Value: b.quote.String()})
		b.quote.Reset()
	}
}

func (b *wordBuilder) addLit(c byte) {
	if b.quote.Len() > 0 {
		b.flush()
	}
	b.lit.WriteByte(c)
}

func (b *wordBuilder) addQuoted(s string) {
	if b.lit.Len() > 0 {
		b.flush()
	}
	b.quote.WriteString(s)
}

// addQuotedPart adds a quoted part even when it is empty (”), so that
// the word exists after expansion.
func (b *wordBuilder) addEmptyQuote() {
	b.flush()
	b.parts = append(b.parts, &Quoted{})
}

func (b *wordBuilder) add(part WordPart) {
	b.flush()
	b.parts = append(b.parts, part)
}

func (b *wordBuilder) word() *Word {
	b.flush()
	return &Word{Parts: b.parts}
}

// lexWord reads an unquoted word up to the next metacharacter.
func (p *Parser) lexWord() *Word {
	var b wordBuilder
	for !p.eof() && p.err == nil {
		c := p.src[p.pos]
		if isMeta(c) {
			break
		}
		p.lexPart(&b, c)
	}
	return b.word()
}

// lexPart reads one piece of an unquoted word starting with c.
func (p *Parser) lexPart(b *wordBuilder, c byte) {
	switch c {
	case '\'':
		p.pos++
		s, ok := p.until('\'')
		if !ok {
			p.fail("unterminated quoted string")
			return
		}
		if s == "" {
			b.addEmptyQuote()
		} else {
			b.addQuoted(s)
		}
	case '"':
		p.pos++
		parts := p.lexDouble()
		b.add(&DblQuoted{Parts: parts})
	case '\\':
		switch {
		case p.at(1) == '\n':
			p.pos += 2
			p.line++
		case p.pos+1 < len(p.src):
			b.addQuoted(p.src[p.pos+1 : p.pos+2])
			p.pos += 2
		default:
			b.addLit('\\')
			p.pos++
		}
	case '$':
		if p.at(1) == '\'' {
			p.pos += 2
			if s := p.lexANSIC(); s != "" {
				b.addQuoted(s)
			} else {
				b.addEmptyQuote()
			}
			return
		}
		if part := p.lexDollar(); part != nil {
			b.add(part)
		} else if p.err == nil {
			b.addLit('$')
			p.pos++
		}
	case '`':
		b.add(p.lexBackquote())
	default:
		b.addLit(c)
		p.pos++
	}
}

// until reads up to the byte end and consumes it; ok is false at EOF.
func (p *Parser) until(end byte) (string, bool) {
	i := strings.IndexByte(p.src[p.pos:], end)
	if i < 0 {
		p.pos = len(p.src)
		return "", false
	}
	s := p.src[p.pos : p.pos+i]
	p.line += strings.Count(s, "\n")
	p.pos += i + 1
	return s, true
}

// lexDouble reads the inside of "..." after the opening quote.
func (p *Parser) lexDouble() []WordPart {
	var b wordBuilder
	for p.err == nil {
		if p.eof() {
			p.fail("unterminated quoted string")
			break
		}
		c := p.src[p.pos]
		if c == '"' {
			p.pos++
			break
		}
		p.lexDoublePart(&b, c, `$`+"`"+`"\`)
	}
	return b.word().Parts
}

// lexDoublePart reads one piece of double-quoted text (or of a
// here-document, or of arithmetic), where a backslash escapes only the
// characters in escapable and a newline.
func (p *Parser) lexDoublePart(b *wordBuilder, c byte, escapable string) {
	switch c {
	case '\\':
		n := p.at(1)
		switch {
		case n == '\n':
			p.pos += 2
			p.line++
		case n != 0 && strings.IndexByte(escapable, n) >= 0:
			b.addQuoted(string(n))
			p.pos += 2
		default:
			b.addQuoted(`\`)
			p.pos++
		}
	case '$':
		if part := p.lexDollar(); part != nil {
			b.add(part)
		} else if p.err == nil {
			b.addQuoted("$")
			p.pos++
		}
	case '`':
		b.add(p.lexBackquote())
	default:
		if c == '\n' {
			p.line++
		}
		b.addQuoted(string(c))
		p.pos++
	}
}

// lexANSIC reads $'...' after the opening quote, decoding C escapes.
func (p *Parser) lexANSIC() string {
	var sb strings.Builder
	for {
		if p.eof() {
			p.fail("unterminated quoted string")
			return sb.String()
		}
		c := p.src[p.pos]
		p.pos++
		switch c {
		case '\'':
			return sb.String()
		case '\\':
			if p.eof() {
				continue
			}
			s, n := DecodeEscape(p.src[p.pos:], false)
			sb.WriteString(s)
			p.pos += n
		default:
			if c == '\n' {
				p.line++
			}
			sb.WriteByte(c)
		}
	}
}

// DecodeEscape decodes the C escape at the start of s (after the
// backslash), as echo -e, printf and $'...' do. It returns the text and the
// number of bytes of s it used. With echoOctal, octal escapes are \0nnn
// (echo); otherwise \nnn (printf).
func DecodeEscape(s string, echoOctal bool) (string, int) {
	if s == "" {
		return `\`, 0
	}
	switch s[0] {
	case 'a':
		return "\a", 1
	case 'b':
		return "\b", 1
	case 'e', 'E':
		return "\x1b", 1
	case 'f':
		return "\f", 1
	case 'n':
		return "\n", 1
	case 'r':
		return "\r", 1
	case 't':
		return "\t", 1
	case 'v':
		return "\v", 1
	case '\\':
		return `\`, 1
	case '\'', '"':
		return s[:1], 1
	case 'x':
		v, n := digits(s[1:], 16, 2)
		if n == 0 {
			return `\x`, 1
		}
		return string([]byte{byte(v)}), 1 + n
	case '0', '1', '2', '3', '4', '5', '6', '7':
		skip := 0
		if echoOctal {
			if s[0] != '0' {
				return `\` + s[:1], 1
			}
			skip = 1
		}
		v, n := digits(s[skip:], 8, 3)
		return string([]byte{byte(v)}), skip + n
	}
	return `\` + s[:1], 1
}

func digits(s string, base, maxN int) (int, int) {
	v, n := 0, 0
	for n < len(s) && n < maxN {
		d := digitVal(s[n])
		if d < 0 || d >= base {
			break
		}
		v = v*base + d
		n++
	}
	return v, n
}

func digitVal(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
