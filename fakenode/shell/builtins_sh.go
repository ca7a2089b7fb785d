package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// cmdSh runs a new shell: sh -c 'script' [name [args...]], sh file
// [args...], or sh reading the script from its input.
func cmdSh(_ context.Context, inv *Invocation) int {
	return inv.i.shMain(inv.Args, inv.Env, false)
}

// shMain runs sh with args in a new shell; owner says whether that shell
// runs the traps of the proc (it is the process's own shell).
func (i *interp) shMain(args, env []string, owner bool) int {
	sh := i.newShell()
	sh.vars = newVarStore()
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		sh.setExported(k, v)
	}
	sh.initShellVars()
	sh.owner = owner
	// The shell goes by the name it was started with, "/bin/sh" in a pod
	// whose command says so: $0 and its errors' prefix, as busybox ash.
	invoked := args[0]
	sh.arg0, sh.name = invoked, invoked
	args, command, stdin, ok := sh.shOptions(args[1:])
	if !ok {
		return 2
	}
	var src string
	switch {
	case command:
		if len(args) == 0 {
			fmt.Fprintf(i.stderr(), "%s: -c requires an argument\n", invoked)
			return 2
		}
		src = args[0]
		if len(args) > 1 {
			sh.arg0, sh.name = args[1], args[1]
			sh.args = args[2:]
		}
	case len(args) > 0 && !stdin:
		b, err := i.c.FS.ReadFile(i.abs(args[0]))
		if err != nil {
			fmt.Fprintf(i.stderr(), "%s: can't open '%s': %s\n", invoked, args[0], errnoText(err))
			return 2
		}
		src = string(b)
		sh.arg0, sh.name, sh.script, sh.args = args[0], args[0], true, args[1:]
	default:
		b, err := readAll(i.stdin())
		if err != nil && !errors.Is(err, io.EOF) {
			return i.unwoundStatus(err)
		}
		src = string(b)
		sh.args = args
	}
	status := sh.runScript(src)
	i.lastBg = sh.lastBg
	return status
}

// shOptions reads sh's options (-c, -s, -e, -x, -u, -o NAME, ...) into
// sh and returns the operands; ok is false after reporting a bad one.
func (sh *interp) shOptions(args []string) (rest []string, command, stdin, ok bool) {
	for len(args) > 0 && len(args[0]) > 1 && (args[0][0] == '-' || args[0][0] == '+') {
		arg := args[0]
		args = args[1:]
		if arg == "--" {
			break
		}
		on := arg[0] == '-'
		for k := 1; k < len(arg); k++ {
			switch c := arg[k]; c {
			case 'c':
				command = true
			case 's':
				stdin = true
			case 'o':
				if len(args) > 0 {
					sh.opts.apply(args[0], on)
					args = args[1:]
				}
			case 'i', 'l', 'v', 'm':
			default:
				if name, known := setLetters[c]; known {
					sh.opts.apply(name, on)
					continue
				}
				fmt.Fprintf(sh.stderr(), "sh: %c%c: invalid option\n", arg[0], c)
				return nil, false, false, false
			}
		}
	}
	return args, command, stdin, true
}

// unwoundStatus is the status of a command that a kill or a signal ended.
func (i *interp) unwoundStatus(err error) int {
	code, _ := i.unwound(err)
	return code
}

// runProgram runs a process's command: a shell, a script file, or a
// program run directly, without a shell.
func (i *interp) runProgram(argv []string) int {
	i.owner = true
	env := i.vars.environ()
	switch name := path.Base(argv[0]); {
	case name == "sh" || name == "ash" || name == "bash":
		return i.shMain(argv, env, true)
	case strings.Contains(argv[0], "/"):
		if fi, err := i.c.FS.Stat(i.abs(argv[0])); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return i.shMain(append([]string{"sh"}, argv...), env, true)
		}
	}
	if !i.c.LookPath(argv[0]) {
		fmt.Fprintf(i.stderr(), "exec: %q: executable file not found in $PATH\n", argv[0])
		return 127
	}
	if err := i.runExternal(argv, nil); err != nil {
		return i.unwoundStatus(err)
	}
	return i.status
}
