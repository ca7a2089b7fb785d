package shell

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"strings"

	"github.com/kubesim/kubesim/fakenode/shell/syntax"
)

// testError is a test usage error: status 2 and ash's message.
type testError struct{ msg string }

func (e *testError) Error() string { return e.msg }

// cmdTest is test, [ and [[ run as commands.
func cmdTest(_ context.Context, inv *Invocation) int {
	args := inv.Args[1:]
	switch inv.Args[0] {
	case "[", "[[":
		end := "]"
		if inv.Args[0] == "[[" {
			end = "]]"
		}
		if len(args) == 0 || args[len(args)-1] != end {
			fmt.Fprintf(inv.Stderr, "%s: missing %s\n", inv.i.name, end)
			return 2
		}
		args = args[:len(args)-1]
	}
	t := &testParser{args: args, inv: inv}
	ok, err := t.evaluate()
	if err != nil {
		fmt.Fprintf(inv.Stderr, "%s: %s\n", inv.i.name, err.Error())
		return 2
	}
	return boolStatus(ok)
}

// testParser evaluates test's arguments: POSIX's rules by argument count
// for up to four, then precedence (! over -a over -o) with parentheses.
type testParser struct {
	args []string
	pos  int
	inv  *Invocation
}

func (t *testParser) evaluate() (bool, error) {
	switch len(t.args) {
	case 0:
		return false, nil
	case 1:
		return t.args[0] != "", nil
	case 2:
		if t.args[0] == "!" {
			return t.args[1] == "", nil
		}
		if isUnaryTest(t.args[0]) {
			return t.unary(t.args[0], t.args[1])
		}
		return false, &testError{t.args[0] + ": unknown operand"}
	case 3:
		if isBinaryTest(t.args[1]) {
			return t.binary(t.args[0], t.args[1], t.args[2])
		}
		if t.args[0] == "!" {
			sub := &testParser{args: t.args[1:], inv: t.inv}
			ok, err := sub.evaluate()
			return !ok, err
		}
		if t.args[0] == "(" && t.args[2] == ")" {
			return t.args[1] != "", nil
		}
	case 4:
		if t.args[0] == "!" {
			sub := &testParser{args: t.args[1:], inv: t.inv}
			ok, err := sub.evaluate()
			return !ok, err
		}
	}
	ok, err := t.or()
	if err == nil && t.pos < len(t.args) {
		err = &testError{t.args[t.pos] + ": unknown operand"}
	}
	return ok, err
}

func (t *testParser) peek() (string, bool) {
	if t.pos < len(t.args) {
		return t.args[t.pos], true
	}
	return "", false
}

func (t *testParser) or() (bool, error) {
	x, err := t.and()
	for err == nil {
		if a, ok := t.peek(); !ok || a != "-o" {
			break
		}
		t.pos++
		var y bool
		y, err = t.and()
		x = x || y
	}
	return x, err
}

func (t *testParser) and() (bool, error) {
	x, err := t.not()
	for err == nil {
		if a, ok := t.peek(); !ok || a != "-a" {
			break
		}
		t.pos++
		var y bool
		y, err = t.not()
		x = x && y
	}
	return x, err
}

func (t *testParser) not() (bool, error) {
	if a, ok := t.peek(); ok && a == "!" {
		t.pos++
		x, err := t.not()
		return !x, err
	}
	return t.primary()
}

func (t *testParser) primary() (bool, error) {
	a, ok := t.peek()
	if !ok {
		return false, &testError{"argument expected"}
	}
	t.pos++
	if a == "(" {
		x, err := t.or()
		if err != nil {
			return false, err
		}
		if c, ok := t.peek(); !ok || c != ")" {
			return false, &testError{"')' expected"}
		}
		t.pos++
		return x, nil
	}
	if isUnaryTest(a) && t.pos < len(t.args) {
		t.pos++
		return t.unary(a, t.args[t.pos-1])
	}
	if op, ok := t.peek(); ok && isBinaryTest(op) && t.pos+1 < len(t.args) {
		t.pos += 2
		return t.binary(a, op, t.args[t.pos-1])
	}
	return a != "", nil
}

func isUnaryTest(op string) bool {
	return len(op) == 2 && op[0] == '-' && strings.IndexByte("bcdefghkLnOprsStuwxzG", op[1]) >= 0
}

func isBinaryTest(op string) bool {
	switch op {
	case "=", "==", "!=", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef":
		return true
	}
	return false
}

func (t *testParser) unary(op, arg string) (bool, error) {
	return unaryTest(t.inv.i, op, arg), nil
}

func (t *testParser) binary(x, op, y string) (bool, error) {
	return binaryTest(t.inv.i, x, op, y, false)
}

// unaryTest is test's -X operators. Everything runs as root, so -r and -w
// only ask whether the file exists, and -x whether any x bit is set.
func unaryTest(i *interp, op, arg string) bool {
	switch op {
	case "-z":
		return arg == ""
	case "-n":
		return arg != ""
	case "-t":
		return false
	case "-L", "-h":
		fi, err := i.c.FS.Lstat(i.abs(arg))
		return err == nil && fi.Mode()&fs.ModeSymlink != 0
	}
	fi, err := i.c.FS.Stat(i.abs(arg))
	if err != nil {
		return false
	}
	m := fi.Mode()
	switch op {
	case "-e", "-r", "-w", "-O", "-G":
		return true
	case "-f":
		return m.IsRegular()
	case "-d":
		return m.IsDir()
	case "-s":
		return fi.Size() > 0 && !m.IsDir() || m.IsDir()
	case "-x":
		return m&0o111 != 0
	case "-c":
		return m&fs.ModeCharDevice != 0
	case "-b":
		return m&fs.ModeDevice != 0 && m&fs.ModeCharDevice == 0
	case "-p":
		return m&fs.ModeNamedPipe != 0
	case "-S":
		return m&fs.ModeSocket != 0
	case "-g":
		return m&fs.ModeSetgid != 0
	case "-u":
		return m&fs.ModeSetuid != 0
	case "-k":
		return m&fs.ModeSticky != 0
	}
	return false
}

// binaryTest is test's binary operators; with patterns (in [[ ]]), = and
// != match y as a pattern.
func binaryTest(i *interp, x, op, y string, patterns bool) (bool, error) {
	switch op {
	case "=", "==":
		if patterns {
			return matchPattern(y, x), nil
		}
		return x == y, nil
	case "!=":
		if patterns {
			return !matchPattern(y, x), nil
		}
		return x != y, nil
	case "<":
		return x < y, nil
	case ">":
		return x > y, nil
	case "-nt", "-ot":
		a, errA := i.c.FS.Stat(i.abs(x))
		b, errB := i.c.FS.Stat(i.abs(y))
		if op == "-nt" {
			return errA == nil && (errB != nil || a.ModTime().After(b.ModTime())), nil
		}
		return errB == nil && (errA != nil || a.ModTime().Before(b.ModTime())), nil
	case "-ef":
		return i.abs(x) == i.abs(y), nil
	}
	a, err := testNumber(x)
	if err != nil {
		return false, err
	}
	b, err := testNumber(y)
	if err != nil {
		return false, err
	}
	switch op {
	case "-eq":
		return a == b, nil
	case "-ne":
		return a != b, nil
	case "-lt":
		return a < b, nil
	case "-le":
		return a <= b, nil
	case "-gt":
		return a > b, nil
	case "-ge":
		return a >= b, nil
	}
	return false, &testError{op + ": unknown operand"}
}

func testNumber(s string) (int64, error) {
	v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, &testError{s + ": bad number"}
	}
	return v, nil
}

// runTestCmd runs [[ expr ]]: words are not split or globbed, == and !=
// match patterns, =~ matches an extended regular expression.
func (i *interp) runTestCmd(c *syntax.TestCmd) error {
	if err := i.step(); err != nil {
		return err
	}
	ok, err := i.evalTest(c.Expr)
	var te *testError
	switch {
	case errors.As(err, &te):
		i.errorf("%s", te.msg)
		i.status = 2
		return nil
	case err != nil:
		return err
	}
	i.status = boolStatus(ok)
	return nil
}

func (i *interp) evalTest(e syntax.TestExpr) (bool, error) {
	switch e := e.(type) {
	case *syntax.TestWord:
		s, err := i.expandString(e.X)
		return s != "", err
	case *syntax.TestNot:
		ok, err := i.evalTest(e.X)
		return !ok, err
	case *syntax.TestAndOr:
		x, err := i.evalTest(e.X)
		if err != nil || (e.Op == "&&") != x {
			return x, err
		}
		return i.evalTest(e.Y)
	case *syntax.TestUnary:
		s, err := i.expandString(e.X)
		if err != nil {
			return false, err
		}
		return unaryTest(i, e.Op, s), nil
	case *syntax.TestBinary:
		x, err := i.expandString(e.X)
		if err != nil {
			return false, err
		}
		if e.Op == "=~" {
			y, err := i.expandString(e.Y)
			if err != nil {
				return false, err
			}
			re, err := regexp.Compile(y)
			if err != nil {
				return false, &testError{y + ": invalid regular expression"}
			}
			return re.MatchString(x), nil
		}
		var y string
		if e.Op == "=" || e.Op == "==" || e.Op == "!=" {
			y, err = i.expandPattern(e.Y)
		} else {
			y, err = i.expandString(e.Y)
		}
		if err != nil {
			return false, err
		}
		return binaryTest(i, x, e.Op, y, true)
	}
	return false, nil
}
