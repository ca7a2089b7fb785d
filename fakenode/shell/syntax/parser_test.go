package syntax

import (
	"errors"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	tests := []struct {
		src, want string
	}{
		{"touch /tmp/healthy; sleep 30; rm -rf /tmp/healthy; sleep 600",
			"touch /tmp/healthy; sleep 30; rm -rf /tmp/healthy; sleep 600"},
		{"echo Hello from the postStart handler > /usr/share/message",
			"echo Hello from the postStart handler >/usr/share/message"},
		{"env | grep APP", "env | grep APP"},
		{`while true; do echo -en '\n'; printenv A B; sleep 3600; done;`,
			`while true; do echo -en '\n'; printenv A B; sleep 3600; done`},
		{"while true; do if [[ -e /etc/podinfo/labels ]]; then echo -en '\\n\\n'; cat /etc/podinfo/labels; fi; sleep 5; done;",
			"while true; do if [[ -e /etc/podinfo/labels ]]; then echo -en '\\n\\n'; cat /etc/podinfo/labels; fi; sleep 5; done"},
		{"until nslookup redis-master; do echo waiting for redis; sleep 2; done;",
			"until nslookup redis-master; do echo waiting for redis; sleep 2; done"},
		{"echo 'scale=10000; 4*a(1)' | bc -l ", "echo 'scale=10000; 4*a(1)' | bc -l"},
		{"tail -f /logs/catalina*.log", "tail -f /logs/catalina*.log"},
		{"trap 'echo bye; exit 0' TERM; sleep 600 & wait", "trap 'echo bye; exit 0' TERM; sleep 600 & wait"},
		{"A=1 B=$x cmd", "A=1 B=${x} cmd"},
		{"a && b || ! c | d", "a && b || ! c | d"},
		{"{ a; b; } > f 2>&1", "{ a; b; } >f 2>&1"},
		{"( cd /; ls ) &", "( cd /; ls ) &"},
		{"if a; then b; elif c; then d; else e; fi", "if a; then b; elif c; then d; else e; fi"},
		{"for x in 1 2 3\ndo\n echo $x\ndone", "for x in 1 2 3; do echo ${x}; done"},
		{"for x; do :; done", "for x; do :; done"},
		{"case $1 in (a|b) echo ab;; *) echo other; esac", "case ${1} in a|b) echo ab;; *) echo other;; esac"},
		{"case x in esac", "case x in esac"},
		{"f() { echo $#; }; f a b", "f() { echo ${#}; }; f a b"},
		{"function g { :; }", "g() { :; }"},
		{`echo "a $b ${c:-d e} $(f g) \$ \" \x" 'h"i'`, `echo "a ${b} ${c:-d e} $(f g) \$ \" \\x" 'h"i'`},
		{"echo ${#x} ${x%.*} ${x##*/} ${x/a/b} ${x//a} ${x:1:2} ${x:=y} ${x?err} ${x+alt}",
			"echo ${#x} ${x%.*} ${x##*/} ${x/a/b} ${x//a} ${x:1:2} ${x:=y} ${x?err} ${x+alt}"},
		{"echo $((1 + $x * (2+3))) `date` $( (a); b )", "echo $((1 + ${x} * (2+3))) $(date) $(( a ); b)"},
		{"echo a\\ b \\$x", "echo a' 'b '$'x"},
		{"echo $'a\\tb' $", "echo 'a\tb' $"},
		{"cat <<EOF\nhello $name\nEOF\necho after", "cat <<EOF<<hello ${name}\n>>; echo after"},
		{"cat <<-'EOF'\n\tliteral $x\n\tEOF\n", "cat <<-'EOF'<<literal $x\n>>"},
		{"echo a # comment\n# another\necho b", "echo a; echo b"},
		{"x=1\\\n2; echo $x", "x=12; echo ${x}"},
		{"exec 3>&- 2>/dev/null; cmd <in >>out &>all", "exec 3>&- 2>/dev/null; cmd <in >>out &>all"},
		{"[[ ! -z $a && ( $b == c* || $d -lt 3 ) ]]", "[[ ( ! -z ${a} && ( ${b} == c* || ${d} -lt 3 ) ) ]]"},
		{"echo }{ if", "echo }{ if"},
		{"", ""},
	}
	for _, tt := range tests {
		stmts, err := Parse(tt.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.src, err)
			continue
		}
		if got := Format(stmts); got != tt.want {
			t.Errorf("Parse(%q)\n got %s\nwant %s", tt.src, got, tt.want)
		}
	}
}

// The messages are busybox ash's (1.35), checked against the real shell.
func TestParseErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"if true; then fi", `unexpected "fi"`},
		{"if true; then echo", `unexpected end of file (expecting "fi")`},
		{"if true; then echo; done", `unexpected "done" (expecting "fi")`},
		{"if true; echo; fi", `unexpected "fi" (expecting "then")`},
		{"while true; do echo; fi", `unexpected "fi" (expecting "done")`},
		{"for x y; do :; done", `unexpected word (expecting "do")`},
		{"for; do", "bad for loop variable"},
		{"case a b", `unexpected word (expecting "in")`},
		{"case a in a) echo;; x", `unexpected end of file (expecting ")")`},
		{"{ echo", `unexpected end of file (expecting "}")`},
		{"{ }", `unexpected "}"`},
		{"( )", `unexpected ")"`},
		{"echo ;;", `unexpected ";;"`},
		{";", `unexpected ";"`},
		{"echo a |", "unexpected end of file"},
		{"echo >", "unexpected end of file"},
		{"echo > ;", `unexpected ";"`},
		{"a=1 b() { :; }", `unexpected "("`},
		{"echo 'abc", "unterminated quoted string"},
		{`echo "abc`, "unterminated quoted string"},
		{"echo ${", "bad substitution"},
		{"echo ${x", "missing '}'"},
		{"echo ${}", "bad substitution"},
		{"echo ${x!}", "bad substitution"},
		{"echo $((", "missing '))'"},
		{"echo $(ls", `unexpected end of file (expecting ")")`},
		{"echo `ls", "EOF in backquote substitution"},
		{"until; do :; done", `unexpected ";"`},
		{"! ", "unexpected end of file"},
		{"echo a && ; b", `unexpected ";"`},
		{"done", `unexpected "done"`},
		{"echo (a)", `unexpected word (expecting ")")`},
		{"echo a) b", `unexpected ")"`},
		{"echo a; fi; echo b", `unexpected "fi"`},
	}
	for _, tt := range tests {
		_, err := Parse(tt.src)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) = %v, want a syntax error", tt.src, err)
			continue
		}
		if se.Msg != tt.want {
			t.Errorf("Parse(%q) = %q, want %q", tt.src, se.Msg, tt.want)
		}
	}
}

func TestParserNextIsLineByLine(t *testing.T) {
	p := NewParser("echo a; echo b\n\nif x\nthen y\nfi\nfi\necho never")
	var got []string
	for {
		stmts, err := p.Next()
		if err == io.EOF {
			t.Fatal("reached EOF without the syntax error")
		}
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Line != 6 {
				t.Fatalf("error %v, want a syntax error on line 6", err)
			}
			break
		}
		got = append(got, Format(stmts))
	}
	want := []string{"echo a; echo b", "if x; then y; fi"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
}

func TestStmtLines(t *testing.T) {
	stmts, err := Parse("a\n\nb; c\n  d")
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	for _, s := range stmts {
		lines = append(lines, s.Line)
	}
	if diff := cmp.Diff([]int{1, 3, 3, 4}, lines); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
}
