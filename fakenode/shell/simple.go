package shell

import (
	"errors"
	"path"
	"strings"

	"github.com/kubesim/kubesim/fakenode/shell/syntax"
)

// assignment is a NAME=value prefix, expanded.
type assignment struct{ name, value string }

func (i *interp) runSimple(c *syntax.SimpleCmd) error {
	if err := i.step(); err != nil {
		return err
	}
	if c.Line > 0 {
		i.line = c.Line
	}
	i.substStatus = 0
	args, err := i.expandFields(c.Args)
	if err != nil {
		return err
	}
	assigns := make([]assignment, 0, len(c.Assigns))
	for _, a := range c.Assigns {
		v, err := i.expandString(a.Value)
		if err != nil {
			return err
		}
		assigns = append(assigns, assignment{a.Name, v})
	}
	if len(args) == 0 {
		if i.opts.xtrace && len(assigns) > 0 {
			i.trace(assigns, nil)
		}
		return i.assignOnly(assigns, c.Redirs)
	}
	if i.opts.xtrace {
		i.trace(assigns, args)
	}
	if args[0] == "exec" && len(args) == 1 {
		_, err := i.redirect(c.Redirs) // exec without a command: redirect the shell
		if err != nil {
			i.status = 1
			return exitErr{1}
		}
		i.status = 0
		return nil
	}
	restore, err := i.redirect(c.Redirs)
	if err != nil {
		i.status = 1
		if b, ok := builtins[args[0]]; ok && b.special {
			return exitErr{1}
		}
		return nil
	}
	defer restore()
	return i.dispatch(args, assigns)
}

// assignOnly runs a command of assignments and redirections alone.
func (i *interp) assignOnly(assigns []assignment, redirs []*syntax.Redir) error {
	for _, a := range assigns {
		if err := i.setVar(a.name, a.value); err != nil {
			return err
		}
	}
	i.status = i.substStatus
	if len(redirs) > 0 {
		restore, err := i.redirect(redirs)
		if err != nil {
			i.status = 1
			return nil
		}
		restore()
	}
	return nil
}

func (i *interp) trace(assigns []assignment, args []string) {
	var sb strings.Builder
	sb.WriteString(i.getVarOr("PS4", "+ "))
	for k, a := range assigns {
		if k > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(a.name + "=" + traceQuote(a.value))
	}
	for k, a := range args {
		if k > 0 || len(assigns) > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(traceQuote(a))
	}
	sb.WriteByte('\n')
	i.stderr().Write([]byte(sb.String()))
}

// traceQuote quotes a word for set -x output when it needs it.
func traceQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`*?[]{}()<>|&;#~") {
		return s
	}
	return shellQuote(s)
}

func (i *interp) getVarOr(name, def string) string {
	if v, ok := i.vars.get(name); ok {
		return v
	}
	return def
}

// dispatch runs a command by name: a special built-in, a function, a
// shell built-in, or a program.
func (i *interp) dispatch(args []string, assigns []assignment) error {
	name := args[0]
	b, isBuiltin := builtins[name]
	switch {
	case isBuiltin && b.special:
		for _, a := range assigns {
			if err := i.setVar(a.name, a.value); err != nil {
				return err
			}
		}
		return i.runBuiltin(b, args, nil)
	case i.funcs[name] != nil:
		restore := i.tempAssign(assigns)
		defer restore()
		return i.callFunction(i.funcs[name], args)
	case isBuiltin && !b.applet:
		restore := i.tempAssign(assigns)
		defer restore()
		return i.runBuiltin(b, args, nil)
	}
	return i.runExternal(args, assigns)
}

// tempAssign sets the prefix assignments of a function or built-in for its
// duration.
func (i *interp) tempAssign(assigns []assignment) (restore func()) {
	if len(assigns) == 0 {
		return func() {}
	}
	type saved struct {
		v   *variable
		had bool
	}
	old := map[string]saved{}
	for _, a := range assigns {
		if _, ok := old[a.name]; !ok {
			v, had := i.vars.m[a.name]
			var cp *variable
			if had {
				c := *v
				cp = &c
			}
			old[a.name] = saved{cp, had}
		}
		i.vars.set(a.name, a.value)
		i.vars.attr(a.name).exported = true
	}
	return func() {
		for name, s := range old {
			if s.had {
				i.vars.m[name] = s.v
			} else {
				i.vars.unset(name)
			}
		}
	}
}

// runBuiltin runs a built-in with an Invocation; env is the environment
// for a program (nil: the shell's).
func (i *interp) runBuiltin(b builtin, args []string, env []string) error {
	inv := i.invocation(args, env)
	status := b.fn(i.p.ctx, inv)
	i.clearNotify()
	if inv.fatal != nil {
		return inv.fatal
	}
	i.status = status
	return i.p.checkKilled()
}

func (i *interp) invocation(args, env []string) *Invocation {
	if env == nil {
		env = i.vars.environ()
	}
	return &Invocation{
		Args: args, Env: env, Dir: i.cwd,
		Stdin: i.stdin(), Stdout: i.stdout(), Stderr: i.stderr(),
		FS: i.c.FS, Clock: i.c.Clock, i: i, p: i.p,
	}
}

func (i *interp) clearNotify() {
	i.p.mu.Lock()
	i.p.notify = nil
	i.p.mu.Unlock()
}

// maxFuncDepth bounds recursion, as a stack would.
const maxFuncDepth = 1000

func (i *interp) callFunction(fn *syntax.FuncDecl, args []string) error {
	if i.funcDepth >= maxFuncDepth {
		i.errorf("%s: function nesting too deep", fn.Name)
		return exitErr{2}
	}
	savedArgs, savedLocals := i.args, i.locals
	i.args = args[1:]
	i.locals = nil
	i.funcDepth++
	defer func() {
		i.funcDepth--
		i.args = savedArgs
		i.restoreLocals()
		i.locals = savedLocals
	}()
	err := i.runCmd(fn.Body)
	var re returnErr
	if errors.As(err, &re) {
		i.status = re.code
		return nil
	}
	return err
}

// runExternal runs a program: a script file, a registered command or a
// built-in program, found by name or by a path ending in its name.
func (i *interp) runExternal(args []string, assigns []assignment) error {
	env := i.vars.environ()
	for _, a := range assigns {
		env = append(env, a.name+"="+a.value)
	}
	return i.runWithEnv(args, env)
}

// runWithEnv runs a program with the environment env.
func (i *interp) runWithEnv(args, env []string) error {
	name := args[0]
	if strings.Contains(name, "/") {
		if done, err := i.runFile(args, env); done {
			return err
		}
	}
	fn := i.lookupProgram(path.Base(name))
	if fn == nil {
		i.errorf("%s: not found", name)
		i.status = 127
		return nil
	}
	return i.runBuiltin(builtin{fn: fn, applet: true}, args, env)
}

// lookupProgram finds a program by name: registered commands first.
func (i *interp) lookupProgram(name string) CommandFunc {
	if fn, ok := i.c.Commands[name]; ok && fn != nil {
		return fn
	}
	if b, ok := builtins[name]; ok && b.applet {
		return b.fn
	}
	return nil
}

// runFile runs args[0] if it names a file in the filesystem: a script,
// run by a new sh. done is false when there is no such file.
func (i *interp) runFile(args, env []string) (done bool, err error) {
	p := i.abs(args[0])
	fi, statErr := i.c.FS.Stat(p)
	switch {
	case statErr != nil:
		return false, nil
	case fi.IsDir() || fi.Mode()&0o111 == 0:
		i.errorf("%s: Permission denied", args[0])
		i.status = 126
		return true, nil
	}
	src, rerr := i.c.FS.ReadFile(p)
	if rerr != nil {
		i.errorf("%s: %s", args[0], errnoText(rerr))
		i.status = 126
		return true, nil
	}
	sh := i.newShell()
	sh.vars = newVarStore()
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		sh.setExported(k, v)
	}
	sh.initShellVars()
	sh.name, sh.script, sh.arg0, sh.args = args[0], true, args[0], args[1:]
	i.status = sh.runScript(string(src))
	return true, i.p.checkKilled()
}

// abs makes p absolute against the working directory.
func (i *interp) abs(p string) string {
	if path.IsAbs(p) {
		return path.Clean(p)
	}
	return path.Join(i.cwd, p)
}
