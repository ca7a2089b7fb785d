package shell

import (
	"context"
	"fmt"
)

// cmdCd changes the working directory: cd [DIR], cd - (back), cd (HOME).
func cmdCd(_ context.Context, inv *Invocation) int {
	i := inv.i
	target := ""
	if len(inv.Args) > 1 {
		target = inv.Args[1]
	}
	switch target {
	case "":
		target = i.getVarOr("HOME", "/")
	case "-":
		target = i.getVarOr("OLDPWD", i.cwd)
		fmt.Fprintln(inv.Stdout, target)
	}
	dir := i.abs(target)
	fi, err := i.c.FS.Stat(dir)
	switch {
	case err != nil:
		i.builtinErrorf("cd", "can't cd to %s: %s", target, errnoText(err))
		return 2
	case !fi.IsDir():
		i.builtinErrorf("cd", "can't cd to %s: Not a directory", target)
		return 2
	}
	i.setExported("OLDPWD", i.cwd)
	i.cwd = dir
	i.setExported("PWD", dir)
	return 0
}

func cmdPwd(_ context.Context, inv *Invocation) int {
	fmt.Fprintln(inv.Stdout, inv.Dir)
	return 0
}

func cmdUmask(_ context.Context, inv *Invocation) int {
	if len(inv.Args) == 1 {
		fmt.Fprintln(inv.Stdout, "0022")
	}
	return 0
}
