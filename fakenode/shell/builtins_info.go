package shell

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/kubesim/kubesim/fakenode/shell/bc"
)

// cmdEnv prints the environment, or runs a program with a changed one:
// env [-i] [-u NAME]... [NAME=VALUE]... [PROGRAM ARGS...].
func cmdEnv(_ context.Context, inv *Invocation) int {
	env := append([]string(nil), inv.Env...)
	args := inv.Args[1:]
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		a := args[0]
		args = args[1:]
		switch {
		case a == "-" || a == "-i" || a == "--ignore-environment":
			env = nil
		case a == "-u" && len(args) > 0:
			env = unsetEnv(env, args[0])
			args = args[1:]
		case a == "--":
		default:
			inv.Errorf("invalid option -- '%s'", strings.TrimLeft(a, "-"))
			return 125
		}
		if a == "--" {
			break
		}
	}
	for len(args) > 0 && strings.Contains(args[0], "=") {
		name, _, _ := strings.Cut(args[0], "=")
		env = append(unsetEnv(env, name), args[0])
		args = args[1:]
	}
	if len(args) == 0 {
		var sb strings.Builder
		for _, kv := range env {
			sb.WriteString(kv + "\n")
		}
		return writeOut(inv, sb.String())
	}
	i := inv.i
	if err := i.runWithEnv(args, env); err != nil {
		inv.fatal = err
	}
	if i.status == 127 {
		return 127
	}
	return i.status
}

func unsetEnv(env []string, name string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if n, _, _ := strings.Cut(kv, "="); n != name {
			out = append(out, kv)
		}
	}
	return out
}

func cmdPrintenv(_ context.Context, inv *Invocation) int {
	var sb strings.Builder
	if len(inv.Args) == 1 {
		for _, kv := range inv.Env {
			sb.WriteString(kv + "\n")
		}
		return writeOut(inv, sb.String())
	}
	status := 0
	for _, name := range inv.Args[1:] {
		if v, ok := inv.LookupEnv(name); ok {
			sb.WriteString(v + "\n")
		} else {
			status = 1
		}
	}
	if writeOut(inv, sb.String()) != 0 {
		return 1
	}
	return status
}

// cmdHostname prints the container's hostname; -s the short name, -i the
// address /etc/hosts gives it.
func cmdHostname(_ context.Context, inv *Invocation) int {
	f, args, ok := getopt(inv, "sidfF:")
	if !ok {
		return 1
	}
	if len(args) > 0 {
		inv.Errorf("sethostname: Operation not permitted")
		return 1
	}
	name := inv.Hostname()
	switch {
	case f.has('s'):
		name, _, _ = strings.Cut(name, ".")
	case f.has('i'):
		name = hostAddress(inv, name)
	case f.has('d'):
		_, name, _ = strings.Cut(name, ".")
	}
	return writeOut(inv, name+"\n")
}

// hostAddress looks name up in /etc/hosts.
func hostAddress(inv *Invocation, name string) string {
	data, _ := inv.FS.ReadFile("/etc/hosts")
	for _, line := range strings.Split(string(data), "\n") {
		fields := strings.Fields(strings.SplitN(line, "#", 2)[0])
		for _, f := range fields[min(1, len(fields)):] {
			if f == name {
				return fields[0]
			}
		}
	}
	return "127.0.0.1"
}

// userName is the name of a well-known uid or gid in a busybox image.
func userName(id int, group bool) (string, bool) {
	switch {
	case id == 0:
		return "root", true
	case group && id == 10:
		return "wheel", true
	case id == 65534:
		return "nobody", true
	}
	return "", false
}

func idText(id int, group bool) string {
	if name, ok := userName(id, group); ok {
		return fmt.Sprintf("%d(%s)", id, name)
	}
	return strconv.Itoa(id)
}

// cmdID prints who the processes run as (Container.UID, GID, Groups).
func cmdID(_ context.Context, inv *Invocation) int {
	f, _, ok := getopt(inv, "ugGnr")
	if !ok {
		return 1
	}
	c := inv.i.c
	groups := []int{c.GID}
	for _, g := range c.Groups {
		if g != c.GID {
			groups = append(groups, g)
		}
	}
	if c.UID == 0 && c.GID == 0 && len(c.Groups) == 0 {
		groups = append(groups, 10) // root's groups in the busybox image
	}
	one := func(id int, group bool) string {
		if f.has('n') {
			if name, ok := userName(id, group); ok {
				return name
			}
		}
		return strconv.Itoa(id)
	}
	var out string
	switch {
	case f.has('u'):
		out = one(c.UID, false)
	case f.has('g'):
		out = one(c.GID, true)
	case f.has('G'):
		parts := make([]string, len(groups))
		for k, g := range groups {
			parts[k] = one(g, true)
		}
		out = strings.Join(parts, " ")
	default:
		parts := make([]string, len(groups))
		for k, g := range groups {
			parts[k] = idText(g, true)
		}
		out = fmt.Sprintf("uid=%s gid=%s groups=%s", idText(c.UID, false), idText(c.GID, true), strings.Join(parts, ","))
	}
	return writeOut(inv, out+"\n")
}

func cmdWhoami(_ context.Context, inv *Invocation) int {
	name, ok := userName(inv.i.c.UID, false)
	if !ok {
		inv.Errorf("unknown uid %d", inv.i.c.UID)
		return 1
	}
	return writeOut(inv, name+"\n")
}

// The kernel the simulated nodes run, as uname reports it.
const (
	kernelRelease = "6.8.0-kubesim"
	kernelVersion = "#1 SMP PREEMPT_DYNAMIC"
	machine       = "x86_64"
)

func cmdUname(_ context.Context, inv *Invocation) int {
	f, _, ok := getopt(inv, "asnrvmpio")
	if !ok {
		return 1
	}
	fields := []struct {
		flag  byte
		value string
	}{
		{'s', "Linux"}, {'n', inv.Hostname()}, {'r', kernelRelease}, {'v', kernelVersion},
		{'m', machine}, {'o', "GNU/Linux"},
	}
	var out []string
	for _, fl := range fields {
		if f.has('a') || f.has(fl.flag) {
			out = append(out, fl.value)
		}
	}
	if len(out) == 0 {
		out = []string{"Linux"}
	}
	return writeOut(inv, strings.Join(out, " ")+"\n")
}

func cmdBasename(_ context.Context, inv *Invocation) int {
	args := inv.Args[1:]
	if len(args) == 0 || len(args) > 2 {
		usage(inv)
		return 1
	}
	name := strings.TrimRight(args[0], "/")
	if name == "" && args[0] != "" {
		name = "/"
	} else {
		name = path.Base(name)
	}
	if len(args) == 2 && name != args[1] {
		name = strings.TrimSuffix(name, args[1])
	}
	return writeOut(inv, name+"\n")
}

func cmdDirname(_ context.Context, inv *Invocation) int {
	if len(inv.Args) != 2 {
		usage(inv)
		return 1
	}
	p := strings.TrimRight(inv.Args[1], "/")
	if p == "" && inv.Args[1] != "" {
		return writeOut(inv, "/\n")
	}
	return writeOut(inv, path.Dir(p)+"\n")
}

// cmdBc runs bc on its files, or on stdin; -l loads the math library.
func cmdBc(_ context.Context, inv *Invocation) int {
	f, files, ok := getopt(inv, "lqswi")
	if !ok {
		return 1
	}
	var src strings.Builder
	for _, name := range files {
		data, err := inv.FS.ReadFile(inv.Path(name))
		if err != nil {
			inv.Errorf("File %s is unavailable.", name)
			return 1
		}
		src.Write(data)
		src.WriteByte('\n')
	}
	if len(files) == 0 {
		data, err := readAll(&stepReader{inv.Stdin, inv})
		if err != nil {
			readError(inv, err)
			return 1
		}
		src.Write(data)
	}
	lineLength := 0
	if v, ok := inv.LookupEnv("BC_LINE_LENGTH"); ok {
		if n, err := strconv.Atoi(v); err == nil {
			lineLength = n
			if n == 0 {
				lineLength = -1
			}
		}
	}
	err := bc.Run(src.String(), inv.Stdout, inv.Stderr, bc.Options{
		MathLib: f.has('l'), LineLength: lineLength, Interrupt: inv.interrupt,
	})
	if errors.Is(err, ErrKilled) {
		return 137
	}
	return 0
}
