package shell

import "strings"

// flags are the options a program was given: a letter, with its value
// for options that take one ("" otherwise). An option given again keeps
// its last value, except those listed as repeatable (grep -e).
type flags struct {
	set    map[byte]string
	values map[byte][]string
}

func (f flags) has(c byte) bool { _, ok := f.set[c]; return ok }

func (f flags) get(c byte) string { return f.set[c] }

// getopt parses options as busybox's getopt32 does: spec lists the
// letters, a letter followed by ':' takes a value (-n5 or -n 5); options
// end at "--", at "-", or at the first operand. It prints the error and
// the usage and returns ok=false on an unknown option.
func getopt(inv *Invocation, spec string) (f flags, operands []string, ok bool) {
	f = flags{set: map[byte]string{}, values: map[byte][]string{}}
	args := inv.Args[1:]
	for len(args) > 0 {
		a := args[0]
		if a == "--" {
			args = args[1:]
			break
		}
		if len(a) < 2 || a[0] != '-' {
			break
		}
		args = args[1:]
		for k := 1; k < len(a); k++ {
			c := a[k]
			at := strings.IndexByte(spec, c)
			if at < 0 || c == ':' {
				inv.Errorf("invalid option -- '%c'", c)
				usage(inv)
				return f, nil, false
			}
			if at+1 < len(spec) && spec[at+1] == ':' {
				v := a[k+1:]
				if v == "" {
					if len(args) == 0 {
						inv.Errorf("option requires an argument -- '%c'", c)
						usage(inv)
						return f, nil, false
					}
					v = args[0]
					args = args[1:]
				}
				f.set[c] = v
				f.values[c] = append(f.values[c], v)
				break
			}
			f.set[c] = ""
		}
	}
	return f, args, true
}
