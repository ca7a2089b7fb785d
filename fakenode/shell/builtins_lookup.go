package shell

import (
	"context"
	"fmt"
	"strings"
)

// cmdCommand is command -v/-V name, or command name args: run a built-in
// or program, skipping functions.
func cmdCommand(_ context.Context, inv *Invocation) int {
	i := inv.i
	args := inv.Args[1:]
	if len(args) > 0 && (args[0] == "-v" || args[0] == "-V") {
		verbose := args[0] == "-V"
		status := 0
		for _, name := range args[1:] {
			if !describe(i, inv, name, verbose) {
				status = 1
			}
		}
		return status
	}
	if len(args) > 0 && args[0] == "-p" {
		args = args[1:]
	}
	if len(args) == 0 {
		return 0
	}
	if b, ok := builtins[args[0]]; ok && !b.applet {
		if err := i.runBuiltin(b, args, nil); err != nil {
			inv.fatal = err
		}
		return i.status
	}
	if err := i.runExternal(args, nil); err != nil {
		inv.fatal = err
	}
	return i.status
}

// describe prints what name is, for command -v and type; it reports false
// if name is nothing.
func describe(i *interp, inv *Invocation, name string, verbose bool) bool {
	b, isBuiltin := builtins[name]
	_, isCommand := i.c.Commands[name]
	switch {
	case i.funcs[name] != nil:
		if verbose {
			fmt.Fprintf(inv.Stdout, "%s is a function\n", name)
		} else {
			fmt.Fprintln(inv.Stdout, name)
		}
	case isBuiltin && b.special && verbose:
		fmt.Fprintf(inv.Stdout, "%s is a special shell builtin\n", name)
	case isBuiltin && (verbose || !b.applet) && !isCommand:
		if verbose {
			fmt.Fprintf(inv.Stdout, "%s is a shell builtin\n", name)
		} else {
			fmt.Fprintln(inv.Stdout, name)
		}
	case isCommand || isBuiltin || strings.Contains(name, "/") && i.c.LookPath(i.abs(name)):
		p := "/bin/" + name
		if strings.Contains(name, "/") {
			p = name
		}
		if verbose {
			fmt.Fprintf(inv.Stdout, "%s is %s\n", name, p)
		} else {
			fmt.Fprintln(inv.Stdout, p)
		}
	default:
		if verbose {
			fmt.Fprintf(inv.Stderr, "%s: not found\n", name)
		}
		return false
	}
	return true
}

func cmdType(_ context.Context, inv *Invocation) int {
	status := 0
	for _, name := range inv.Args[1:] {
		if !describe(inv.i, inv, name, true) {
			status = 127
		}
	}
	return status
}

func cmdWhich(_ context.Context, inv *Invocation) int {
	status := 0
	for _, name := range inv.Args[1:] {
		_, isCommand := inv.i.c.Commands[name]
		b, isBuiltin := builtins[name]
		switch {
		case strings.Contains(name, "/"):
			if !inv.i.c.LookPath(inv.Path(name)) {
				status = 1
				continue
			}
			fmt.Fprintln(inv.Stdout, name)
		case isCommand || isBuiltin && b.applet:
			fmt.Fprintln(inv.Stdout, "/bin/"+name)
		default:
			status = 1
		}
	}
	return status
}
