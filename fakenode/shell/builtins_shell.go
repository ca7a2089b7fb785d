package shell

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/kubesim/kubesim/fakenode/shell/syntax"
)

func cmdTrue(context.Context, *Invocation) int  { return 0 }
func cmdFalse(context.Context, *Invocation) int { return 1 }

// loopCount reads the n of break n and continue n.
func loopCount(inv *Invocation) (int, bool) {
	if len(inv.Args) < 2 {
		return 1, true
	}
	n, err := strconv.Atoi(inv.Args[1])
	if err != nil || n < 1 {
		inv.i.builtinErrorf(inv.Args[0], "Illegal number: %s", inv.Args[1])
		return 0, false
	}
	return n, true
}

func cmdBreak(_ context.Context, inv *Invocation) int {
	n, ok := loopCount(inv)
	switch {
	case !ok:
		inv.fatal = exitErr{2}
	case inv.i.loops > 0:
		inv.fatal = breakErr{min(n, inv.i.loops)}
	}
	return 0
}

func cmdContinue(_ context.Context, inv *Invocation) int {
	n, ok := loopCount(inv)
	switch {
	case !ok:
		inv.fatal = exitErr{2}
	case inv.i.loops > 0:
		inv.fatal = continueErr{min(n, inv.i.loops)}
	}
	return 0
}

// statusArg reads the n of exit n and return n, $? without one.
func statusArg(inv *Invocation) (int, bool) {
	if len(inv.Args) < 2 {
		return inv.i.status, true
	}
	n, err := strconv.Atoi(inv.Args[1])
	if err != nil || n < 0 {
		inv.i.builtinErrorf(inv.Args[0], "Illegal number: %s", inv.Args[1])
		return 2, false
	}
	return n & 0xff, true
}

func cmdExit(_ context.Context, inv *Invocation) int {
	n, _ := statusArg(inv)
	inv.fatal = exitErr{n}
	return n
}

func cmdReturn(_ context.Context, inv *Invocation) int {
	n, ok := statusArg(inv)
	if !ok {
		inv.fatal = exitErr{2}
		return 2
	}
	inv.fatal = returnErr{n}
	return n
}

func cmdEval(_ context.Context, inv *Invocation) int {
	i := inv.i
	i.status = 0
	if err := i.eval(strings.Join(inv.Args[1:], " ")); err != nil {
		inv.fatal = err
	}
	return i.status
}

// cmdSource is . and source: run a file in the current shell.
func cmdSource(_ context.Context, inv *Invocation) int {
	i := inv.i
	if len(inv.Args) < 2 {
		return 0
	}
	name := inv.Args[1]
	src, err := i.c.FS.ReadFile(i.findSourced(name))
	if err != nil {
		i.builtinErrorf(inv.Args[0], "can't open '%s': %s", name, errnoText(err))
		inv.fatal = exitErr{2}
		return 2
	}
	savedArgs := i.args
	if len(inv.Args) > 2 {
		i.args = inv.Args[2:]
	}
	i.status = 0
	err = i.eval(string(src))
	i.args = savedArgs
	if re, ok := err.(returnErr); ok {
		return re.code
	}
	if err != nil {
		inv.fatal = err
	}
	return i.status
}

// findSourced finds a file for ".": a name without a slash is looked for
// in PATH, then in the working directory.
func (i *interp) findSourced(name string) string {
	if strings.Contains(name, "/") {
		return i.abs(name)
	}
	for _, dir := range strings.Split(i.getVar("PATH"), ":") {
		if dir == "" {
			continue
		}
		p := i.abs(dir + "/" + name)
		if fi, err := i.c.FS.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p
		}
	}
	return i.abs(name)
}

// cmdExec runs a program in place of the shell: the shell ends with its
// status. (Without a command, runSimple applies the redirections.)
func cmdExec(_ context.Context, inv *Invocation) int {
	i := inv.i
	args := inv.Args[1:]
	if len(args) == 0 {
		return 0
	}
	// exec resets the traps: the new program has default dispositions,
	// except for ignored signals.
	for name, action := range i.traps {
		if action != "" {
			delete(i.traps, name)
			if sig, ok := parseSignal(name); ok {
				i.p.setDisp(sig, dispDefault)
			}
		}
	}
	if err := i.runExternal(args, nil); err != nil {
		inv.fatal = err
		return i.status
	}
	inv.fatal = exitErr{i.status}
	return i.status
}

// declaration handles export and readonly: NAME[=value]... or -p.
func declaration(inv *Invocation, kind string, mark func(*variable)) int {
	i := inv.i
	args := inv.Args[1:]
	unexport := false
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "-p":
		case "-n":
			unexport = kind == "export"
		case "--":
		default:
			i.builtinErrorf(kind, "illegal option %s", args[0])
			return 2
		}
		args = args[1:]
	}
	if len(args) == 0 {
		for _, name := range i.vars.sorted() {
			v := i.vars.m[name]
			if (kind == "export" && v.exported || kind == "readonly" && v.readonly) && !v.unset {
				fmt.Fprintf(inv.Stdout, "%s %s=%s\n", kind, name, shellQuote(v.value))
			} else if kind == "export" && v.exported || kind == "readonly" && v.readonly {
				fmt.Fprintf(inv.Stdout, "%s %s\n", kind, name)
			}
		}
		return 0
	}
	for _, arg := range args {
		name, value, hasValue := strings.Cut(arg, "=")
		if !syntax.IsName(name) {
			i.builtinErrorf(kind, "%s: bad variable name", name)
			inv.fatal = exitErr{2}
			return 2
		}
		if hasValue {
			if err := i.setVar(name, value); err != nil {
				inv.fatal = err
				return 2
			}
		}
		if unexport {
			i.vars.attr(name).exported = false
			continue
		}
		mark(i.vars.attr(name))
	}
	return 0
}

func cmdExport(_ context.Context, inv *Invocation) int {
	return declaration(inv, "export", func(v *variable) { v.exported = true })
}

func cmdReadonly(_ context.Context, inv *Invocation) int {
	return declaration(inv, "readonly", func(v *variable) { v.readonly = true })
}

func cmdLocal(_ context.Context, inv *Invocation) int {
	i := inv.i
	if i.funcDepth == 0 {
		i.builtinErrorf("local", "not in a function")
		return 2
	}
	for _, arg := range inv.Args[1:] {
		name, value, hasValue := strings.Cut(arg, "=")
		if !syntax.IsName(name) {
			i.builtinErrorf("local", "%s: bad variable name", name)
			return 2
		}
		i.saveLocal(name)
		if hasValue {
			i.vars.set(name, value)
		}
	}
	return 0
}

func cmdUnset(_ context.Context, inv *Invocation) int {
	i := inv.i
	funcs := false
	for _, arg := range inv.Args[1:] {
		switch arg {
		case "-f":
			funcs = true
			continue
		case "-v":
			funcs = false
			continue
		}
		if funcs {
			delete(i.funcs, arg)
			continue
		}
		if !i.vars.unset(arg) {
			i.builtinErrorf("unset", "%s: is read only", arg)
			inv.fatal = exitErr{2} // a special built-in's error ends the script
			return 2
		}
	}
	return 0
}

func cmdShift(_ context.Context, inv *Invocation) int {
	i := inv.i
	n := 1
	if len(inv.Args) > 1 {
		v, err := strconv.Atoi(inv.Args[1])
		if err != nil || v < 0 {
			i.builtinErrorf("shift", "Illegal number: %s", inv.Args[1])
			inv.fatal = exitErr{2}
			return 2
		}
		n = v
	}
	if n > len(i.args) {
		return 1
	}
	i.args = i.args[n:]
	return 0
}

var setOptions = map[string]func(*shellOpts) *bool{
	"errexit":   func(o *shellOpts) *bool { return &o.errexit },
	"xtrace":    func(o *shellOpts) *bool { return &o.xtrace },
	"nounset":   func(o *shellOpts) *bool { return &o.nounset },
	"pipefail":  func(o *shellOpts) *bool { return &o.pipefail },
	"noglob":    func(o *shellOpts) *bool { return &o.noglob },
	"allexport": func(o *shellOpts) *bool { return &o.allexport },
}

var setLetters = map[byte]string{'e': "errexit", 'x': "xtrace", 'u': "nounset", 'f': "noglob", 'a': "allexport"}

// applyOption sets a one-letter or -o option; ok is false if unknown.
// Options the shell accepts without doing anything (-m, -h, ...) are
// known too.
func (o *shellOpts) apply(name string, on bool) bool {
	if f, ok := setOptions[name]; ok {
		*f(o) = on
		return true
	}
	switch name {
	case "monitor", "hashall", "noclobber", "verbose", "noexec", "vi", "emacs", "notify", "ignoreeof", "nolog":
		return true
	}
	return false
}

func cmdSet(_ context.Context, inv *Invocation) int {
	i := inv.i
	args := inv.Args[1:]
	if len(args) == 0 {
		for _, name := range i.vars.sorted() {
			if v := i.vars.m[name]; !v.unset {
				fmt.Fprintf(inv.Stdout, "%s=%s\n", name, shellQuote(v.value))
			}
		}
		return 0
	}
	for len(args) > 0 {
		arg := args[0]
		if arg == "--" {
			i.args = append([]string(nil), args[1:]...)
			return 0
		}
		if len(arg) < 2 || (arg[0] != '-' && arg[0] != '+') {
			break
		}
		on := arg[0] == '-'
		args = args[1:]
		if arg[1:] == "o" {
			if len(args) == 0 {
				for name, f := range setOptions {
					fmt.Fprintf(inv.Stdout, "%-16s%s\n", name, map[bool]string{true: "on", false: "off"}[*f(&i.opts)])
				}
				return 0
			}
			if !i.opts.apply(args[0], on) {
				i.builtinErrorf("set", "illegal option -o %s", args[0])
				inv.fatal = exitErr{2}
				return 2
			}
			args = args[1:]
			continue
		}
		for k := 1; k < len(arg); k++ {
			name, ok := setLetters[arg[k]]
			if !ok {
				name = string(arg[k])
			}
			if !i.opts.apply(name, on) && !strings.ContainsRune("mhbvnCi", rune(arg[k])) {
				i.builtinErrorf("set", "illegal option %c%c", arg[0], arg[k])
				inv.fatal = exitErr{2}
				return 2
			}
		}
	}
	if len(args) > 0 {
		i.args = append([]string(nil), args...)
	}
	return 0
}

// cmdTrap sets, resets and lists traps.
func cmdTrap(_ context.Context, inv *Invocation) int {
	i := inv.i
	args := inv.Args[1:]
	if len(args) > 0 && (args[0] == "-p" || args[0] == "--") {
		args = args[1:]
	}
	if len(args) == 0 {
		listTraps(i, inv)
		return 0
	}
	action, reset := args[0], false
	switch _, isNum := strconv.Atoi(args[0]); {
	case args[0] == "-":
		reset = true
		args = args[1:]
	case isNum == nil || len(args) == 1:
		reset = true
	default:
		args = args[1:]
	}
	status := 0
	for _, name := range args {
		key, sig, ok := trapKey(name)
		if !ok {
			i.builtinErrorf("trap", "%s: invalid signal specification", name)
			status = 1
			continue
		}
		switch {
		case reset:
			delete(i.traps, key)
			if sig != 0 {
				i.p.setDisp(sig, dispDefault)
			}
		default:
			i.traps[key] = action
			if sig != 0 {
				i.p.setDisp(sig, map[bool]disposition{true: dispIgnore, false: dispHandle}[action == ""])
			}
		}
	}
	return status
}

// trapKey names a trap condition: EXIT (sig 0) or a signal.
func trapKey(name string) (string, syscall.Signal, bool) {
	if name == "0" || strings.EqualFold(name, "EXIT") || strings.EqualFold(name, "SIGEXIT") {
		return "EXIT", 0, true
	}
	sig, ok := parseSignal(name)
	if !ok || sig == syscall.SIGKILL || sig == syscall.SIGSTOP {
		return "", 0, false
	}
	return signalName(sig), sig, true
}

func listTraps(i *interp, inv *Invocation) {
	keys := make([]string, 0, len(i.traps))
	for k := range i.traps {
		keys = append(keys, k)
	}
	num := func(k string) int {
		if k == "EXIT" {
			return 0
		}
		sig, _ := parseSignal(k)
		return int(sig)
	}
	sort.Slice(keys, func(a, b int) bool { return num(keys[a]) < num(keys[b]) })
	for _, k := range keys {
		fmt.Fprintf(inv.Stdout, "trap -- %s %s\n", shellQuote(i.traps[k]), k)
	}
}

// localSave is a variable's state before local changed it.
type localSave struct {
	name string
	v    *variable // nil: it did not exist
}

// saveLocal remembers name's variable, once per function call, so that
// the function's return restores it.
func (i *interp) saveLocal(name string) {
	for _, l := range i.locals {
		if l.name == name {
			return
		}
	}
	var cp *variable
	if v, ok := i.vars.m[name]; ok {
		c := *v
		cp = &c
	}
	i.locals = append(i.locals, localSave{name, cp})
}

func (i *interp) restoreLocals() {
	for k := len(i.locals) - 1; k >= 0; k-- {
		l := i.locals[k]
		if l.v == nil {
			i.vars.unset(l.name)
		} else {
			if _, ok := i.vars.m[l.name]; !ok {
				i.vars.order = append(i.vars.order, l.name)
			}
			i.vars.m[l.name] = l.v
		}
	}
}
