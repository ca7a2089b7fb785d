package shell

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// golden is one case of testdata/busybox.txt.
type golden struct {
	script, stdout, stderr string
	code                   int
}

func readGolden(t *testing.T, name string) []golden {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var out []golden
	for _, c := range strings.Split(string(data), "=====\n") {
		script, rest, ok := strings.Cut(c, "--- stdout\n")
		if !ok {
			continue
		}
		lines := strings.Split(script, "\n")
		for len(lines) > 0 && strings.HasPrefix(lines[0], "#") {
			lines = lines[1:]
		}
		stdout, rest, _ := strings.Cut("\n"+rest, "\n--- stderr\n")
		stderr, rest, _ := strings.Cut("\n"+rest, "\n--- exit ")
		code, err := strconv.Atoi(strings.TrimSpace(rest))
		if err != nil {
			t.Fatalf("bad case %q", c)
		}
		g := golden{script: strings.TrimSuffix(strings.Join(lines, "\n"), "\n"), code: code}
		g.stdout = strings.TrimPrefix(stdout, "\n")
		if g.stdout != "" {
			g.stdout += "\n"
		}
		g.stderr = strings.TrimPrefix(stderr, "\n")
		if g.stderr != "" {
			g.stderr += "\n"
		}
		out = append(out, g)
	}
	return out
}

// TestBusyboxGolden runs scripts whose output real busybox sh printed,
// and expects the same bytes and exit code.
func TestBusyboxGolden(t *testing.T) {
	cases := readGolden(t, "testdata/busybox.txt")
	if len(cases) < 100 {
		t.Fatalf("only %d cases read", len(cases))
	}
	for _, g := range cases {
		e := newEnv(t)
		e.c.Env = []string{"PATH=/bin", "HOME=/root"}
		e.c.Dir = "/work"
		if err := e.c.FS.MkdirAll("/work", 0o755); err != nil {
			t.Fatal(err)
		}
		stdout, stderr, code := e.run(g.script)
		if stdout != g.stdout || stderr != g.stderr || code != g.code {
			t.Errorf("sh -c %q\n got stdout %q\n     stderr %q\n     exit %d\nwant stdout %q\n     stderr %q\n     exit %d",
				g.script, stdout, stderr, code, g.stdout, g.stderr, g.code)
		}
	}
}
