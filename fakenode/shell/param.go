package shell

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kubesim/kubesim/fakenode/shell/syntax"
)

// param returns a parameter's value and whether it is set.
func (i *interp) param(name string) (string, bool) {
	switch name {
	case "?":
		return strconv.Itoa(i.status), true
	case "$":
		return strconv.Itoa(i.pr.main.pid), true
	case "#":
		return strconv.Itoa(len(i.args)), true
	case "!":
		if i.lastBg == 0 {
			return "", false
		}
		return strconv.Itoa(i.lastBg), true
	case "-":
		return i.flags(), true
	case "0":
		return i.arg0, true
	case "@", "*":
		return strings.Join(i.args, " "), len(i.args) > 0
	case "LINENO":
		return strconv.Itoa(i.line), true
	case "PPID":
		return "0", true
	case "RANDOM":
		return strconv.Itoa(int(i.pr.steps.Load()*1103515245+12345) & 0x7fff), true
	}
	if n, err := strconv.Atoi(name); err == nil {
		if n >= 1 && n <= len(i.args) {
			return i.args[n-1], true
		}
		return "", false
	}
	return i.vars.get(name)
}

// flags is $-: the one-letter options in effect.
func (i *interp) flags() string {
	var sb strings.Builder
	for _, f := range []struct {
		on bool
		c  byte
	}{{i.opts.errexit, 'e'}, {i.opts.noglob, 'f'}, {i.opts.nounset, 'u'}, {i.opts.xtrace, 'x'}, {i.opts.allexport, 'a'}} {
		if f.on {
			sb.WriteByte(f.c)
		}
	}
	return sb.String()
}

// expandParam expands $name or ${...}; quoted is set inside "...".
func (i *interp) expandParam(pe *syntax.ParamExp, quoted bool) ([]seg, error) {
	if (pe.Name == "@" || pe.Name == "*") && pe.Op == syntax.ParamPlain {
		return i.expandArgs(pe.Name, quoted), nil
	}
	val, set := i.param(pe.Name)
	word := func(w *syntax.Word) ([]seg, error) { return i.expandWord(w, quoted) }
	result := func(s string) []seg { return []seg{{text: s, quoted: quoted, split: !quoted}} }
	empty := !set || pe.Colon && val == ""
	switch pe.Op {
	case syntax.ParamPlain:
		if !set && i.opts.nounset && pe.Name != "!" {
			i.errorf("%s: parameter not set", pe.Name)
			return nil, exitErr{2}
		}
		return result(val), nil
	case syntax.ParamLength:
		if pe.Name == "@" || pe.Name == "*" {
			return result(strconv.Itoa(len(i.args))), nil
		}
		return result(strconv.Itoa(utf8.RuneCountInString(val))), nil
	case syntax.ParamDefault:
		if empty {
			return word(pe.Arg)
		}
	case syntax.ParamAssign:
		if empty {
			v, err := i.expandString(pe.Arg)
			if err != nil {
				return nil, err
			}
			if !syntax.IsName(pe.Name) {
				i.errorf("%s: bad variable name", pe.Name)
				return nil, exitErr{2}
			}
			if err := i.setVar(pe.Name, v); err != nil {
				return nil, err
			}
			return result(v), nil
		}
	case syntax.ParamError:
		if empty {
			return nil, i.paramError(pe)
		}
	case syntax.ParamAlt:
		if empty {
			return nil, nil
		}
		return word(pe.Arg)
	case syntax.ParamSlice:
		v, err := i.slice(val, pe)
		if err != nil {
			return nil, err
		}
		return result(v), nil
	default:
		v, err := i.trimOrReplace(val, pe)
		if err != nil {
			return nil, err
		}
		return result(v), nil
	}
	return result(val), nil
}

// expandArgs expands $@ and $*: "$@" is one field per argument, "$*" one
// field joining them with IFS's first character, unquoted both split.
func (i *interp) expandArgs(name string, quoted bool) []seg {
	if quoted && name == "*" {
		sep := " "
		if ifs, ok := i.vars.get("IFS"); ok {
			sep = ""
			if ifs != "" {
				sep = ifs[:1]
			}
		}
		return []seg{{text: strings.Join(i.args, sep), quoted: true}}
	}
	segs := make([]seg, 0, len(i.args))
	for k, a := range i.args {
		segs = append(segs, seg{text: a, quoted: quoted, split: !quoted, brk: k > 0})
	}
	return segs
}

func (i *interp) paramError(pe *syntax.ParamExp) error {
	msg := "parameter not set"
	if pe.Colon {
		msg = "parameter not set or null"
	}
	if pe.Arg != nil && len(pe.Arg.Parts) > 0 {
		v, err := i.expandString(pe.Arg)
		if err != nil {
			return err
		}
		msg = v
	}
	i.errorf("%s: %s", pe.Name, msg)
	return exitErr{2}
}

// slice is ${x:offset:length}, both arithmetic; a negative offset counts
// from the end.
func (i *interp) slice(val string, pe *syntax.ParamExp) (string, error) {
	runes := []rune(val)
	off, err := i.arithWord(pe.Arg)
	if err != nil {
		return "", err
	}
	if off < 0 {
		off = max(int64(len(runes))+off, 0)
	}
	if off > int64(len(runes)) {
		return "", nil
	}
	end := int64(len(runes))
	if pe.Len != nil {
		n, err := i.arithWord(pe.Len)
		if err != nil {
			return "", err
		}
		if n < 0 {
			end = max(end+n, off)
		} else {
			end = min(off+n, end)
		}
	}
	return string(runes[off:end]), nil
}

func (i *interp) trimOrReplace(val string, pe *syntax.ParamExp) (string, error) {
	pat := ""
	if pe.Arg != nil {
		var err error
		if pat, err = i.expandPattern(pe.Arg); err != nil {
			return "", err
		}
	}
	switch pe.Op {
	case syntax.ParamTrimPrefix, syntax.ParamTrimLongPrefix:
		if n, ok := matchPrefix(pat, val, pe.Op == syntax.ParamTrimLongPrefix); ok {
			return val[n:], nil
		}
		return val, nil
	case syntax.ParamTrimSuffix, syntax.ParamTrimLongSuffix:
		if n, ok := matchSuffix(pat, val, pe.Op == syntax.ParamTrimLongSuffix); ok {
			return val[:n], nil
		}
		return val, nil
	}
	repl := ""
	if pe.Repl != nil {
		var err error
		if repl, err = i.expandString(pe.Repl); err != nil {
			return "", err
		}
	}
	return replacePattern(val, pat, repl, pe.Op), nil
}

// replacePattern is ${x/p/r} and its //, /# and /% forms: the longest
// match is replaced.
func replacePattern(val, pat, repl string, op syntax.ParamOp) string {
	if pat == "" {
		return val
	}
	switch op {
	case syntax.ParamReplacePrefix:
		if n, ok := matchPrefix(pat, val, true); ok {
			return repl + val[n:]
		}
		return val
	case syntax.ParamReplaceSuffix:
		if n, ok := matchSuffix(pat, val, true); ok {
			return val[:n] + repl
		}
		return val
	}
	var sb strings.Builder
	for k := 0; k < len(val); {
		n, ok := matchPrefix(pat, val[k:], true)
		if !ok || n == 0 {
			sb.WriteByte(val[k])
			k++
			continue
		}
		sb.WriteString(repl)
		k += n
		if op != syntax.ParamReplaceAll {
			sb.WriteString(val[k:])
			return sb.String()
		}
	}
	return sb.String()
}
