// Package shell runs containers' commands: a small busybox-like sh and
// its programs, over an in-memory filesystem (package memfs), on a
// virtual clock.
//
// Start with Container: it holds what a container's processes share (the
// filesystem with the pod's volumes mounted, the clock, the environment,
// extra programs). Container.Start runs a command, a container's main
// process, asynchronously; Container.Run runs one to the end, as an exec
// probe or a lifecycle hook does. A Process can be signalled and waited
// for.
//
//	c := &shell.Container{FS: fs, Clock: clk, Env: env, Activity: act}
//	p := c.Start(ctx, shell.Spec{
//		Argv:   []string{"/bin/sh", "-c", "touch /tmp/healthy; sleep 30; rm -rf /tmp/healthy; sleep 600"},
//		Stdout: logs, Stderr: logs, Init: true,
//		OnExit: func(code int) { ... },
//	})
//	r := c.Run(ctx, []string{"cat", "/tmp/healthy"}, time.Second) // r.ExitCode == 0 until t=30s
//
// # The shell
//
// The shell is busybox ash's subset (package syntax parses it): quoting
// and escapes, $VAR ${VAR} and the ${VAR:-w} ${VAR:=w} ${VAR:?w}
// ${VAR:+w} ${#VAR} ${VAR%p} ${VAR#p} ${VAR/p/r} ${VAR:o:l} forms, the
// special parameters, $((arithmetic)), $(command) and `command`, field
// splitting, globs against the filesystem, assignments (also as command
// prefixes), pipelines, ; && || & and !, { ...; } and ( ... ), if, while,
// until, for, case, functions, break, continue and return, redirections
// (< > >> >| <> <& >& 2>&1 &> and here-documents), [[ ... ]] and test.
// A script runs line by line as ash reads it: a syntax error stops it at
// its line with exit code 2 and ash's message (sh: syntax error:
// unexpected "fi"). Errors are worded as busybox words them; tests hold
// busybox's own outputs (testdata/busybox.txt).
//
// Built-in programs (found by name, or by any path ending in the name,
// such as /bin/echo or /usr/bin/env, unless the filesystem holds an
// executable script at that path):
//
//	[ [[ ash basename bash bc cat chmod cp cut date dirname echo env expr
//	false grep head hostname id kill ln ls mkdir mv printenv printf pwd
//	readlink rm rmdir sed seq sh sleep sort sync tail tee test touch tr
//	true uname uniq wc which whoami yes
//
// Shell built-ins: . : break cd command continue eval exec exit export
// local read readonly return set shift source trap type umask unset wait.
//
// Anything else comes from Container.Commands (nslookup, wget, nginx, ...)
// or is "sh: foo: not found", exit code 127. A command run directly,
// without a shell, that does not exist fails with 127 and the runtime's
// message; Container.LookPath lets the kubelet check first.
//
// # Time, signals and the Activity
//
// Nothing reads the wall clock: sleep, date and file times use
// Container.Clock (a k8s.io/utils/clock.WithDelayedExecution). Each
// goroutine running shell code is busy on Container.Activity from Start
// until it blocks (sleep, tail -f, a read from an empty pipe, wait), and
// whoever wakes it (the clock's AfterFunc callback, the writer of the
// pipe or the followed file, Signal) counts it busy again before they
// return; see Activity. So the host can move the clock whenever the
// Activity is idle.
//
// Process.Signal(SIGTERM) runs the shell's trap if there is one,
// interrupting a sleep or any other wait; `trap ” TERM` ignores it;
// without a trap the process ends at once with 143, unless Spec.Init says
// it is its container's init (PID 1), which ignores such signals, as
// Linux does. SIGKILL ends a process at once with 137. Signal calls
// OnExit before it returns when it ends the process.
//
// A process that runs DefaultStepLimit steps (commands, loop turns, lines
// of yes or seq) without virtual time passing is killed with exit code
// 137 and "sh: script exceeded the step limit without sleeping" on its
// stderr, since `while true; do :; done` would otherwise keep the host
// busy for ever. Container.StepLimit changes the limit.
//
// Every goroutine of a process ends when it exits, is killed, or its
// context ends; Process.Done is closed then.
//
// # Differences from busybox
//
// trap runs at once when a trapped signal interrupts sleep, where ash
// would wait for a foreground sleep to end. [[ ]] matches quoted
// patterns literally, as bash does. Hard links are copies; arrays,
// job control, getopts, printf's %n and read -t are missing.
package shell
