package bc

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// Options configure Run.
type Options struct {
	// MathLib loads the math library and sets scale to 20, as bc -l.
	MathLib bool
	// LineLength is where output lines break (BC_LINE_LENGTH); 0 means
	// GNU bc's default of 70, a negative value never breaks.
	LineLength int
	// Interrupt, when set, is called in every loop and long computation;
	// a non-nil error stops the program with that error.
	Interrupt func() error
}

// Run runs a bc program, writing results to stdout and diagnostics to
// stderr as GNU bc does. Like bc, it reports syntax and runtime errors and
// carries on with the next line; the error it returns is only the
// Interrupt's, or a failure to write.
func Run(src string, stdout, stderr io.Writer, opts Options) error {
	c := newCalculator(stdout, stderr, opts)
	toks, err := lex(src)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return nil
	}
	p := &parser{toks: toks}
	for p.peek().kind != tEOF {
		stmts, err := p.line()
		if err != nil {
			fmt.Fprintln(stderr, err)
			p.skipLine()
			continue
		}
		if p.quit {
			break
		}
		if err := c.runLine(stmts); err != nil {
			if errors.Is(err, errHalt) {
				break
			}
			return err
		}
	}
	return c.out.err
}

type calculator struct {
	opts         Options
	stderr       io.Writer
	out          *lineWriter
	scale        int
	ibase, obase int
	last         number
	vars         map[string][]number // a stack per name: bc's autos scope dynamically
	funcs        map[string]*function
	fnName       string // for error messages
	depth        int
}

func newCalculator(stdout, stderr io.Writer, opts Options) *calculator {
	ll := opts.LineLength
	switch {
	case ll == 0:
		ll = 70
	case ll < 0:
		ll = 0
	}
	c := &calculator{
		opts: opts, stderr: stderr, out: &lineWriter{w: stdout, lineLength: ll},
		ibase: 10, obase: 10, last: zeroNum,
		vars: map[string][]number{}, funcs: map[string]*function{}, fnName: "(main)",
	}
	if opts.MathLib {
		c.scale = 20
	}
	return c
}

// Control flow travels as errors.
var (
	errBreak    = errors.New("break")
	errContinue = errors.New("continue")
	errHalt     = errors.New("halt")
)

type returnValue struct{ n number }

func (returnValue) Error() string { return "return" }

// runtimeError is reported on stderr and ends the current line.
type runtimeError struct{ msg string }

func (e *runtimeError) Error() string { return e.msg }

func (c *calculator) fail(msg string) error { return &runtimeError{msg: msg} }

// runLine runs one line's statements; a runtime error skips the rest.
func (c *calculator) runLine(stmts []stmt) error {
	for _, s := range stmts {
		err := c.exec(s)
		var rt *runtimeError
		switch {
		case err == nil:
		case errors.As(err, &rt):
			fmt.Fprintf(c.stderr, "Runtime error (func=%s, adr=0): %s\n", c.fnName, rt.msg)
			c.fnName = "(main)"
			return nil
		case errors.Is(err, errBreak), errors.Is(err, errContinue):
		default:
			var rv returnValue
			if errors.As(err, &rv) {
				continue
			}
			return err
		}
	}
	return nil
}

func (c *calculator) interrupted() error {
	if c.opts.Interrupt != nil {
		return c.opts.Interrupt()
	}
	return nil
}

func (c *calculator) exec(s stmt) error {
	switch s := s.(type) {
	case *exprStmt:
		v, err := c.eval(s.x)
		if err != nil {
			return err
		}
		if _, isAssign := s.x.(*assign); !isAssign {
			c.last = v
			c.out.WriteString(v.format(c.obase) + "\n")
		}
	case *strStmt:
		c.out.WriteString(s.s)
	case *printStmt:
		return c.print(s)
	case *blockStmt:
		for _, x := range s.stmts {
			if err := c.exec(x); err != nil {
				return err
			}
		}
	case *ifStmt:
		v, err := c.eval(s.cond)
		switch {
		case err != nil:
			return err
		case !v.isZero():
			return c.exec(s.then)
		case s.els != nil:
			return c.exec(s.els)
		}
	case *whileStmt:
		return c.loop(nil, s.cond, nil, s.body)
	case *forStmt:
		return c.loop(s.init, s.cond, s.post, s.body)
	case *breakStmt:
		return errBreak
	case *continueStmt:
		return errContinue
	case *haltStmt:
		return errHalt
	case *returnStmt:
		v := zeroNum
		if s.x != nil {
			var err error
			if v, err = c.eval(s.x); err != nil {
				return err
			}
		}
		return returnValue{v}
	case *defineStmt:
		c.funcs[s.fn.name] = s.fn
	}
	return nil
}

func (c *calculator) loop(init, cond, post expr, body stmt) error {
	if init != nil {
		if _, err := c.eval(init); err != nil {
			return err
		}
	}
	for {
		if err := c.interrupted(); err != nil {
			return err
		}
		if cond != nil {
			v, err := c.eval(cond)
			if err != nil {
				return err
			}
			if v.isZero() {
				return nil
			}
		}
		err := c.exec(body)
		switch {
		case errors.Is(err, errBreak):
			return nil
		case err != nil && !errors.Is(err, errContinue):
			return err
		}
		if post != nil {
			if _, err := c.eval(post); err != nil {
				return err
			}
		}
	}
}

var printEscapes = strings.NewReplacer(`\a`, "\a", `\b`, "\b", `\f`, "\f", `\n`, "\n",
	`\r`, "\r", `\q`, `"`, `\t`, "\t", `\e`, `\`, `\\`, `\`)

func (c *calculator) print(s *printStmt) error {
	for _, item := range s.items {
		if str, ok := item.(string); ok {
			c.out.WriteString(printEscapes.Replace(str))
			continue
		}
		v, err := c.eval(item)
		if err != nil {
			return err
		}
		c.last = v
		c.out.WriteString(v.format(c.obase))
	}
	return nil
}
