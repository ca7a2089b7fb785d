package shell

import (
	"sort"
	"strings"

	"github.com/kubesim/kubesim/fakenode/shell/syntax"
)

// A word expands to segments of text, each either quoted (taken
// literally) or the unquoted result of an expansion (split into fields by
// IFS and globbed) or unquoted literal text (globbed, not split).
type seg struct {
	text   string
	quoted bool
	split  bool // an unquoted expansion's result
	brk    bool // "$@": a field boundary before this segment
}

// expandFields expands words into fields, as for a command's arguments:
// parameter, command and arithmetic expansion, field splitting, globbing
// and quote removal.
func (i *interp) expandFields(words []*syntax.Word) ([]string, error) {
	var out []string
	for _, w := range words {
		segs, err := i.expandWord(w, false)
		if err != nil {
			return nil, err
		}
		for _, f := range i.splitFields(segs) {
			out = append(out, i.glob(f)...)
		}
	}
	return out, nil
}

// expandString expands a word to one string, without splitting or
// globbing: assignments, redirection targets, case subjects.
func (i *interp) expandString(w *syntax.Word) (string, error) {
	segs, err := i.expandWord(w, false)
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	for k, s := range segs {
		if s.brk && k > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(s.text)
	}
	return sb.String(), nil
}

// expandPattern expands a word into a pattern for matchPattern: quoted
// text is escaped so that its *, ? and [ match themselves.
func (i *interp) expandPattern(w *syntax.Word) (string, error) {
	segs, err := i.expandWord(w, false)
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	for _, s := range segs {
		if s.quoted {
			sb.WriteString(escapePattern(s.text))
		} else {
			sb.WriteString(s.text)
		}
	}
	return sb.String(), nil
}

// expandWord expands the parts of w; quoted is set inside double quotes.
func (i *interp) expandWord(w *syntax.Word, quoted bool) ([]seg, error) {
	var segs []seg
	for k, part := range w.Parts {
		switch part := part.(type) {
		case *syntax.Lit:
			text := part.Value
			if k == 0 && !quoted {
				text = i.tilde(text)
			}
			segs = append(segs, seg{text: text, quoted: quoted})
		case *syntax.Quoted:
			segs = append(segs, seg{text: part.Value, quoted: true})
		case *syntax.DblQuoted:
			inner, err := i.expandWord(&syntax.Word{Parts: part.Parts}, true)
			if err != nil {
				return nil, err
			}
			if len(inner) == 0 && !hasAtParam(part.Parts) {
				inner = []seg{{quoted: true}} // "" is an empty field
			}
			segs = append(segs, inner...)
		case *syntax.ParamExp:
			s, err := i.expandParam(part, quoted)
			if err != nil {
				return nil, err
			}
			segs = append(segs, s...)
		case *syntax.CmdSubst:
			out, err := i.cmdSubst(part)
			if err != nil {
				return nil, err
			}
			segs = append(segs, seg{text: out, quoted: quoted, split: !quoted})
		case *syntax.ArithExp:
			v, err := i.arith(part)
			if err != nil {
				return nil, err
			}
			segs = append(segs, seg{text: v, quoted: quoted, split: !quoted})
		}
	}
	return segs, nil
}

// hasAtParam reports whether parts hold a "$@", which may expand to no
// field at all.
func hasAtParam(parts []syntax.WordPart) bool {
	for _, p := range parts {
		if pe, ok := p.(*syntax.ParamExp); ok && pe.Name == "@" && pe.Op == syntax.ParamPlain {
			return true
		}
	}
	return false
}

// tilde expands a leading ~ or ~/ to HOME.
func (i *interp) tilde(s string) string {
	switch {
	case s == "~" || strings.HasPrefix(s, "~/"):
		return i.getVarOr("HOME", "/root") + s[1:]
	case s == "~root" || strings.HasPrefix(s, "~root/"):
		return "/root" + s[5:]
	}
	return s
}

// field is a field under construction: its text and its glob pattern.
type field struct {
	text, pattern strings.Builder
	glob          bool // holds an unquoted *, ? or [
}

func (f *field) add(s string, quoted bool) {
	f.text.WriteString(s)
	if quoted {
		f.pattern.WriteString(escapePattern(s))
		return
	}
	f.pattern.WriteString(s)
	if strings.ContainsAny(s, "*?[") {
		f.glob = true
	}
}

// splitFields joins segments into fields, splitting the unquoted results
// of expansions at IFS characters as POSIX says: runs of IFS white space
// separate fields, and each other IFS character ends one.
func (i *interp) splitFields(segs []seg) []*field {
	ifs, ok := i.vars.get("IFS")
	if !ok {
		ifs = " \t\n"
	}
	var (
		fields []*field
		cur    = &field{}
		exists bool // cur is a field even if empty
	)
	push := func() {
		fields = append(fields, cur)
		cur, exists = &field{}, false
	}
	for _, s := range segs {
		if s.brk {
			push()
			exists = true
		}
		if !s.split || ifs == "" {
			cur.add(s.text, s.quoted)
			if s.quoted || s.text != "" {
				exists = true
			}
			continue
		}
		afterWhite := false
		for k := 0; k < len(s.text); k++ {
			c := s.text[k]
			switch {
			case strings.IndexByte(ifs, c) < 0:
				cur.add(s.text[k:k+1], false)
				exists, afterWhite = true, false
			case c == ' ' || c == '\t' || c == '\n':
				if exists {
					push()
				}
				afterWhite = true
			default:
				if !afterWhite || exists {
					push()
				}
				afterWhite = false
			}
		}
	}
	if exists {
		push()
	}
	return fields
}

// glob returns the paths a field's pattern matches, sorted, or the field's
// text if it has no pattern or matches nothing.
func (i *interp) glob(f *field) []string {
	if !f.glob || i.opts.noglob {
		return []string{f.text.String()}
	}
	matches := i.globPath(f.pattern.String())
	if len(matches) == 0 {
		return []string{f.text.String()}
	}
	sort.Strings(matches)
	return matches
}

// cmdSubst runs $(...) in a subshell and returns its output without
// trailing newlines.
func (i *interp) cmdSubst(c *syntax.CmdSubst) (string, error) {
	var out syncBuffer
	status := i.subshell(func(sub *interp) error {
		sub.fds[1] = &ofile{w: &out}
		return sub.runStmts(c.Stmts)
	})
	if err := i.p.checkKilled(); err != nil {
		return "", err
	}
	i.substStatus = status
	i.status = status
	return strings.TrimRight(out.String(), "\n"), nil
}
