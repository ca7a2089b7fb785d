package shell

// builtin is a command the shell has without a program in the
// filesystem.
type builtin struct {
	fn CommandFunc
	// special is a POSIX special built-in: its assignments stay in the
	// shell, and its errors end a script.
	special bool
	// applet is a program as well as a built-in, as busybox's applets are:
	// found as /bin/name, run by env, exec and command.
	applet bool
}

// builtins is filled in init, since some built-ins (command, env, exec)
// look commands up in it.
var builtins map[string]builtin

func init() {
	special := func(fn CommandFunc) builtin { return builtin{fn: fn, special: true} }
	shellOnly := func(fn CommandFunc) builtin { return builtin{fn: fn} }
	applet := func(fn CommandFunc) builtin { return builtin{fn: fn, applet: true} }
	builtins = map[string]builtin{
		// Special built-ins.
		":":        special(cmdTrue),
		".":        special(cmdSource),
		"break":    special(cmdBreak),
		"continue": special(cmdContinue),
		"eval":     special(cmdEval),
		"exec":     special(cmdExec),
		"exit":     special(cmdExit),
		"export":   special(cmdExport),
		"readonly": special(cmdReadonly),
		"return":   special(cmdReturn),
		"set":      special(cmdSet),
		"shift":    special(cmdShift),
		"trap":     special(cmdTrap),
		"unset":    special(cmdUnset),
		// Shell built-ins.
		"cd":      shellOnly(cmdCd),
		"command": shellOnly(cmdCommand),
		"local":   shellOnly(cmdLocal),
		"read":    shellOnly(cmdRead),
		"source":  shellOnly(cmdSource),
		"type":    shellOnly(cmdType),
		"umask":   shellOnly(cmdUmask),
		"wait":    shellOnly(cmdWait),
		// Programs (busybox applets), some also shell built-ins in ash.
		"[":        applet(cmdTest),
		"[[":       applet(cmdTest),
		"ash":      applet(cmdSh),
		"basename": applet(cmdBasename),
		"bash":     applet(cmdSh),
		"bc":       applet(cmdBc),
		"cat":      applet(cmdCat),
		"chmod":    applet(cmdChmod),
		"cp":       applet(cmdCp),
		"cut":      applet(cmdCut),
		"date":     applet(cmdDate),
		"dirname":  applet(cmdDirname),
		"echo":     applet(cmdEcho),
		"env":      applet(cmdEnv),
		"expr":     applet(cmdExpr),
		"false":    applet(cmdFalse),
		"grep":     applet(cmdGrep),
		"head":     applet(cmdHead),
		"hostname": applet(cmdHostname),
		"id":       applet(cmdID),
		"kill":     applet(cmdKill),
		"ln":       applet(cmdLn),
		"ls":       applet(cmdLs),
		"mkdir":    applet(cmdMkdir),
		"mv":       applet(cmdMv),
		"printenv": applet(cmdPrintenv),
		"printf":   applet(cmdPrintf),
		"readlink": applet(cmdReadlink),
		"pwd":      applet(cmdPwd),
		"rm":       applet(cmdRm),
		"rmdir":    applet(cmdRmdir),
		"sed":      applet(cmdSed),
		"seq":      applet(cmdSeq),
		"sh":       applet(cmdSh),
		"sleep":    applet(cmdSleep),
		"sort":     applet(cmdSort),
		"sync":     applet(cmdTrue),
		"tail":     applet(cmdTail),
		"tee":      applet(cmdTee),
		"test":     applet(cmdTest),
		"touch":    applet(cmdTouch),
		"tr":       applet(cmdTr),
		"true":     applet(cmdTrue),
		"uname":    applet(cmdUname),
		"uniq":     applet(cmdUniq),
		"wc":       applet(cmdWc),
		"which":    applet(cmdWhich),
		"whoami":   applet(cmdWhoami),
		"yes":      applet(cmdYes),
	}
}
