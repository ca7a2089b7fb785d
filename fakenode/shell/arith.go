package shell

import (
	"errors"
	"strconv"
	"strings"

	"github.com/kubesim/kubesim/fakenode/shell/syntax"
)

// arith expands and evaluates $((...)).
func (i *interp) arith(a *syntax.ArithExp) (string, error) {
	v, err := i.arithWord(a.Expr)
	if err != nil {
		return "", err
	}
	return strconv.FormatInt(v, 10), nil
}

// arithWord expands w and evaluates it as arithmetic. Errors are fatal,
// as in a non-interactive ash.
func (i *interp) arithWord(w *syntax.Word) (int64, error) {
	src, err := i.expandString(w)
	if err != nil {
		return 0, err
	}
	v, err := i.evalArith(src)
	if err != nil {
		i.errorf("%v", err)
		return 0, exitErr{2}
	}
	return v, nil
}

func (i *interp) evalArith(src string) (int64, error) {
	a := &arithParser{src: src, i: i}
	v, err := a.comma()
	if err == nil {
		a.skipSpace()
		if a.pos < len(a.src) {
			err = errArithSyntax
		}
	}
	return v, err
}

var (
	errArithSyntax = errors.New("arithmetic syntax error")
	errDivZero     = errors.New("divide by zero")
)

// arithParser evaluates C-like integer arithmetic while parsing it. When
// skip is set (the untaken side of &&, || and ?:) it parses without
// effects.
type arithParser struct {
	src   string
	pos   int
	i     *interp
	skip  int
	depth int
}

func (a *arithParser) skipSpace() {
	for a.pos < len(a.src) && strings.IndexByte(" \t\n\r", a.src[a.pos]) >= 0 {
		a.pos++
	}
}

// accept consumes op if it comes next (and is not the start of a longer
// operator in notAfter).
func (a *arithParser) accept(op string, notAfter ...string) bool {
	a.skipSpace()
	if !strings.HasPrefix(a.src[a.pos:], op) {
		return false
	}
	for _, longer := range notAfter {
		if strings.HasPrefix(a.src[a.pos:], longer) {
			return false
		}
	}
	a.pos += len(op)
	return true
}

func (a *arithParser) comma() (int64, error) {
	v, err := a.assign()
	for err == nil && a.accept(",") {
		v, err = a.assign()
	}
	return v, err
}

var assignOps = []string{"<<=", ">>=", "+=", "-=", "*=", "/=", "%=", "&=", "^=", "|=", "="}

func (a *arithParser) assign() (int64, error) {
	a.skipSpace()
	start := a.pos
	if name := a.name(); name != "" {
		a.skipSpace()
		for _, op := range assignOps {
			if strings.HasPrefix(a.src[a.pos:], op) && !(op == "=" && strings.HasPrefix(a.src[a.pos:], "==")) {
				a.pos += len(op)
				rhs, err := a.assign()
				if err != nil {
					return 0, err
				}
				v := rhs
				if op != "=" {
					old, err := a.variable(name)
					if err != nil {
						return 0, err
					}
					if v, err = binaryOp(op[:len(op)-1], old, rhs); err != nil {
						return 0, err
					}
				}
				return v, a.store(name, v)
			}
		}
		a.pos = start
	}
	return a.ternary()
}

func (a *arithParser) ternary() (int64, error) {
	c, err := a.binary(0)
	if err != nil || !a.accept("?") {
		return c, err
	}
	if c == 0 {
		a.skip++
	}
	x, err := a.assign()
	if c == 0 {
		a.skip--
	}
	if err != nil {
		return 0, err
	}
	if !a.accept(":") {
		return 0, errArithSyntax
	}
	if c != 0 {
		a.skip++
	}
	y, err := a.ternary()
	if c != 0 {
		a.skip--
		return x, err
	}
	return y, err
}

// binaryLevels are the binary operators by precedence, lowest first; each
// lists operators it must not take a prefix of.
var binaryLevels = [][]struct {
	op       string
	notAfter []string
}{
	{{"||", nil}},
	{{"&&", nil}},
	{{"|", []string{"||", "|="}}},
	{{"^", []string{"^="}}},
	{{"&", []string{"&&", "&="}}},
	{{"==", nil}, {"!=", nil}},
	{{"<=", nil}, {">=", nil}, {"<", []string{"<<"}}, {">", []string{">>"}}},
	{{"<<", []string{"<<="}}, {">>", []string{">>="}}},
	{{"+", []string{"+=", "++"}}, {"-", []string{"-=", "--"}}},
	{{"*", []string{"*=", "**"}}, {"/", []string{"/="}}, {"%", []string{"%="}}},
	{{"**", nil}},
}

func (a *arithParser) binary(level int) (int64, error) {
	if level == len(binaryLevels) {
		return a.unary()
	}
	x, err := a.binary(level + 1)
	for err == nil {
		op := ""
		for _, o := range binaryLevels[level] {
			if a.accept(o.op, o.notAfter...) {
				op = o.op
				break
			}
		}
		if op == "" {
			return x, nil
		}
		short := op == "&&" && x == 0 || op == "||" && x != 0
		if short {
			a.skip++
		}
		var y int64
		if op == "**" {
			y, err = a.binary(level) // right-associative
		} else {
			y, err = a.binary(level + 1)
		}
		if short {
			a.skip--
		}
		if err != nil {
			return 0, err
		}
		if short {
			x = boolInt(op == "||") // && after 0 is 0, || after non-zero is 1
			continue
		}
		if a.skip > 0 {
			x = 0 // an untaken branch: no effects, no division errors
			continue
		}
		x, err = binaryOp(op, x, y)
	}
	return 0, err
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func binaryOp(op string, x, y int64) (int64, error) {
	switch op {
	case "||":
		return boolInt(x != 0 || y != 0), nil
	case "&&":
		return boolInt(x != 0 && y != 0), nil
	case "|":
		return x | y, nil
	case "^":
		return x ^ y, nil
	case "&":
		return x & y, nil
	case "==":
		return boolInt(x == y), nil
	case "!=":
		return boolInt(x != y), nil
	case "<":
		return boolInt(x < y), nil
	case "<=":
		return boolInt(x <= y), nil
	case ">":
		return boolInt(x > y), nil
	case ">=":
		return boolInt(x >= y), nil
	case "<<":
		return x << uint64(y&63), nil
	case ">>":
		return x >> uint64(y&63), nil
	case "+":
		return x + y, nil
	case "-":
		return x - y, nil
	case "*":
		return x * y, nil
	case "/", "%":
		if y == 0 {
			return 0, errDivZero
		}
		if op == "/" {
			return x / y, nil
		}
		return x % y, nil
	case "**":
		if y < 0 {
			return 0, errors.New("exponent less than 0")
		}
		r := int64(1)
		for ; y > 0; y-- {
			r *= x
		}
		return r, nil
	}
	return 0, errArithSyntax
}

func (a *arithParser) unary() (int64, error) {
	a.depth++
	defer func() { a.depth-- }()
	if a.depth > 200 {
		return 0, errArithSyntax
	}
	switch {
	case a.accept("++"), a.accept("--"):
		delta := int64(1)
		if a.src[a.pos-1] == '-' {
			delta = -1
		}
		a.skipSpace()
		name := a.name()
		if name == "" {
			return 0, errArithSyntax
		}
		v, err := a.variable(name)
		if err != nil {
			return 0, err
		}
		return v + delta, a.store(name, v+delta)
	case a.accept("+"):
		return a.unary()
	case a.accept("-"):
		v, err := a.unary()
		return -v, err
	case a.accept("!"):
		v, err := a.unary()
		return boolInt(v == 0), err
	case a.accept("~"):
		v, err := a.unary()
		return ^v, err
	}
	return a.postfix()
}

func (a *arithParser) postfix() (int64, error) {
	a.skipSpace()
	if a.accept("(") {
		v, err := a.comma()
		if err != nil {
			return 0, err
		}
		if !a.accept(")") {
			return 0, errArithSyntax
		}
		return v, nil
	}
	if name := a.name(); name != "" {
		v, err := a.variable(name)
		if err != nil {
			return 0, err
		}
		switch {
		case a.accept("++"):
			return v, a.store(name, v+1)
		case a.accept("--"):
			return v, a.store(name, v-1)
		}
		return v, nil
	}
	return a.number()
}

func (a *arithParser) name() string {
	start := a.pos
	for a.pos < len(a.src) && (a.src[a.pos] == '_' || isAlpha(a.src[a.pos]) || a.pos > start && isDigit(a.src[a.pos])) {
		a.pos++
	}
	return a.src[start:a.pos]
}

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func (a *arithParser) number() (int64, error) {
	start := a.pos
	for a.pos < len(a.src) && (isDigit(a.src[a.pos]) || isAlpha(a.src[a.pos]) || a.src[a.pos] == '#' || a.src[a.pos] == '_') {
		a.pos++
	}
	if start == a.pos {
		return 0, errArithSyntax
	}
	return parseArithNumber(a.src[start:a.pos])
}

// parseArithNumber reads 42, 0x2a, 052 or base#digits.
func parseArithNumber(s string) (int64, error) {
	base := 10
	switch {
	case strings.Contains(s, "#"):
		b, digits, _ := strings.Cut(s, "#")
		n, err := strconv.Atoi(b)
		if err != nil || n < 2 || n > 64 {
			return 0, errArithSyntax
		}
		base, s = n, digits
		if base > 36 {
			return 0, errArithSyntax
		}
	case strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X"):
		base, s = 16, s[2:]
	case len(s) > 1 && s[0] == '0':
		base, s = 8, s[1:]
	}
	v, err := strconv.ParseInt(s, base, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			u, uerr := strconv.ParseUint(s, base, 64)
			if uerr == nil {
				return int64(u), nil
			}
		}
		return 0, errArithSyntax
	}
	return v, nil
}

// variable is a variable's numeric value: empty is 0, and a value that
// is not a number is evaluated as an expression, as ash does.
func (a *arithParser) variable(name string) (int64, error) {
	s, set := a.i.param(name)
	if !set && a.i.opts.nounset {
		return 0, errors.New(name + ": parameter not set")
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if v, err := parseArithNumber(strings.TrimPrefix(s, "-")); err == nil {
		if strings.HasPrefix(s, "-") {
			return -v, nil
		}
		return v, nil
	}
	if a.depth > 50 {
		return 0, errArithSyntax
	}
	sub := &arithParser{src: s, i: a.i, depth: a.depth + 10, skip: a.skip}
	v, err := sub.comma()
	if err == nil && sub.pos < len(sub.src) {
		err = errArithSyntax
	}
	return v, err
}

func (a *arithParser) store(name string, v int64) error {
	if a.skip > 0 {
		return nil
	}
	return a.i.setVar(name, strconv.FormatInt(v, 10))
}
