package shell

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// cmdExpr evaluates expr's expressions: | & < <= = == != >= > + - * / %
// : (anchored regular expression match), match, substr, index, length and
// parentheses. It exits 0 if the result is neither empty nor 0, 1 if it
// is, 2 on an invalid expression.
func cmdExpr(_ context.Context, inv *Invocation) int {
	if len(inv.Args) < 2 {
		inv.Errorf("too few arguments")
		return 2
	}
	e := &exprParser{args: inv.Args[1:]}
	v, err := e.or()
	if err == nil && e.pos < len(e.args) {
		err = errExprSyntax
	}
	if err != nil {
		inv.Errorf("%v", err)
		return 2
	}
	writeOut(inv, v+"\n")
	if v == "" || v == "0" || v == "-0" {
		return 1
	}
	return 0
}

var (
	errExprSyntax  = errors.New("syntax error")
	errExprNumeric = errors.New("non-numeric argument")
	errExprDivZero = errors.New("division by zero")
)

type exprParser struct {
	args []string
	pos  int
}

func (e *exprParser) accept(ops ...string) (string, bool) {
	if e.pos >= len(e.args) {
		return "", false
	}
	for _, op := range ops {
		if e.args[e.pos] == op {
			e.pos++
			return op, true
		}
	}
	return "", false
}

func isNull(v string) bool { return v == "" || v == "0" }

func (e *exprParser) or() (string, error) {
	x, err := e.and()
	for err == nil {
		if _, ok := e.accept("|"); !ok {
			break
		}
		var y string
		if y, err = e.and(); err == nil && isNull(x) {
			x = y
			if isNull(y) {
				x = "0"
			}
		}
	}
	return x, err
}

func (e *exprParser) and() (string, error) {
	x, err := e.compare()
	for err == nil {
		if _, ok := e.accept("&"); !ok {
			break
		}
		var y string
		if y, err = e.compare(); err == nil && (isNull(x) || isNull(y)) {
			x = "0"
		}
	}
	return x, err
}

func (e *exprParser) compare() (string, error) {
	x, err := e.sum()
	for err == nil {
		op, ok := e.accept("<", "<=", "=", "==", "!=", ">=", ">")
		if !ok {
			break
		}
		var y string
		if y, err = e.sum(); err != nil {
			break
		}
		c := strings.Compare(x, y)
		a, errA := strconv.ParseInt(x, 10, 64)
		b, errB := strconv.ParseInt(y, 10, 64)
		if errA == nil && errB == nil {
			c = map[bool]int{true: -1, false: 0}[a < b] + map[bool]int{true: 1, false: 0}[a > b]
		}
		ok = map[string]bool{"<": c < 0, "<=": c <= 0, "=": c == 0, "==": c == 0, "!=": c != 0, ">=": c >= 0, ">": c > 0}[op]
		x = map[bool]string{true: "1", false: "0"}[ok]
	}
	return x, err
}

func (e *exprParser) arithmetic(next func() (string, error), ops ...string) (string, error) {
	x, err := next()
	for err == nil {
		op, ok := e.accept(ops...)
		if !ok {
			break
		}
		var y string
		if y, err = next(); err != nil {
			break
		}
		a, errA := strconv.ParseInt(x, 10, 64)
		b, errB := strconv.ParseInt(y, 10, 64)
		if errA != nil || errB != nil {
			return "", errExprNumeric
		}
		var v int64
		switch op {
		case "+":
			v = a + b
		case "-":
			v = a - b
		case "*":
			v = a * b
		case "/", "%":
			if b == 0 {
				return "", errExprDivZero
			}
			if op == "/" {
				v = a / b
			} else {
				v = a % b
			}
		}
		x = strconv.FormatInt(v, 10)
	}
	return x, err
}

func (e *exprParser) sum() (string, error) { return e.arithmetic(e.product, "+", "-") }

func (e *exprParser) product() (string, error) { return e.arithmetic(e.match, "*", "/", "%") }

func (e *exprParser) match() (string, error) {
	x, err := e.primary()
	for err == nil {
		if _, ok := e.accept(":"); !ok {
			break
		}
		var y string
		if y, err = e.primary(); err == nil {
			x, err = exprMatch(x, y)
		}
	}
	return x, err
}

// exprMatch matches re against the start of s: the first group's text if
// the expression has one, else the length of the match.
func exprMatch(s, re string) (string, error) {
	translated, err := translateRegex(re, false)
	if err != nil {
		return "", err
	}
	r, err := regexp.Compile("^(?:" + translated + ")")
	if err != nil {
		return "", err
	}
	m := r.FindStringSubmatchIndex(s)
	if r.NumSubexp() > 0 {
		if m == nil || m[2] < 0 {
			return "", nil
		}
		return s[m[2]:m[3]], nil
	}
	if m == nil {
		return "0", nil
	}
	return strconv.Itoa(utf8.RuneCountInString(s[:m[1]])), nil
}

func (e *exprParser) primary() (string, error) {
	if e.pos >= len(e.args) {
		return "", errExprSyntax
	}
	a := e.args[e.pos]
	e.pos++
	next := func() (string, error) {
		if e.pos >= len(e.args) {
			return "", errExprSyntax
		}
		e.pos++
		return e.args[e.pos-1], nil
	}
	switch a {
	case "(":
		v, err := e.or()
		if err != nil {
			return "", err
		}
		if _, ok := e.accept(")"); !ok {
			return "", errExprSyntax
		}
		return v, nil
	case "length":
		s, err := next()
		return strconv.Itoa(utf8.RuneCountInString(s)), err
	case "match":
		s, err := next()
		if err != nil {
			return "", err
		}
		re, err := next()
		if err != nil {
			return "", err
		}
		return exprMatch(s, re)
	case "index":
		s, err := next()
		if err != nil {
			return "", err
		}
		chars, err := next()
		return strconv.Itoa(strings.IndexAny(s, chars) + 1), err
	case "substr":
		s, err := next()
		if err != nil {
			return "", err
		}
		pos, err1 := next()
		n, err2 := next()
		if err1 != nil || err2 != nil {
			return "", errExprSyntax
		}
		p, errP := strconv.Atoi(pos)
		l, errL := strconv.Atoi(n)
		if errP != nil || errL != nil {
			return "", errExprNumeric
		}
		rs := []rune(s)
		if p < 1 || p > len(rs) || l < 1 {
			return "", nil
		}
		return string(rs[p-1 : min(p-1+l, len(rs))]), nil
	case "quote", "+":
		return next()
	}
	return a, nil
}
