package shell

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"syscall"
)

// cmdWait waits for background jobs: all of them, or those named by pid
// or %n. A trapped signal interrupts it with 128+signal.
func cmdWait(_ context.Context, inv *Invocation) int {
	i := inv.i
	targets := i.jobs
	all := len(inv.Args) == 1
	if !all {
		targets = nil
		for _, arg := range inv.Args[1:] {
			job := i.findJob(arg)
			if job == nil {
				if strings.HasPrefix(arg, "%") {
					i.builtinErrorf("wait", "%s: no such job", arg)
				}
				return 127
			}
			targets = append(targets, job)
		}
	}
	status := 0
	for _, job := range targets {
		st, err := i.p.waitExit(job)
		switch {
		case errors.Is(err, errInterrupted):
			sig, _ := i.p.firstPending()
			return 128 + int(sig)
		case err != nil:
			inv.fatal = err
			return 1
		}
		status = st
		i.forgetJob(job)
	}
	if all {
		return 0
	}
	return status
}

func (i *interp) findJob(spec string) *proc {
	if n, err := strconv.Atoi(strings.TrimPrefix(spec, "%")); err == nil {
		if strings.HasPrefix(spec, "%") {
			if n >= 1 && n <= len(i.jobs) {
				return i.jobs[n-1]
			}
			return nil
		}
		for _, j := range i.jobs {
			if j.pid == n {
				return j
			}
		}
	}
	return nil
}

func (i *interp) forgetJob(job *proc) {
	for k, j := range i.jobs {
		if j == job {
			i.jobs = append(i.jobs[:k], i.jobs[k+1:]...)
			return
		}
	}
}

// cmdKill sends signals to processes of the container, or lists them.
func cmdKill(_ context.Context, inv *Invocation) int {
	i := inv.i
	args := inv.Args[1:]
	sig := syscall.SIGTERM
	if len(args) > 0 && args[0] == "-l" {
		return listSignals(inv, args[1:])
	}
	if len(args) > 0 && strings.HasPrefix(args[0], "-") && args[0] != "--" {
		name := args[0][1:]
		args = args[1:]
		if (name == "s" || name == "n") && len(args) > 0 {
			name = args[0]
			args = args[1:]
		}
		if name != "0" {
			s, ok := parseSignal(name)
			if !ok {
				fmt.Fprintf(inv.Stderr, "%s: bad signal name '%s'\n", i.name, name)
				return 1
			}
			sig = s
		} else {
			sig = 0
		}
	}
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprintf(inv.Stderr, "%s: you need to specify whom to kill\n", i.name)
		return 1
	}
	status := 0
	for _, arg := range args {
		var target *proc
		if strings.HasPrefix(arg, "%") {
			if target = i.findJob(arg); target == nil {
				i.builtinErrorf("kill", "%s: no such job", arg)
				status = 2
				continue
			}
		} else if pid, err := strconv.Atoi(arg); err == nil {
			target = i.c.lookupPID(pid)
		} else {
			fmt.Fprintf(inv.Stderr, "%s: invalid number '%s'\n", i.name, arg)
			status = 1
			continue
		}
		if target == nil || !deliver(target, sig) {
			fmt.Fprintf(inv.Stderr, "%s: can't kill pid %s: No such process\n", i.name, arg)
			status = 1
		}
	}
	return status
}

// deliver sends sig (0 only checks) to p.
func deliver(p *proc, sig syscall.Signal) bool {
	if sig == 0 {
		p.mu.Lock()
		defer p.mu.Unlock()
		return !p.exited
	}
	init := p == p.process.main && p.process.spec.Init
	return p.signal(sig, init)
}

func listSignals(inv *Invocation, args []string) int {
	if len(args) == 0 {
		for n := 1; n < len(signalNames); n++ {
			fmt.Fprintf(inv.Stdout, "%2d) %s\n", n, signalNames[n])
		}
		return 0
	}
	for _, a := range args {
		if n, err := strconv.Atoi(a); err == nil {
			if n > 128 {
				n -= 128
			}
			fmt.Fprintln(inv.Stdout, signalName(syscall.Signal(n)))
			continue
		}
		sig, ok := parseSignal(a)
		if !ok {
			fmt.Fprintf(inv.Stderr, "%s: bad signal name '%s'\n", inv.i.name, a)
			return 1
		}
		fmt.Fprintln(inv.Stdout, int(sig))
	}
	return 0
}
