package shell

import (
	"context"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// cmdGrep searches lines: -E -F -i -v -w -x -q -c -l -L -n -h -H -o -s
// -m N -e PATTERN -f FILE -r. Matching lines are written as they are read.
func cmdGrep(_ context.Context, inv *Invocation) int {
	f, args, ok := getopt(inv, "EFivwxqclLnhHosrRm:e:f:z")
	if !ok {
		return 2
	}
	patterns := f.values['e']
	for _, file := range f.values['f'] {
		data, err := inv.FS.ReadFile(inv.Path(file))
		if err != nil {
			inv.Errorf("%s: %s", file, errnoText(err))
			return 2
		}
		patterns = append(patterns, strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")...)
	}
	if !f.has('e') && !f.has('f') {
		if len(args) == 0 {
			usage(inv)
			return 2
		}
		patterns, args = strings.Split(args[0], "\n"), args[1:]
	}
	g := &grepper{inv: inv, f: f, max: -1}
	if f.has('m') {
		n, err := strconv.Atoi(f.get('m'))
		if err != nil {
			inv.Errorf("invalid number '%s'", f.get('m'))
			return 2
		}
		g.max = n
	}
	if err := g.compile(patterns); err != nil {
		inv.Errorf("bad regex '%s': %v", strings.Join(patterns, "\n"), err)
		return 2
	}
	if len(args) == 0 {
		args = []string{"-"}
	}
	if f.has('r') || f.has('R') {
		args = g.expandDirs(args)
	}
	g.names = len(args) > 1 && !f.has('h') || f.has('H')
	status := 1
	failed := false
	for _, name := range args {
		matched, ok := g.search(name)
		if !ok {
			failed = true
		}
		if matched {
			status = 0
			if f.has('q') {
				return 0
			}
		}
	}
	if failed && !(f.has('q') && status == 0) {
		return 2
	}
	return status
}

type grepper struct {
	inv   *Invocation
	f     flags
	res   []*regexp.Regexp
	names bool
	max   int
}

func (g *grepper) compile(patterns []string) error {
	for _, p := range patterns {
		expr := p
		if g.f.has('F') {
			expr = regexp.QuoteMeta(p)
		} else {
			var err error
			if expr, err = translateRegex(p, g.f.has('E')); err != nil {
				return err
			}
		}
		if g.f.has('w') {
			expr = `(?:^|\W)(` + expr + `)(?:\W|$)`
		}
		if g.f.has('x') {
			expr = `^(?:` + expr + `)$`
		}
		if g.f.has('i') {
			expr = "(?i)" + expr
		}
		re, err := regexp.Compile(expr)
		if err != nil {
			return err
		}
		g.res = append(g.res, re)
	}
	return nil
}

// expandDirs replaces directories by the files under them, for -r.
func (g *grepper) expandDirs(names []string) []string {
	var out []string
	for _, name := range names {
		fi, err := g.inv.FS.Stat(g.inv.Path(name))
		if err != nil || !fi.IsDir() {
			out = append(out, name)
			continue
		}
		entries, _ := g.inv.FS.ReadDir(g.inv.Path(name))
		var sub []string
		for _, e := range entries {
			sub = append(sub, path.Join(name, e.Name()))
		}
		out = append(out, g.expandDirs(sub)...)
	}
	return out
}

// match finds the first match in line: its bounds, or nil.
func (g *grepper) match(line string) []int {
	for _, re := range g.res {
		if loc := re.FindStringSubmatchIndex(line); loc != nil {
			if g.f.has('w') {
				return loc[2:4]
			}
			return loc[:2]
		}
	}
	return nil
}

// search greps one input and reports whether a line was selected, and
// whether the input could be read.
func (g *grepper) search(name string) (matched, ok bool) {
	f := g.f
	r, err := openInput(g.inv, name)
	if err != nil {
		if !f.has('s') {
			g.inv.Errorf("%s: %s", name, errnoText(err))
		}
		return false, false
	}
	label := name
	if name == "-" {
		label = "(standard input)"
	}
	count, lineNo := 0, 0
	err = eachLine(r, func(line string) bool {
		lineNo++
		text := strings.TrimSuffix(line, "\n")
		loc := g.match(text)
		if (loc != nil) == f.has('v') {
			return true
		}
		count++
		matched = true
		if f.has('q') || f.has('l') || f.has('L') {
			return false
		}
		if !f.has('c') {
			g.print(label, lineNo, text, loc)
		}
		return g.max < 0 || count < g.max
	})
	if err != nil {
		readError(g.inv, err)
		return matched, false
	}
	switch {
	case f.has('c'):
		if g.names {
			writeOut(g.inv, fmt.Sprintf("%s:%d\n", label, count))
		} else {
			writeOut(g.inv, fmt.Sprintf("%d\n", count))
		}
	case f.has('l') && matched, f.has('L') && !matched:
		writeOut(g.inv, label+"\n")
	}
	if f.has('L') {
		return !matched, true
	}
	return matched, true
}

func (g *grepper) print(label string, lineNo int, text string, loc []int) {
	var sb strings.Builder
	if g.names {
		sb.WriteString(label + ":")
	}
	if g.f.has('n') {
		fmt.Fprintf(&sb, "%d:", lineNo)
	}
	if g.f.has('o') && loc != nil {
		for _, re := range g.res {
			for _, m := range re.FindAllString(text, -1) {
				if m != "" {
					writeOut(g.inv, sb.String()+m+"\n")
				}
			}
		}
		return
	}
	sb.WriteString(text + "\n")
	writeOut(g.inv, sb.String())
}
