package shell

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kubesim/kubesim/fakenode/memfs"
)

// The commands of the Kubernetes documentation's examples, run as a
// container runs them.
func TestDocumentationExamples(t *testing.T) {
	t.Run("postStart writes a file", func(t *testing.T) {
		e := newEnv(t)
		if err := e.c.FS.MkdirAll("/usr/share", 0o755); err != nil {
			t.Fatal(err)
		}
		r := e.c.Run(context.Background(), []string{"/bin/sh", "-c", "echo Hello from the postStart handler > /usr/share/message"}, 0)
		if r.ExitCode != 0 {
			t.Fatalf("%+v", r)
		}
		if got, _ := e.c.FS.ReadFile("/usr/share/message"); string(got) != "Hello from the postStart handler\n" {
			t.Fatalf("message = %q", got)
		}
	})
	t.Run("env and printenv", func(t *testing.T) {
		e := newEnv(t)
		e.c.Env = append(e.c.Env, "APPLOGLEVEL=info", "APPDATADIR=/appdata", "MY_CPU_REQUEST=1", "MY_CPU_LIMIT=2")
		out, _, code := e.run("env | grep APP")
		if code != 0 || out != "APPLOGLEVEL=info\nAPPDATADIR=/appdata\n" {
			t.Errorf("env | grep APP: %q, %d", out, code)
		}
		out, _, _ = e.run("env")
		if !strings.HasPrefix(out, "PATH=/usr/local/sbin:") || !strings.Contains(out, "\nHOSTNAME=test-pod\n") || !strings.Contains(out, "\nSHLVL=1\n") {
			t.Errorf("env: %q", out)
		}
		out, _, code = e.run("printenv MY_CPU_REQUEST MY_CPU_LIMIT")
		if code != 0 || out != "1\n2\n" {
			t.Errorf("printenv: %q, %d", out, code)
		}
	})
	t.Run("printenv in a loop", func(t *testing.T) {
		e := newEnv(t)
		e.c.Env = append(e.c.Env, "A=a value", "B=other")
		p := e.start("sh", "-c", "while true; do echo -en '\\n'; printenv A B; sleep 3600; done;")
		e.step(time.Hour)
		if want := "\na value\nother\n\na value\nother\n"; p.out.String() != want {
			t.Errorf("output %q, want %q", p.out.String(), want)
		}
	})
	t.Run("downward API labels", func(t *testing.T) {
		e := newEnv(t)
		podinfo := memfs.NewVolume(e.clk)
		if err := e.c.FS.Mount("/etc/podinfo", podinfo, memfs.MountOptions{ReadOnly: true}); err != nil {
			t.Fatal(err)
		}
		p := e.start("sh", "-c", "while true; do if [[ -e /etc/podinfo/labels ]]; then echo -en '\\n\\n'; cat /etc/podinfo/labels; fi; sleep 5; done;")
		e.step(5 * time.Second)
		if p.out.String() != "" {
			t.Fatalf("printed %q before the file existed", p.out.String())
		}
		if err := podinfo.Replace([]memfs.Entry{{Path: "labels", Data: []byte("cluster=\"test-cluster1\"\nrack=\"rack-22\"")}}); err != nil {
			t.Fatal(err)
		}
		e.step(5 * time.Second)
		if want := "\n\ncluster=\"test-cluster1\"\nrack=\"rack-22\""; p.out.String() != want {
			t.Errorf("output %q, want %q", p.out.String(), want)
		}
	})
	t.Run("init container waits for a service", func(t *testing.T) {
		e := newEnv(t)
		var resolvable atomic.Bool
		e.c.Commands = map[string]CommandFunc{"nslookup": func(_ context.Context, inv *Invocation) int {
			if !resolvable.Load() {
				inv.Errorf("can't resolve '%s'", inv.Args[1])
				return 1
			}
			return 0
		}}
		p := e.start("sh", "-c", "until nslookup redis-master; do echo waiting for redis; sleep 2; done;")
		e.step(2 * time.Second)
		resolvable.Store(true)
		e.step(2 * time.Second)
		if code, exited := p.exited(); !exited || code != 0 || p.out.String() != "waiting for redis\nwaiting for redis\n" {
			t.Errorf("exit %d %v, output %q", code, exited, p.out.String())
		}
		if want := "nslookup: can't resolve 'redis-master'\n"; !strings.HasPrefix(p.err.String(), want) {
			t.Errorf("stderr %q", p.err.String())
		}
	})
	t.Run("cronjob hello", func(t *testing.T) {
		e := newEnv(t)
		out, _, code := e.run("date; echo Hello from the Kubernetes cluster")
		if code != 0 || out != "Tue Jan  2 03:04:05 UTC 2024\nHello from the Kubernetes cluster\n" {
			t.Errorf("%q, %d", out, code)
		}
	})
	t.Run("init container copies to a shared volume", func(t *testing.T) {
		e := newEnv(t)
		app := memfs.NewVolume(e.clk)
		if err := e.c.FS.Mount("/app", app, memfs.MountOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := e.c.FS.WriteFile("/sample.war", []byte("PK war"), 0o644); err != nil {
			t.Fatal(err)
		}
		p := e.start("cp", "/sample.war", "/app")
		e.settle()
		tomcat := memfs.New(e.clk)
		if err := tomcat.Mount("/usr/local/tomcat/webapps", app, memfs.MountOptions{}); err != nil {
			t.Fatal(err)
		}
		if code, _ := p.exited(); code != 0 {
			t.Fatalf("cp exited %d: %s", code, p.err.String())
		}
		if got, err := tomcat.ReadFile("/usr/local/tomcat/webapps/sample.war"); err != nil || string(got) != "PK war" {
			t.Errorf("the other container reads %q, %v", got, err)
		}
	})
	t.Run("pi", func(t *testing.T) {
		e := newEnv(t)
		out, _, code := e.run("echo 'scale=1000; 4*a(1)' | bc -l ")
		digits := strings.ReplaceAll(out, "\\\n", "")
		if code != 0 || !strings.HasPrefix(digits, "3.14159265358979323846264338327950288419716939937510") || len(digits) != 1003 {
			t.Errorf("exit %d, %d chars: %.70q", code, len(digits), digits)
		}
		if lines := strings.Split(out, "\n"); len(lines[0]) != 69 || !strings.HasSuffix(lines[0], "\\") {
			t.Errorf("first line %q is not wrapped as GNU bc wraps", lines[0])
		}
	})
	t.Run("exit codes", func(t *testing.T) {
		e := newEnv(t)
		for _, tt := range []struct {
			argv []string
			code int
		}{
			{[]string{"sh", "-c", "exit 1"}, 1},
			{[]string{"/bin/sh", "-c", "exit 137"}, 137},
			{[]string{"false"}, 1},
			{[]string{"true"}, 0},
		} {
			p := e.start(tt.argv...)
			e.settle()
			if code, exited := p.exited(); !exited || code != tt.code {
				t.Errorf("%q: exit %d %v", tt.argv, code, exited)
			}
		}
	})
}
