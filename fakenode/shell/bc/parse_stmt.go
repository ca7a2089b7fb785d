package bc

// statement parses one statement; nil means an empty one.
func (p *parser) statement() (stmt, error) {
	t := p.peek()
	switch t.kind {
	case tStr:
		p.next()
		return &strStmt{s: t.text}, nil
	case tOp:
		if t.text == "{" {
			return p.block()
		}
	case tName:
		switch t.text {
		case "quit":
			p.next()
			p.quit = true
			return nil, nil
		case "halt":
			p.next()
			return &haltStmt{}, nil
		case "break":
			p.next()
			return &breakStmt{}, nil
		case "continue":
			p.next()
			return &continueStmt{}, nil
		case "if":
			return p.ifStatement()
		case "while":
			return p.whileStatement()
		case "for":
			return p.forStatement()
		case "print":
			return p.printStatement()
		case "return":
			return p.returnStatement()
		case "define":
			return p.define()
		}
	}
	x, err := p.expr()
	if err != nil {
		return nil, err
	}
	return &exprStmt{x: x}, nil
}

func (p *parser) block() (stmt, error) {
	p.next() // {
	stmts, err := p.blockRest()
	if err != nil {
		return nil, err
	}
	return &blockStmt{stmts: stmts}, nil
}

// blockRest parses statements up to and including the closing "}".
func (p *parser) blockRest() ([]stmt, error) {
	var stmts []stmt
	for {
		t := p.peek()
		switch {
		case t.kind == tEOF:
			return nil, p.fail()
		case t.kind == tNewline || t.kind == tOp && t.text == ";":
			p.next()
			continue
		case t.kind == tOp && t.text == "}":
			p.next()
			return stmts, nil
		}
		s, err := p.statement()
		if err != nil || p.quit {
			return nil, err
		}
		if s != nil {
			stmts = append(stmts, s)
		}
	}
}

// cond parses "( expr )" and the newlines after it.
func (p *parser) cond() (expr, error) {
	if err := p.expectOp("("); err != nil {
		return nil, err
	}
	x, err := p.expr()
	if err != nil {
		return nil, err
	}
	if err := p.expectOp(")"); err != nil {
		return nil, err
	}
	p.skipNewlines()
	return x, nil
}

func (p *parser) ifStatement() (stmt, error) {
	p.next()
	c, err := p.cond()
	if err != nil {
		return nil, err
	}
	s := &ifStmt{cond: c}
	if s.then, err = p.statement(); err != nil {
		return nil, err
	}
	// "else" may follow on the next line (a GNU extension).
	save := p.pos
	p.skipNewlines()
	if t := p.peek(); t.kind == tName && t.text == "else" {
		p.next()
		p.skipNewlines()
		if s.els, err = p.statement(); err != nil {
			return nil, err
		}
	} else {
		p.pos = save
	}
	return s, nil
}

func (p *parser) whileStatement() (stmt, error) {
	p.next()
	c, err := p.cond()
	if err != nil {
		return nil, err
	}
	body, err := p.statement()
	if err != nil {
		return nil, err
	}
	return &whileStmt{cond: c, body: body}, nil
}

func (p *parser) forStatement() (stmt, error) {
	p.next()
	if err := p.expectOp("("); err != nil {
		return nil, err
	}
	s := &forStmt{}
	parts := []*expr{&s.init, &s.cond, &s.post}
	for i, part := range parts {
		end := ";"
		if i == 2 {
			end = ")"
		}
		if !p.isOp(end) {
			x, err := p.expr()
			if err != nil {
				return nil, err
			}
			*part = x
		}
		if err := p.expectOp(end); err != nil {
			return nil, err
		}
	}
	p.skipNewlines()
	body, err := p.statement()
	if err != nil {
		return nil, err
	}
	s.body = body
	return s, nil
}

func (p *parser) printStatement() (stmt, error) {
	p.next()
	s := &printStmt{}
	for {
		if t := p.peek(); t.kind == tStr {
			p.next()
			s.items = append(s.items, t.text)
		} else {
			x, err := p.expr()
			if err != nil {
				return nil, err
			}
			s.items = append(s.items, x)
		}
		if !p.isOp(",") {
			return s, nil
		}
		p.next()
	}
}

func (p *parser) returnStatement() (stmt, error) {
	p.next()
	t := p.peek()
	if t.kind == tNewline || t.kind == tEOF || t.kind == tOp && (t.text == ";" || t.text == "}") {
		return &returnStmt{}, nil
	}
	x, err := p.expr()
	if err != nil {
		return nil, err
	}
	return &returnStmt{x: x}, nil
}

// define parses define name(params) { auto names; statements }.
func (p *parser) define() (stmt, error) {
	p.next()
	name := p.next()
	if name.kind != tName {
		return nil, p.fail()
	}
	fn := &function{name: name.text}
	if err := p.expectOp("("); err != nil {
		return nil, err
	}
	for !p.isOp(")") {
		t := p.next()
		if t.kind != tName {
			return nil, p.fail()
		}
		fn.params = append(fn.params, t.text)
		if p.isOp(",") {
			p.next()
		}
	}
	p.next()
	p.skipNewlines()
	if !p.isOp("{") {
		return nil, p.fail()
	}
	p.next()
	p.skipNewlines()
	if t := p.peek(); t.kind == tName && t.text == "auto" {
		p.next()
		for {
			t := p.next()
			if t.kind != tName {
				return nil, p.fail()
			}
			fn.autos = append(fn.autos, t.text)
			if !p.isOp(",") {
				break
			}
			p.next()
		}
	}
	body, err := p.blockRest()
	if err != nil {
		return nil, err
	}
	fn.body = body
	return &defineStmt{fn: fn}, nil
}
