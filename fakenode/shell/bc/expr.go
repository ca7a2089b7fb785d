package bc

import "fmt"

func (c *calculator) eval(x expr) (number, error) {
	switch x := x.(type) {
	case *numLit:
		if len(x.text) == 1 {
			// A one-digit number keeps its value whatever ibase is.
			return intNum(int64(digitValue(x.text[0], 16))), nil
		}
		return parseNumber(x.text, c.ibase), nil
	case *varRef:
		return c.get(x.name), nil
	case *paren:
		return c.eval(x.x)
	case *unary:
		v, err := c.eval(x.x)
		if err != nil {
			return number{}, err
		}
		if x.op == "-" {
			return v.neg(), nil
		}
		return boolNum(v.isZero()), nil
	case *binary:
		return c.binary(x)
	case *assign:
		return c.assign(x)
	case *incDec:
		old := c.get(x.name)
		v := add(old, intNum(x.delta))
		if err := c.set(x.name, v); err != nil {
			return number{}, err
		}
		if x.pre {
			return v, nil
		}
		return old, nil
	case *call:
		return c.call(x)
	}
	return number{}, fmt.Errorf("bc: unknown expression %T", x)
}

func boolNum(b bool) number {
	if b {
		return oneNum
	}
	return zeroNum
}

func (c *calculator) binary(x *binary) (number, error) {
	a, err := c.eval(x.x)
	if err != nil {
		return number{}, err
	}
	switch x.op { // short-circuit, as GNU bc
	case "&&":
		if a.isZero() {
			return zeroNum, nil
		}
	case "||":
		if !a.isZero() {
			return oneNum, nil
		}
	}
	b, err := c.eval(x.y)
	if err != nil {
		return number{}, err
	}
	return c.arith(x.op, a, b)
}

func (c *calculator) arith(op string, a, b number) (number, error) {
	var (
		v   number
		err error
	)
	switch op {
	case "+":
		v = add(a, b)
	case "-":
		v = sub(a, b)
	case "*":
		v = mul(a, b, c.scale)
	case "/":
		v, err = div(a, b, c.scale)
	case "%":
		v, err = mod(a, b, c.scale)
	case "^":
		v, err = c.power(a, b)
	case "&&", "||":
		v = boolNum(!b.isZero())
	case "==", "!=", "<", "<=", ">", ">=":
		v = boolNum(compare(op, cmpNum(a, b)))
	}
	if err != nil {
		return number{}, c.fail(err.Error())
	}
	return v, nil
}

func compare(op string, r int) bool {
	switch op {
	case "==":
		return r == 0
	case "!=":
		return r != 0
	case "<":
		return r < 0
	case "<=":
		return r <= 0
	case ">":
		return r > 0
	}
	return r >= 0
}

func (c *calculator) power(a, b number) (number, error) {
	if b.scale != 0 {
		fmt.Fprintf(c.stderr, "Runtime warning (func=%s, adr=0): non-zero scale in exponent\n", c.fnName)
	}
	e, ok := b.toInt64()
	if !ok {
		return number{}, errTooLarge
	}
	return power(a, e, c.scale)
}

func (c *calculator) get(name string) number {
	switch name {
	case "scale":
		return intNum(int64(c.scale))
	case "ibase":
		return intNum(int64(c.ibase))
	case "obase":
		return intNum(int64(c.obase))
	case "last":
		return c.last
	}
	if s := c.vars[name]; len(s) > 0 {
		return s[len(s)-1]
	}
	return zeroNum
}

// maxScale bounds scale so that a typo cannot make the host compute for
// ever; GNU bc allows more, but a million digits is beyond any use here.
const maxScale = 1_000_000

func (c *calculator) set(name string, v number) error {
	switch name {
	case "scale", "ibase", "obase":
		i, ok := v.toInt64()
		switch {
		case !ok || i < 0 || name == "scale" && i > maxScale:
			return c.fail(name + " out of range")
		case name == "scale":
			c.scale = int(i)
		case name == "ibase":
			c.ibase = int(min(max(i, 2), 16))
		default:
			c.obase = int(min(max(i, 2), 999))
		}
		return nil
	case "last":
		c.last = v
		return nil
	}
	s := c.vars[name]
	if len(s) == 0 {
		c.vars[name] = []number{v}
	} else {
		s[len(s)-1] = v
	}
	return nil
}

func (c *calculator) assign(x *assign) (number, error) {
	v, err := c.eval(x.x)
	if err != nil {
		return number{}, err
	}
	if x.op != "=" {
		if v, err = c.arith(x.op[:1], c.get(x.name), v); err != nil {
			return number{}, err
		}
	}
	return v, c.set(x.name, v)
}

func (c *calculator) call(x *call) (number, error) {
	args := make([]number, len(x.args))
	for i, a := range x.args {
		v, err := c.eval(a)
		if err != nil {
			return number{}, err
		}
		args[i] = v
	}
	if fn, ok := c.funcs[x.name]; ok {
		return c.callUser(fn, args)
	}
	one := func() (number, error) {
		if len(args) != 1 {
			return number{}, c.fail("Parameter number mismatch")
		}
		return args[0], nil
	}
	a, err := one()
	if err != nil {
		return number{}, err
	}
	switch x.name {
	case "length":
		return intNum(int64(a.length())), nil
	case "scale":
		return intNum(int64(a.scale)), nil
	case "sqrt":
		v, err := sqrt(a, c.scale)
		if err != nil {
			return number{}, c.fail(err.Error())
		}
		return v, nil
	}
	if c.opts.MathLib {
		if f, ok := mathFuncs[x.name]; ok {
			return f(c, a, c.scale)
		}
	}
	return number{}, c.fail(fmt.Sprintf("Function %s not defined.", x.name))
}

// maxCallDepth bounds recursion in user functions.
const maxCallDepth = 10000

func (c *calculator) callUser(fn *function, args []number) (number, error) {
	if len(args) != len(fn.params) {
		return number{}, c.fail("Parameter number mismatch")
	}
	if c.depth >= maxCallDepth {
		return number{}, c.fail("Recursion too deep")
	}
	if err := c.interrupted(); err != nil {
		return number{}, err
	}
	c.depth++
	saved := c.fnName
	c.fnName = fn.name
	locals := append(append([]string(nil), fn.params...), fn.autos...)
	for i, name := range locals {
		v := zeroNum
		if i < len(args) {
			v = args[i]
		}
		c.vars[name] = append(c.vars[name], v)
	}
	defer func() {
		for _, name := range locals {
			c.vars[name] = c.vars[name][:len(c.vars[name])-1]
		}
		c.depth--
	}()
	for _, s := range fn.body {
		err := c.exec(s)
		if rv, ok := err.(returnValue); ok {
			c.fnName = saved
			return rv.n, nil
		}
		if err != nil && err != errBreak && err != errContinue {
			return number{}, err
		}
	}
	c.fnName = saved
	return zeroNum, nil
}
