package shell

import (
	"sort"
	"strings"
)

// variable is one shell variable.
type variable struct {
	value    string
	exported bool
	readonly bool
	unset    bool // exported or made read-only before it was ever set
}

// varStore holds a shell's variables, remembering the order they were
// made so that env prints the environment in the order it was given.
type varStore struct {
	m     map[string]*variable
	order []string
}

func newVarStore() *varStore { return &varStore{m: map[string]*variable{}} }

func (s *varStore) clone() *varStore {
	c := &varStore{m: make(map[string]*variable, len(s.m)), order: append([]string(nil), s.order...)}
	for k, v := range s.m {
		cp := *v
		c.m[k] = &cp
	}
	return c
}

func (s *varStore) get(name string) (string, bool) {
	v, ok := s.m[name]
	if !ok || v.unset {
		return "", false
	}
	return v.value, true
}

// set assigns value, keeping the variable's attributes. It reports false
// if the variable is read-only.
func (s *varStore) set(name, value string) bool {
	v, ok := s.m[name]
	if !ok {
		s.m[name] = &variable{value: value}
		s.order = append(s.order, name)
		return true
	}
	if v.readonly {
		return false
	}
	v.value = value
	v.unset = false
	return true
}

// attr returns name's variable, creating it unset if needed, to give it
// an attribute (export NAME before NAME is set exports it once set).
func (s *varStore) attr(name string) *variable {
	v, ok := s.m[name]
	if !ok {
		v = &variable{unset: true}
		s.m[name] = v
		s.order = append(s.order, name)
	}
	return v
}

func (s *varStore) unset(name string) bool {
	v, ok := s.m[name]
	if !ok {
		return true
	}
	if v.readonly {
		return false
	}
	delete(s.m, name)
	for i, n := range s.order {
		if n == name {
			s.order = append(s.order[:i], s.order[i+1:]...)
			break
		}
	}
	return true
}

// environ returns the exported variables as "NAME=value", in order.
func (s *varStore) environ() []string {
	out := make([]string, 0, len(s.order))
	for _, name := range s.order {
		if v := s.m[name]; v.exported && !v.unset {
			out = append(out, name+"="+v.value)
		}
	}
	return out
}

// sorted returns the names of all variables, sorted, for set and export -p.
func (s *varStore) sorted() []string {
	names := make([]string, 0, len(s.m))
	for name := range s.m {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// shellQuote quotes s the way ash's set and export -p print values.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}
