package bc

// Expression precedence, lowest first, as in GNU bc: || && ! relational
// assignment + - * / % ^ unary-minus ++/--. Assignment binds tighter than
// comparison, so x = 3 < 5 is (x = 3) < 5.

func (p *parser) expr() (expr, error) { return p.orExpr() }

func (p *parser) orExpr() (expr, error) {
	x, err := p.andExpr()
	for err == nil && p.isOp("||") {
		p.next()
		var y expr
		if y, err = p.andExpr(); err == nil {
			x = &binary{op: "||", x: x, y: y}
		}
	}
	return x, err
}

func (p *parser) andExpr() (expr, error) {
	x, err := p.notExpr()
	for err == nil && p.isOp("&&") {
		p.next()
		var y expr
		if y, err = p.notExpr(); err == nil {
			x = &binary{op: "&&", x: x, y: y}
		}
	}
	return x, err
}

func (p *parser) notExpr() (expr, error) {
	if p.isOp("!") {
		p.next()
		x, err := p.notExpr()
		return &unary{op: "!", x: x}, err
	}
	return p.relExpr()
}

var relOps = map[string]bool{"<": true, ">": true, "<=": true, ">=": true, "==": true, "!=": true}

func (p *parser) relExpr() (expr, error) {
	x, err := p.assignExpr()
	for err == nil && p.peek().kind == tOp && relOps[p.peek().text] {
		op := p.next().text
		var y expr
		if y, err = p.assignExpr(); err == nil {
			x = &binary{op: op, x: x, y: y}
		}
	}
	return x, err
}

var assignOps = map[string]bool{"=": true, "+=": true, "-=": true, "*=": true, "/=": true, "%=": true, "^=": true}

func (p *parser) assignExpr() (expr, error) {
	x, err := p.addExpr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind == tOp && assignOps[t.text] {
		v, ok := x.(*varRef)
		if !ok {
			return nil, p.fail()
		}
		p.next()
		y, err := p.assignExpr()
		if err != nil {
			return nil, err
		}
		return &assign{op: t.text, name: v.name, x: y}, nil
	}
	return x, nil
}

func (p *parser) addExpr() (expr, error) {
	x, err := p.mulExpr()
	for err == nil && (p.isOp("+") || p.isOp("-")) {
		op := p.next().text
		var y expr
		if y, err = p.mulExpr(); err == nil {
			x = &binary{op: op, x: x, y: y}
		}
	}
	return x, err
}

func (p *parser) mulExpr() (expr, error) {
	x, err := p.powExpr()
	for err == nil && (p.isOp("*") || p.isOp("/") || p.isOp("%")) {
		op := p.next().text
		var y expr
		if y, err = p.powExpr(); err == nil {
			x = &binary{op: op, x: x, y: y}
		}
	}
	return x, err
}

// powExpr is right-associative: 2^3^2 is 2^9.
func (p *parser) powExpr() (expr, error) {
	x, err := p.unaryExpr()
	if err != nil || !p.isOp("^") {
		return x, err
	}
	p.next()
	y, err := p.powExpr()
	return &binary{op: "^", x: x, y: y}, err
}

func (p *parser) unaryExpr() (expr, error) {
	if p.isOp("-") {
		p.next()
		x, err := p.unaryExpr()
		return &unary{op: "-", x: x}, err
	}
	return p.incExpr()
}

func (p *parser) incExpr() (expr, error) {
	if p.isOp("++") || p.isOp("--") {
		delta := map[string]int64{"++": 1, "--": -1}[p.next().text]
		t := p.next()
		if t.kind != tName && !(t.kind == tOp && t.text == ".") {
			return nil, p.fail()
		}
		return &incDec{name: varName(t), delta: delta, pre: true}, nil
	}
	x, err := p.primary()
	if err != nil {
		return nil, err
	}
	if v, ok := x.(*varRef); ok && (p.isOp("++") || p.isOp("--")) {
		delta := map[string]int64{"++": 1, "--": -1}[p.next().text]
		return &incDec{name: v.name, delta: delta}, nil
	}
	return x, nil
}

func varName(t token) string {
	if t.text == "." {
		return "last"
	}
	return t.text
}

func (p *parser) primary() (expr, error) {
	t := p.next()
	switch {
	case t.kind == tNum:
		return &numLit{text: t.text}, nil
	case t.kind == tOp && t.text == ".":
		return &varRef{name: "last"}, nil
	case t.kind == tOp && t.text == "(":
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		return &paren{x: x}, p.expectOp(")")
	case t.kind == tName && p.isOp("("):
		return p.callArgs(t.text)
	case t.kind == tName && !keywords[t.text]:
		return &varRef{name: t.text}, nil
	}
	return nil, &syntaxError{line: t.line}
}

var keywords = map[string]bool{
	"if": true, "else": true, "while": true, "for": true, "break": true,
	"continue": true, "return": true, "define": true, "auto": true,
	"quit": true, "halt": true, "print": true,
}

func (p *parser) callArgs(name string) (expr, error) {
	p.next() // (
	c := &call{name: name}
	for !p.isOp(")") {
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		c.args = append(c.args, x)
		if !p.isOp(",") {
			break
		}
		p.next()
	}
	return c, p.expectOp(")")
}
