package shell

import (
	"errors"

	"github.com/kubesim/kubesim/fakenode/shell/syntax"
)

// runStmts runs a list; i.status is the last command's status.
func (i *interp) runStmts(stmts []*syntax.Stmt) error {
	for _, s := range stmts {
		if err := i.runStmt(s); err != nil {
			return err
		}
	}
	return nil
}

func (i *interp) runStmt(s *syntax.Stmt) error {
	if s.Line > 0 {
		i.line = s.Line
	}
	if s.Background {
		i.startJob(s.Cmd)
		i.status = 0
		return nil
	}
	if err := i.runCmd(s.Cmd); err != nil {
		return err
	}
	if err := i.handleSignals(); err != nil {
		return err
	}
	return i.checkErrexit(s.Cmd)
}

// checkErrexit ends the shell after a failed command under set -e,
// except where POSIX exempts it: in conditions, before && or ||, after !.
func (i *interp) checkErrexit(c syntax.Command) error {
	if !i.opts.errexit || i.status == 0 || i.noErrexit > 0 {
		return nil
	}
	switch c := c.(type) {
	case *syntax.AndOr:
		return nil // the left side was a condition; the right side checked itself
	case *syntax.Pipeline:
		if c.Negated {
			return nil
		}
	}
	return exitErr{i.status}
}

// condition runs a list as a condition: set -e does not apply in it.
func (i *interp) condition(stmts []*syntax.Stmt) (bool, error) {
	i.noErrexit++
	err := i.runStmts(stmts)
	i.noErrexit--
	return i.status == 0, err
}

func (i *interp) runCmd(c syntax.Command) error {
	switch c := c.(type) {
	case *syntax.SimpleCmd:
		return i.runSimple(c)
	case *syntax.AndOr:
		return i.runAndOr(c)
	case *syntax.Pipeline:
		return i.runPipeline(c)
	case *syntax.Block:
		return i.runStmts(c.Stmts)
	case *syntax.Subshell:
		i.status = i.subshell(func(sub *interp) error { return sub.runStmts(c.Stmts) })
		return i.p.checkKilled()
	case *syntax.IfCmd:
		return i.runIf(c)
	case *syntax.LoopCmd:
		return i.runLoop(c)
	case *syntax.ForCmd:
		return i.runFor(c)
	case *syntax.CaseCmd:
		return i.runCase(c)
	case *syntax.FuncDecl:
		i.funcs[c.Name] = c
		i.status = 0
		return nil
	case *syntax.TestCmd:
		return i.runTestCmd(c)
	case *syntax.RedirCmd:
		return i.runRedirected(c)
	}
	return nil
}

func (i *interp) runAndOr(c *syntax.AndOr) error {
	i.noErrexit++
	err := i.runCmd(c.X)
	i.noErrexit--
	if err != nil {
		return err
	}
	if (c.Op == "&&") == (i.status == 0) {
		if err := i.runCmd(c.Y); err != nil {
			return err
		}
		return i.checkErrexit(c.Y)
	}
	return nil
}

func (i *interp) runIf(c *syntax.IfCmd) error {
	if err := i.step(); err != nil {
		return err
	}
	ok, err := i.condition(c.Cond)
	switch {
	case err != nil:
		return err
	case ok:
		return i.runStmts(c.Then)
	case c.Else != nil:
		return i.runStmts(c.Else)
	}
	i.status = 0
	return nil
}

func (i *interp) runLoop(c *syntax.LoopCmd) error {
	i.loops++
	defer func() { i.loops-- }()
	status := 0
	for {
		if err := i.step(); err != nil {
			return err
		}
		ok, err := i.condition(c.Cond)
		if err != nil {
			if brk, err := loopControl(err); brk || err != nil {
				i.status = status
				return err
			}
			continue
		}
		if ok == c.Until {
			break
		}
		err = i.runStmts(c.Body)
		status = i.status
		if brk, err := loopControl(err); brk || err != nil {
			i.status = status
			return err
		}
	}
	i.status = status
	return nil
}

// loopControl handles break and continue for the innermost loop: brk
// means leave the loop; err is what to pass on to outer loops or callers.
func loopControl(err error) (brk bool, _ error) {
	var (
		b breakErr
		c continueErr
	)
	switch {
	case err == nil:
		return false, nil
	case errors.As(err, &b):
		if b.n > 1 {
			return true, breakErr{b.n - 1}
		}
		return true, nil
	case errors.As(err, &c):
		if c.n > 1 {
			return true, continueErr{c.n - 1}
		}
		return false, nil
	}
	return true, err
}

func (i *interp) runFor(c *syntax.ForCmd) error {
	items := i.args
	if c.HasIn {
		var err error
		if items, err = i.expandFields(c.Items); err != nil {
			return err
		}
	}
	i.loops++
	defer func() { i.loops-- }()
	i.status = 0
	for _, item := range items {
		if err := i.step(); err != nil {
			return err
		}
		if err := i.setVar(c.Name, item); err != nil {
			return err
		}
		if brk, err := loopControl(i.runStmts(c.Body)); brk || err != nil {
			return err
		}
	}
	return nil
}

func (i *interp) runCase(c *syntax.CaseCmd) error {
	if err := i.step(); err != nil {
		return err
	}
	word, err := i.expandString(c.Word)
	if err != nil {
		return err
	}
	i.status = 0
	for _, item := range c.Items {
		for _, pw := range item.Patterns {
			pat, err := i.expandPattern(pw)
			if err != nil {
				return err
			}
			if matchPattern(pat, word) {
				return i.runStmts(item.Body)
			}
		}
	}
	return nil
}

// subshell runs fn in a copy of the shell on the same goroutine and
// returns its exit status. The subshell's exit, or a signal it unwound
// for, ends only the subshell.
func (i *interp) subshell(fn func(sub *interp) error) int {
	sub := i.clone()
	saved := i.p.saveDisp()
	defer i.p.restoreDisp(saved)
	err := fn(sub)
	if err == nil {
		return sub.finishShell()
	}
	code, _ := sub.unwound(err)
	sub.status = code
	return sub.finishShell()
}

// startJob runs c in the background: a subshell on its own goroutine,
// reading /dev/null, as a non-interactive shell starts it.
func (i *interp) startJob(c syntax.Command) {
	sub := i.clone()
	sub.fds[0] = &ofile{r: emptyReader{}}
	job := i.pr.spawn(func(p *proc) int {
		sub.p = p
		sub.owner = true
		err := sub.runCmd(c)
		if err != nil {
			code, _ := sub.unwound(err)
			sub.status = code
		}
		return sub.finishShell()
	})
	i.jobs = append(i.jobs, job)
	i.lastBg = job.pid
}

// runPipeline runs each command of a pipeline as a subshell, all but the
// last on goroutines of their own, connected by pipes.
func (i *interp) runPipeline(c *syntax.Pipeline) error {
	if err := i.step(); err != nil {
		return err
	}
	if len(c.Cmds) == 1 {
		i.noErrexit++
		err := i.runCmd(c.Cmds[0])
		i.noErrexit--
		if c.Negated {
			i.status = boolStatus(i.status != 0)
		}
		return err
	}
	var (
		procs []*proc
		in    *pipe
	)
	for _, cmd := range c.Cmds[:len(c.Cmds)-1] {
		out := &pipe{}
		sub := i.clone()
		if in != nil {
			sub.fds[0] = &ofile{pipeR: in}
		}
		sub.fds[1] = &ofile{pipeW: out}
		cmd, in2 := cmd, in
		procs = append(procs, i.pr.spawn(func(p *proc) int {
			sub.p, sub.owner = p, true
			err := sub.runCmd(cmd)
			out.closeWrite()
			if in2 != nil {
				in2.closeRead()
			}
			if err != nil {
				code, _ := sub.unwound(err)
				sub.status = code
			}
			return sub.finishShell()
		}))
		in = out
	}
	last := c.Cmds[len(c.Cmds)-1]
	status := i.subshell(func(sub *interp) error {
		sub.fds[0] = &ofile{pipeR: in}
		return sub.runCmd(last)
	})
	in.closeRead()
	statuses := make([]int, len(procs)+1)
	statuses[len(procs)] = status
	for k, p := range procs {
		st, err := i.p.waitExit(p)
		if err != nil {
			if errors.Is(err, errKilled) {
				return err
			}
			break // a trapped signal: run the trap, leave the rest running
		}
		statuses[k] = st
	}
	i.status = status
	if i.opts.pipefail {
		for _, st := range statuses {
			if st != 0 {
				i.status = st
			}
		}
	}
	if c.Negated {
		i.status = boolStatus(i.status != 0)
	}
	return i.p.checkKilled()
}

// boolStatus is 0 for true, 1 for false.
func boolStatus(ok bool) int {
	if ok {
		return 0
	}
	return 1
}
