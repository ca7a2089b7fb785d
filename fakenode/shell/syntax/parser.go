package syntax

import (
	"fmt"
	"io"
)

// maxDepth bounds the nesting of commands and substitutions, so that a
// hostile script fails with a syntax error instead of exhausting the stack.
const maxDepth = 200

// SyntaxError is a parse error, worded as busybox ash words it.
type SyntaxError struct {
	Line int    // 1-based
	Msg  string // e.g. `unexpected "fi"`
}

func (e *SyntaxError) Error() string { return "syntax error: " + e.Msg }

// Parser reads a script one line at a time, as ash does: each call to Next
// returns the complete commands that end on the next line, so a script
// runs up to the line with a syntax error.
type Parser struct {
	src      string
	pos      int
	line     int
	tok      token
	hasTok   bool
	heredocs []*Redir
	err      error
	depth    int
}

// NewParser returns a parser of src.
func NewParser(src string) *Parser { return &Parser{src: src, line: 1} }

// Parse parses a whole script.
func Parse(src string) ([]*Stmt, error) {
	p := NewParser(src)
	var all []*Stmt
	for {
		stmts, err := p.Next()
		all = append(all, stmts...)
		if err == io.EOF {
			return all, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// Next parses the commands up to the end of the next non-empty line. It
// returns io.EOF, with no commands, at the end of the script, and a
// *SyntaxError when the script is malformed.
func (p *Parser) Next() ([]*Stmt, error) {
	for p.peek().kind == tNewline {
		p.next()
	}
	if p.err != nil {
		return nil, p.err
	}
	if p.peek().kind == tEOF {
		return nil, io.EOF
	}
	var stmts []*Stmt
	for p.err == nil {
		t := p.peek()
		if t.kind == tEOF || t.kind == tNewline {
			p.next()
			break
		}
		stmt := p.parseStmt()
		if stmt == nil {
			break
		}
		stmts = append(stmts, stmt)
		if !p.separator() {
			if t := p.peek(); t.kind != tEOF && t.kind != tNewline {
				p.unexpected(t, "")
			}
		}
	}
	if p.err != nil {
		return nil, p.err
	}
	return stmts, nil
}

// sub returns a parser for text nested in this one (backquotes, bodies).
func (p *Parser) sub(src string) *Parser {
	return &Parser{src: src, line: p.line, depth: p.depth}
}

// adopt takes over a nested parser's error.
func (p *Parser) adopt(sub *Parser) {
	if p.err == nil && sub.err != nil {
		p.err = sub.err
	}
}

func (p *Parser) fail(msg string) {
	if p.err == nil {
		p.err = &SyntaxError{Line: p.line, Msg: msg}
	}
}

// unexpected fails on token t, saying what was expected if want is set.
func (p *Parser) unexpected(t token, want string) {
	msg := "unexpected " + t.describe()
	if want != "" {
		msg += fmt.Sprintf(" (expecting %q)", want)
	}
	p.fail(msg)
}

func (t token) isOp(op string) bool { return t.kind == tOp && t.op == op }

// separator consumes a ";" or "&" terminator (marking the last statement
// as background for "&") and reports whether there was one. The caller
// handles newlines.
func (p *Parser) separator() bool {
	t := p.peek()
	if t.isOp(";") || t.isOp("&") {
		p.next()
		return true
	}
	return false
}

// parseStmt parses one and-or list with its "&" if any.
func (p *Parser) parseStmt() *Stmt {
	line := p.peek().line
	cmd := p.parseAndOr()
	if cmd == nil {
		return nil
	}
	s := &Stmt{Cmd: cmd, Line: line}
	if p.peek().isOp("&") {
		s.Background = true
	}
	return s
}

// stopWord reports whether t ends a compound list: a reserved word that
// cannot start a command, or ")" or ";;".
func stopWord(t token) bool {
	switch t.kind {
	case tEOF:
		return true
	case tOp:
		return t.op == ")" || t.op == ";;"
	}
	switch t.keyword() {
	case "then", "else", "elif", "fi", "do", "done", "esac", "}":
		return true
	}
	return false
}

// parseList parses a compound list: statements separated by ";", "&" and
// newlines, up to a stop word (which it leaves unread). With stop set, the
// list also ends at a word that stop accepts (esac patterns).
func (p *Parser) parseList(stop func(token) bool) []*Stmt {
	var stmts []*Stmt
	for p.err == nil {
		p.skipNewlines()
		t := p.peek()
		if stopWord(t) || stop != nil && stop(t) {
			break
		}
		stmt := p.parseStmt()
		if stmt == nil {
			break
		}
		stmts = append(stmts, stmt)
		if !p.separator() && p.peek().kind != tNewline {
			break
		}
	}
	return stmts
}

func (p *Parser) skipNewlines() {
	for p.peek().kind == tNewline {
		p.next()
	}
}

// parseAndOr parses pipelines joined by && and ||.
func (p *Parser) parseAndOr() Command {
	x := p.parsePipeline()
	for x != nil && p.err == nil {
		t := p.peek()
		if !t.isOp("&&") && !t.isOp("||") {
			break
		}
		p.next()
		p.skipNewlines()
		y := p.parsePipeline()
		if y == nil {
			return nil
		}
		x = &AndOr{Op: t.op, X: x, Y: y}
	}
	return x
}

// parsePipeline parses [!] command | command ...
func (p *Parser) parsePipeline() Command {
	negated := false
	if p.peek().keyword() == "!" {
		p.next()
		negated = true
	}
	first := p.parseCommand()
	if first == nil {
		return nil
	}
	cmds := []Command{first}
	for p.err == nil && p.peek().isOp("|") {
		p.next()
		p.skipNewlines()
		c := p.parseCommand()
		if c == nil {
			return nil
		}
		cmds = append(cmds, c)
	}
	if len(cmds) == 1 && !negated {
		return first
	}
	return &Pipeline{Negated: negated, Cmds: cmds}
}

// parseCommand parses a simple command, a compound command with its
// redirections, or a function definition.
func (p *Parser) parseCommand() Command {
	if p.err != nil {
		return nil
	}
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		p.fail("nesting too deep")
		return nil
	}
	t := p.peek()
	var cmd Command
	switch {
	case t.isOp("("):
		p.next()
		cmd = p.parseSubshell()
	case t.kind == tWord:
		switch t.keyword() {
		case "if":
			cmd = p.parseIf()
		case "while", "until":
			cmd = p.parseLoop()
		case "for":
			cmd = p.parseFor()
		case "case":
			cmd = p.parseCase()
		case "{":
			cmd = p.parseBlock()
		case "[[":
			cmd = p.parseTest()
		case "function":
			return p.parseFunction()
		case "then", "else", "elif", "fi", "do", "done", "esac", "}", "in", "!", "]]":
			p.unexpected(t, "")
			return nil
		default:
			return p.parseSimple()
		}
	case t.kind == tIONumber || t.kind == tOp && isRedirOp(t.op):
		return p.parseSimple()
	default:
		p.unexpected(t, "")
		return nil
	}
	if cmd == nil || p.err != nil {
		return nil
	}
	return p.withRedirs(cmd)
}

// withRedirs reads the redirections after a compound command.
func (p *Parser) withRedirs(cmd Command) Command {
	var redirs []*Redir
	for p.err == nil {
		t := p.peek()
		if t.kind != tIONumber && !(t.kind == tOp && isRedirOp(t.op)) {
			break
		}
		if r := p.parseRedir(); r != nil {
			redirs = append(redirs, r)
		}
	}
	if p.err != nil {
		return nil
	}
	if len(redirs) == 0 {
		return cmd
	}
	return &RedirCmd{Cmd: cmd, Redirs: redirs}
}

func isRedirOp(op string) bool {
	switch RedirOp(op) {
	case RedirIn, RedirOut, RedirAppend, RedirClobber, RedirInOut, RedirDupIn, RedirDupOut, RedirAll, RedirHeredoc, RedirHeredocTab:
		return true
	}
	return false
}

// parseRedir parses [n]op word.
func (p *Parser) parseRedir() *Redir {
	r := &Redir{Fd: -1}
	t := p.next()
	if t.kind == tIONumber {
		n, _ := t.word.Lit()
		if len(n) > 4 {
			p.fail("bad fd number")
			return nil
		}
		fmt.Sscan(n, &r.Fd)
		t = p.next()
	}
	r.Op = RedirOp(t.op)
	w := p.next()
	if w.kind != tWord {
		p.unexpected(w, "")
		return nil
	}
	r.Word = w.word
	if r.Op == RedirHeredoc || r.Op == RedirHeredocTab {
		p.heredocs = append(p.heredocs, r)
	}
	return r
}

// parseSimple parses assignments, words and redirections; or name() body.
func (p *Parser) parseSimple() Command {
	cmd := &SimpleCmd{Line: p.peek().line}
	for p.err == nil {
		t := p.peek()
		switch {
		case t.kind == tIONumber || t.kind == tOp && isRedirOp(t.op):
			if r := p.parseRedir(); r != nil {
				cmd.Redirs = append(cmd.Redirs, r)
			}
			continue
		case t.kind != tWord:
		case len(cmd.Args) == 0 && p.assignment(cmd, t):
			p.next()
			continue
		default:
			p.next()
			cmd.Args = append(cmd.Args, t.word)
			if len(cmd.Args) == 1 && p.peek().isOp("(") {
				if len(cmd.Assigns) > 0 || len(cmd.Redirs) > 0 {
					p.unexpected(p.peek(), "")
					return nil
				}
				return p.parseFuncBody(t.raw)
			}
			continue
		}
		break
	}
	if p.err != nil {
		return nil
	}
	if len(cmd.Args) == 0 && len(cmd.Assigns) == 0 && len(cmd.Redirs) == 0 {
		p.unexpected(p.peek(), "")
		return nil
	}
	return cmd
}

// assignment adds t to cmd's assignments if it is NAME=value.
func (p *Parser) assignment(cmd *SimpleCmd, t token) bool {
	if len(t.word.Parts) == 0 {
		return false
	}
	lit, ok := t.word.Parts[0].(*Lit)
	if !ok {
		return false
	}
	eq := -1
	for i := 0; i < len(lit.Value); i++ {
		if lit.Value[i] == '=' {
			eq = i
			break
		}
	}
	if eq <= 0 || !IsName(lit.Value[:eq]) {
		return false
	}
	value := &Word{}
	if rest := lit.Value[eq+1:]; rest != "" {
		value.Parts = append(value.Parts, &Lit{Value: rest})
	}
	value.Parts = append(value.Parts, t.word.Parts[1:]...)
	cmd.Assigns = append(cmd.Assigns, &Assign{Name: lit.Value[:eq], Value: value})
	return true
}

// parseFuncBody parses "() body" after a function's name.
func (p *Parser) parseFuncBody(name string) Command {
	p.next() // (
	if t := p.next(); !t.isOp(")") {
		p.unexpected(t, ")")
		return nil
	}
	p.skipNewlines()
	body := p.parseCommand()
	if body == nil {
		if p.err == nil {
			p.unexpected(p.peek(), "")
		}
		return nil
	}
	return &FuncDecl{Name: name, Body: body}
}

// parseFunction parses bash's "function name [()] body".
func (p *Parser) parseFunction() Command {
	p.next()
	t := p.next()
	if t.kind != tWord {
		p.unexpected(t, "")
		return nil
	}
	if p.peek().isOp("(") {
		return p.parseFuncBody(t.raw)
	}
	p.skipNewlines()
	body := p.parseCommand()
	if body == nil {
		return nil
	}
	return &FuncDecl{Name: t.raw, Body: body}
}
