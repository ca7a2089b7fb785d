package bc

import (
	"fmt"
	"strings"
)

// The syntax tree of a bc program.
type (
	expr interface{}

	numLit struct{ text string } // converted with the ibase in force when it runs
	varRef struct{ name string } // a variable, or scale, ibase, obase, last
	unary  struct {
		op string // "-" or "!"
		x  expr
	}
	binary struct {
		op   string
		x, y expr
	}
	assign struct {
		op   string // "=", "+=", ...
		name string
		x    expr
	}
	incDec struct {
		name  string
		delta int64
		pre   bool
	}
	paren struct{ x expr } // (x): an assignment in parentheses is printed
	call  struct {
		name string
		args []expr
	}

	stmt interface{}

	exprStmt  struct{ x expr }
	strStmt   struct{ s string }
	printStmt struct{ items []any } // expr or string
	blockStmt struct{ stmts []stmt }
	ifStmt    struct {
		cond      expr
		then, els stmt
	}
	whileStmt struct {
		cond expr
		body stmt
	}
	forStmt struct {
		init, cond, post expr // any may be nil
		body             stmt
	}
	breakStmt    struct{}
	continueStmt struct{}
	haltStmt     struct{}
	returnStmt   struct{ x expr } // nil: return 0
	defineStmt   struct{ fn *function }
)

type function struct {
	name   string
	params []string
	autos  []string
	body   []stmt
}

type tokKind int

const (
	tEOF tokKind = iota
	tNewline
	tNum
	tName
	tStr
	tOp
)

type token struct {
	kind tokKind
	text string
	line int
}

// lex splits a bc program into tokens.
func lex(src string) ([]token, error) {
	var toks []token
	line := 1
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\n':
			toks = append(toks, token{tNewline, "\n", line})
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '\\' && i+1 < len(src) && src[i+1] == '\n':
			i += 2
			line++
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case strings.HasPrefix(src[i:], "/*"):
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return nil, fmt.Errorf("(standard_in) %d: comment end not found", line)
			}
			line += strings.Count(src[i:i+2+end], "\n")
			i += end + 4
		case c == '"':
			end := strings.IndexByte(src[i+1:], '"')
			if end < 0 {
				return nil, fmt.Errorf("(standard_in) %d: string end not found", line)
			}
			s := src[i+1 : i+1+end]
			toks = append(toks, token{tStr, s, line})
			line += strings.Count(s, "\n")
			i += end + 2
		case '0' <= c && c <= '9' || 'A' <= c && c <= 'F' || c == '.' && i+1 < len(src) && isDigit(src[i+1]):
			j := i
			for j < len(src) && (isDigit(src[j]) || 'A' <= src[j] && src[j] <= 'F' || src[j] == '.' && !strings.Contains(src[i:j], ".")) {
				j++
			}
			toks = append(toks, token{tNum, src[i:j], line})
			i = j
		case 'a' <= c && c <= 'z':
			j := i
			for j < len(src) && ('a' <= src[j] && src[j] <= 'z' || isDigit(src[j]) || src[j] == '_') {
				j++
			}
			toks = append(toks, token{tName, src[i:j], line})
			i = j
		default:
			op := lexOp(src[i:])
			if op == "" {
				return nil, fmt.Errorf("(standard_in) %d: illegal character: %c", line, c)
			}
			toks = append(toks, token{tOp, op, line})
			i += len(op)
		}
	}
	return append(toks, token{tEOF, "", line}), nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

var bcOps = []string{
	"++", "--", "+=", "-=", "*=", "/=", "%=", "^=", "==", "<=", ">=", "!=", "&&", "||",
	"=", "+", "-", "*", "/", "%", "^", "<", ">", "!", "(", ")", "{", "}", "[", "]", ",", ";", ".",
}

func lexOp(s string) string {
	for _, op := range bcOps {
		if strings.HasPrefix(s, op) {
			return op
		}
	}
	return ""
}

// parser is a recursive-descent parser over the tokens.
type parser struct {
	toks []token
	pos  int
	quit bool // "quit" was read: bc stops as soon as it reads it
}

type syntaxError struct{ line int }

func (e *syntaxError) Error() string { return fmt.Sprintf("(standard_in) %d: syntax error", e.line) }

func (p *parser) peek() token { return p.toks[p.pos] }

func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tEOF {
		p.pos++
	}
	return t
}

func (p *parser) isOp(op string) bool { t := p.peek(); return t.kind == tOp && t.text == op }

func (p *parser) fail() error { return &syntaxError{line: p.peek().line} }

func (p *parser) expectOp(op string) error {
	if !p.isOp(op) {
		return p.fail()
	}
	p.next()
	return nil
}

func (p *parser) skipNewlines() {
	for p.peek().kind == tNewline {
		p.next()
	}
}

// line parses the statements up to the end of a line (a block may span
// lines), which bc runs before it reads on.
func (p *parser) line() ([]stmt, error) {
	var stmts []stmt
	for {
		t := p.peek()
		switch {
		case t.kind == tEOF:
			return stmts, nil
		case t.kind == tNewline:
			p.next()
			return stmts, nil
		case t.kind == tOp && t.text == ";":
			p.next()
			continue
		}
		s, err := p.statement()
		if err != nil {
			return nil, err
		}
		if p.quit {
			return nil, nil
		}
		if s != nil {
			stmts = append(stmts, s)
		}
		if t := p.peek(); !(t.kind == tNewline || t.kind == tEOF || t.kind == tOp && (t.text == ";" || t.text == "}")) {
			return nil, p.fail()
		}
	}
}

// skipLine moves past the rest of the line after a syntax error.
func (p *parser) skipLine() {
	for t := p.next(); t.kind != tNewline && t.kind != tEOF; t = p.next() {
	}
}
