package syntax

// expectKw consumes the reserved word kw or fails.
func (p *Parser) expectKw(kw string) bool {
	if p.err != nil {
		return false
	}
	t := p.next()
	if t.keyword() != kw {
		p.unexpected(t, kw)
		return false
	}
	return true
}

// nonEmptyList parses a compound list that must hold a command, as ash
// requires after then, do, { and (.
func (p *Parser) nonEmptyList() []*Stmt {
	stmts := p.parseList(nil)
	if p.err == nil && len(stmts) == 0 {
		p.unexpected(p.peek(), "")
	}
	return stmts
}

// parseIf parses if ... fi.
func (p *Parser) parseIf() Command {
	p.next()
	c := p.parseIfRest()
	if p.err != nil {
		return nil
	}
	return c
}

// parseIfRest parses what follows "if" or "elif", up to and including fi.
func (p *Parser) parseIfRest() *IfCmd {
	c := &IfCmd{Cond: p.nonEmptyList()}
	if !p.expectKw("then") {
		return nil
	}
	c.Then = p.nonEmptyList()
	if p.err != nil {
		return nil
	}
	switch t := p.peek(); t.keyword() {
	case "elif":
		p.next()
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > maxDepth {
			p.fail("nesting too deep")
			return nil
		}
		if elif := p.parseIfRest(); elif != nil {
			c.Else = []*Stmt{{Cmd: elif, Line: t.line}}
		}
		return c
	case "else":
		p.next()
		c.Else = p.nonEmptyList()
	}
	p.expectKw("fi")
	return c
}

// parseLoop parses while/until ... do ... done.
func (p *Parser) parseLoop() Command {
	c := &LoopCmd{Until: p.next().keyword() == "until"}
	c.Cond = p.nonEmptyList()
	if !p.expectKw("do") {
		return nil
	}
	c.Body = p.nonEmptyList()
	if !p.expectKw("done") {
		return nil
	}
	return c
}

// parseFor parses for name [in words]; do ... done.
func (p *Parser) parseFor() Command {
	p.next()
	t := p.next()
	name, ok := "", t.kind == tWord
	if ok {
		name, ok = t.word.Lit()
	}
	if !ok || !IsName(name) {
		p.fail("bad for loop variable")
		return nil
	}
	c := &ForCmd{Name: name}
	p.skipNewlines()
	if p.peek().keyword() == "in" {
		p.next()
		c.HasIn = true
		for p.peek().kind == tWord {
			c.Items = append(c.Items, p.next().word)
		}
		if t := p.peek(); !t.isOp(";") && t.kind != tNewline {
			p.unexpected(t, "do")
			return nil
		}
		p.next()
	} else if p.peek().isOp(";") {
		p.next()
	}
	p.skipNewlines()
	if !p.expectKw("do") {
		return nil
	}
	c.Body = p.nonEmptyList()
	if !p.expectKw("done") {
		return nil
	}
	return c
}

// parseCase parses case word in pattern) list;; ... esac.
func (p *Parser) parseCase() Command {
	p.next()
	t := p.next()
	if t.kind != tWord {
		p.unexpected(t, "")
		return nil
	}
	c := &CaseCmd{Word: t.word}
	p.skipNewlines()
	if !p.expectKw("in") {
		return nil
	}
	for p.err == nil {
		p.skipNewlines()
		if p.peek().keyword() == "esac" {
			p.next()
			return c
		}
		item := p.parseCaseItem()
		if item == nil {
			return nil
		}
		c.Items = append(c.Items, item)
		switch t := p.peek(); {
		case t.isOp(";;"):
			p.next()
		case t.keyword() == "esac":
		default:
			p.unexpected(t, "esac")
			return nil
		}
	}
	return nil
}

// parseCaseItem parses [(] pattern | pattern ) list.
func (p *Parser) parseCaseItem() *CaseItem {
	if p.peek().isOp("(") {
		p.next()
	}
	item := &CaseItem{}
	for {
		t := p.next()
		if t.kind != tWord {
			p.unexpected(t, ")")
			return nil
		}
		item.Patterns = append(item.Patterns, t.word)
		t = p.next()
		if t.isOp(")") {
			break
		}
		if !t.isOp("|") {
			p.unexpected(t, ")")
			return nil
		}
	}
	item.Body = p.parseList(nil)
	if p.err != nil {
		return nil
	}
	return item
}

// parseBlock parses { list; }.
func (p *Parser) parseBlock() Command {
	p.next()
	stmts := p.nonEmptyList()
	if !p.expectKw("}") {
		return nil
	}
	return &Block{Stmts: stmts}
}

// parseSubshell parses ( list ) after the "(".
func (p *Parser) parseSubshell() Command {
	stmts := p.nonEmptyList()
	if p.err != nil {
		return nil
	}
	if t := p.next(); !t.isOp(")") {
		p.unexpected(t, ")")
		return nil
	}
	return &Subshell{Stmts: stmts}
}

// parseTest parses [[ expression ]].
func (p *Parser) parseTest() Command {
	line := p.next().line
	e := p.testOr()
	if p.err != nil {
		return nil
	}
	if !p.expectKw("]]") {
		return nil
	}
	return &TestCmd{Expr: e, Line: line}
}

func (p *Parser) testOr() TestExpr {
	x := p.testAnd()
	for p.err == nil && p.peek().isOp("||") {
		p.next()
		x = &TestAndOr{Op: "||", X: x, Y: p.testAnd()}
	}
	return x
}

func (p *Parser) testAnd() TestExpr {
	x := p.testNot()
	for p.err == nil && p.peek().isOp("&&") {
		p.next()
		x = &TestAndOr{Op: "&&", X: x, Y: p.testNot()}
	}
	return x
}

func (p *Parser) testNot() TestExpr {
	if p.peek().keyword() == "!" {
		p.next()
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > maxDepth {
			p.fail("nesting too deep")
			return nil
		}
		return &TestNot{X: p.testNot()}
	}
	return p.testPrimary()
}

var testUnaryOps = map[string]bool{
	"-e": true, "-f": true, "-d": true, "-s": true, "-r": true, "-w": true,
	"-x": true, "-L": true, "-h": true, "-z": true, "-n": true, "-b": true,
	"-c": true, "-p": true, "-S": true, "-g": true, "-u": true, "-k": true,
	"-t": true, "-a": true, "-o": true, "-O": true, "-G": true,
}

var testBinaryOps = map[string]bool{
	"=": true, "==": true, "!=": true, "=~": true, "-eq": true, "-ne": true,
	"-lt": true, "-le": true, "-gt": true, "-ge": true, "-nt": true,
	"-ot": true, "-ef": true,
}

func (p *Parser) testPrimary() TestExpr {
	t := p.next()
	if t.isOp("(") {
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > maxDepth {
			p.fail("nesting too deep")
			return nil
		}
		e := p.testOr()
		if t := p.next(); p.err == nil && !t.isOp(")") {
			p.unexpected(t, ")")
		}
		return e
	}
	if t.kind != tWord || t.keyword() == "]]" {
		p.unexpected(t, "")
		return nil
	}
	if op := t.keyword(); testUnaryOps[op] {
		if n := p.peek(); n.kind == tWord && n.keyword() != "]]" {
			return &TestUnary{Op: op, X: p.next().word}
		}
	}
	n := p.peek()
	op := n.keyword()
	if n.isOp("<") || n.isOp(">") {
		op = n.op
	}
	if !testBinaryOps[op] && op != "<" && op != ">" {
		return &TestWord{X: t.word}
	}
	p.next()
	y := p.next()
	if y.kind != tWord {
		p.unexpected(y, "")
		return nil
	}
	return &TestBinary{Op: op, X: t.word, Y: y.word}
}
