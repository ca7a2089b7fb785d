package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/kubesim/kubesim/fakenode/shell/syntax"
)

// Control flow that unwinds the interpreter travels as these errors.
type (
	exitErr     struct{ code int } // exit, or a fatal error of a non-interactive shell
	breakErr    struct{ n int }
	continueErr struct{ n int }
	returnErr   struct{ code int }
)

func (e exitErr) Error() string     { return "exit " + strconv.Itoa(e.code) }
func (e breakErr) Error() string    { return "break" }
func (e continueErr) Error() string { return "continue" }
func (e returnErr) Error() string   { return "return" }

// shellOpts are the options of set.
type shellOpts struct {
	errexit, xtrace, nounset, pipefail, noglob, allexport bool
}

// interp is one shell: the top shell of a process, a subshell, or a shell
// started with sh. A subshell shares its parent's goroutine (and proc) but
// not its variables.
type interp struct {
	ctx   context.Context
	c     *Container
	pr    *Process
	p     *proc
	owner bool // runs the traps of p; nested shells unwind to it instead

	vars   *varStore
	funcs  map[string]*syntax.FuncDecl
	arg0   string
	args   []string
	cwd    string
	opts   shellOpts
	status int
	lastBg int
	jobs   []*proc
	fds    map[int]*ofile
	traps  map[string]string // EXIT and signal names → command ("" ignores)

	name      string // what errors start with: "sh", or the script's path
	script    bool   // running a script file: errors give 1-based lines
	line      int
	loops     int // loops around the current command, for break/continue
	funcDepth int
	noErrexit int // >0 in conditions, where set -e does not apply
	exitTrap  bool

	substStatus int         // status of the last command substitution
	locals      []localSave // what local changed in the running function
}

func newInterp(ctx context.Context, pr *Process, p *proc, spec Spec) *interp {
	i := &interp{
		ctx: ctx, c: pr.c, pr: pr, p: p,
		vars: newVarStore(), funcs: map[string]*syntax.FuncDecl{},
		arg0: "sh", name: "sh", cwd: pr.c.workDir(spec.Dir),
		traps: map[string]string{},
	}
	for _, list := range [][]string{pr.c.Env, spec.Env} {
		for _, kv := range list {
			if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
				i.vars.set(k, v)
				i.vars.attr(k).exported = true
			}
		}
	}
	var stdin io.Reader = emptyReader{}
	if spec.Stdin != nil {
		stdin = spec.Stdin
	}
	i.fds = map[int]*ofile{0: {r: stdin}, 1: {w: pr.stdout}, 2: {w: pr.stderr}}
	return i
}

// clone returns a subshell of i: a copy of its state, sharing nothing
// that it could change.
func (i *interp) clone() *interp {
	sub := *i
	sub.owner = false
	sub.vars = i.vars.clone()
	sub.funcs = make(map[string]*syntax.FuncDecl, len(i.funcs))
	for k, v := range i.funcs {
		sub.funcs[k] = v
	}
	sub.args = append([]string(nil), i.args...)
	sub.jobs = nil
	sub.fds = i.copyFds()
	sub.traps = map[string]string{}
	for k, v := range i.traps {
		if v == "" { // ignored signals stay ignored in a subshell
			sub.traps[k] = v
		}
	}
	sub.exitTrap = false
	return &sub
}

func (i *interp) copyFds() map[int]*ofile {
	fds := make(map[int]*ofile, len(i.fds))
	for k, v := range i.fds {
		fds[k] = v
	}
	return fds
}

// newShell returns the interp of a new sh process run from i: exported
// variables only, no functions or traps, as a child process gets.
func (i *interp) newShell() *interp {
	sub := i.clone()
	sub.vars = newVarStore()
	for _, kv := range i.vars.environ() {
		k, v, _ := strings.Cut(kv, "=")
		sub.vars.set(k, v)
		sub.vars.attr(k).exported = true
	}
	sub.funcs = map[string]*syntax.FuncDecl{}
	sub.traps = map[string]string{}
	sub.opts = shellOpts{}
	sub.loops, sub.funcDepth, sub.noErrexit = 0, 0, 0
	sub.status = 0
	sub.initShellVars()
	return sub
}

// initShellVars sets what ash sets at startup: SHLVL, PATH if unset, PWD.
func (i *interp) initShellVars() {
	lvl, _ := strconv.Atoi(i.getVar("SHLVL"))
	i.setExported("SHLVL", strconv.Itoa(lvl+1))
	if _, ok := i.vars.get("PATH"); !ok {
		i.setExported("PATH", "/sbin:/usr/sbin:/bin:/usr/bin")
	}
	i.setExported("PWD", i.cwd)
}

func (i *interp) setExported(name, value string) {
	i.vars.set(name, value)
	i.vars.attr(name).exported = true
}

func (i *interp) getVar(name string) string {
	v, _ := i.vars.get(name)
	return v
}

// setVar assigns a variable, failing on read-only ones as ash does.
func (i *interp) setVar(name, value string) error {
	if !i.vars.set(name, value) {
		i.errorf("%s: is read only", name)
		return exitErr{2}
	}
	if i.opts.allexport {
		i.vars.attr(name).exported = true
	}
	return nil
}

// errorf reports a shell error the way ash does: "sh: msg" for -c
// scripts, "script: line N: msg" for script files.
func (i *interp) errorf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if i.script {
		fmt.Fprintf(i.stderr(), "%s: line %d: %s\n", i.name, i.line, msg)
		return
	}
	fmt.Fprintf(i.stderr(), "%s: %s\n", i.name, msg)
}

// builtinErrorf reports an error of a shell builtin: "sh: cd: line 1: msg".
// ash counts the lines of a -c script from 0.
func (i *interp) builtinErrorf(cmd, format string, args ...any) {
	line := i.line
	if !i.script {
		line--
	}
	fmt.Fprintf(i.stderr(), "%s: %s: line %d: %s\n", i.name, cmd, line, fmt.Sprintf(format, args...))
}

func (i *interp) stdin() io.Reader {
	if r := i.fds[0].reader(i.p); r != nil {
		return r
	}
	return emptyReader{}
}

func (i *interp) stdout() io.Writer { return i.writerFor(1) }
func (i *interp) stderr() io.Writer { return i.writerFor(2) }

func (i *interp) writerFor(fd int) io.Writer {
	if w := i.fds[fd].writer(i.p); w != nil {
		return w
	}
	return io.Discard
}

// step is called before every command and loop turn: it stops a killed
// process, enforces the step limit and runs pending traps.
func (i *interp) step() error {
	if err := i.p.checkKilled(); err != nil {
		return err
	}
	if !i.pr.step() {
		i.pr.overBudget()
		return errKilled
	}
	return i.handleSignals()
}

// handleSignals runs the traps of pending signals, or, in a nested shell,
// unwinds to the shell that owns them.
func (i *interp) handleSignals() error {
	if !i.p.hasPending() {
		return nil
	}
	if !i.owner {
		return errInterrupted
	}
	for _, sig := range i.p.takePending() {
		action, ok := i.traps[signalName(sig)]
		if !ok || action == "" {
			continue
		}
		saved := i.status
		if err := i.eval(action); err != nil {
			return err
		}
		i.status = saved
	}
	return nil
}

// eval runs a string of shell code in this shell.
func (i *interp) eval(src string) error {
	p := syntax.NewParser(src)
	for {
		stmts, err := p.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			i.errorf("%v", err)
			return exitErr{2}
		}
		if err := i.runStmts(stmts); err != nil {
			return err
		}
	}
}

// runScript runs a whole script line by line, as ash reads it, then the
// EXIT trap, and returns the shell's exit status.
func (i *interp) runScript(src string) int {
	p := syntax.NewParser(src)
	for {
		stmts, err := p.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			var se *syntax.SyntaxError
			if errors.As(err, &se) {
				i.line = se.Line
			}
			i.errorf("%v", err)
			i.status = 2
			break
		}
		if err := i.runStmts(stmts); err != nil {
			if code, done := i.unwound(err); done {
				i.status = code
				break
			}
		}
	}
	return i.finishShell()
}

// unwound turns an error that reached the top of a shell into its exit
// status; done is false for errors that do not end the shell.
func (i *interp) unwound(err error) (code int, done bool) {
	var (
		ee exitErr
		re returnErr
	)
	switch {
	case errors.As(err, &ee):
		return ee.code, true
	case errors.Is(err, errKilled):
		st, _ := i.killedStatus()
		return st, true
	case errors.Is(err, errInterrupted):
		sig, _ := i.p.firstPending()
		return 128 + int(sig), true
	case errors.As(err, &re):
		return re.code, false
	}
	return i.status, false // break/continue outside a loop do nothing
}

func (i *interp) killedStatus() (int, bool) {
	i.p.mu.Lock()
	defer i.p.mu.Unlock()
	return i.p.status, i.p.killed
}

// finishShell runs the EXIT trap once and returns the exit status.
func (i *interp) finishShell() int {
	if i.exitTrap {
		return i.status
	}
	i.exitTrap = true
	action, ok := i.traps["EXIT"]
	if !ok || action == "" || i.p.checkKilled() != nil {
		return i.status
	}
	saved := i.status
	err := i.eval(action)
	if err != nil {
		if code, done := i.unwound(err); done {
			return code
		}
	}
	return saved
}
