package shell

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kubesim/kubesim/fakenode/memfs"
)

// nginx is what a kubelet might register: it serves until SIGTERM or
// SIGQUIT, then quits cleanly, as nginx does.
func nginx(_ context.Context, inv *Invocation) int {
	if len(inv.Args) > 2 && inv.Args[1] == "-s" {
		return 0 // nginx -s quit: signal the master; nothing to do here
	}
	inv.Notify(syscall.SIGTERM, syscall.SIGQUIT)
	fmt.Fprintln(inv.Stdout, "start worker processes")
	err := inv.Sleep(-1)
	var se *SignalError
	if errors.As(err, &se) {
		fmt.Fprintf(inv.Stdout, "signal %d (%s) received, exiting\n", se.Signal, signalName(se.Signal))
		return 0
	}
	return 1
}

func TestRegisteredCommands(t *testing.T) {
	e := newEnv(t)
	e.c.Commands = map[string]CommandFunc{"nginx": nginx}
	p := e.start("/usr/sbin/nginx", "-g", "daemon off;")
	e.step(time.Minute)
	if _, exited := p.exited(); exited {
		t.Fatal("nginx ended by itself")
	}
	p.Signal(syscall.SIGTERM)
	e.settle()
	if code, _ := p.exited(); code != 0 || p.out.String() != "start worker processes\nsignal 15 (TERM) received, exiting\n" {
		t.Errorf("exit %d, output %q", code, p.out.String())
	}
	// A preStop hook that runs it by path.
	if r := e.c.Run(context.Background(), []string{"/usr/sbin/nginx", "-s", "quit"}, 0); r.ExitCode != 0 {
		t.Errorf("preStop: %+v", r)
	}
}

func TestInvocation(t *testing.T) {
	e := newEnv(t)
	e.c.Dir = "/tmp"
	var got *Invocation
	e.c.Commands = map[string]CommandFunc{"inspect": func(_ context.Context, inv *Invocation) int {
		got = inv
		fmt.Fprint(inv.Stdout, inv.Getenv("X"), " ", inv.Path("rel"), " ", inv.Hostname())
		data, _ := inv.FS.ReadFile("/etc/hostname")
		fmt.Fprintf(inv.Stderr, "%q", data)
		return 4
	}}
	out, errOut, code := e.run("cd /var; X=1 inspect a 'b c'")
	if code != 4 || out != "1 /var/rel test-pod" || errOut != `"test-pod\n"` {
		t.Fatalf("%q %q %d", out, errOut, code)
	}
	if want := []string{"inspect", "a", "b c"}; strings.Join(got.Args, "|") != strings.Join(want, "|") {
		t.Errorf("args %q", got.Args)
	}
}

func TestAwait(t *testing.T) {
	e := newEnv(t)
	var mu sync.Mutex
	var wakeUp func()
	e.c.Commands = map[string]CommandFunc{"waitevent": func(_ context.Context, inv *Invocation) int {
		err := inv.Await(func(wake func()) func() {
			mu.Lock()
			wakeUp = wake
			mu.Unlock()
			return func() {}
		})
		if err != nil {
			return 1
		}
		fmt.Fprintln(inv.Stdout, "event")
		return 0
	}}
	p := e.sh("waitevent; echo after")
	e.settle()
	mu.Lock()
	wake := wakeUp
	mu.Unlock()
	wake()
	if busy(e) != 1 {
		t.Fatalf("busy = %d right after the event", busy(e))
	}
	e.settle()
	if code, _ := p.exited(); code != 0 || p.out.String() != "event\nafter\n" {
		t.Fatalf("exit %d output %q", code, p.out.String())
	}
}

func TestReadOnlyMount(t *testing.T) {
	e := newEnv(t)
	cm := memfs.NewVolume(e.clk)
	if err := cm.Replace([]memfs.Entry{{Path: "key", Data: []byte("value")}}); err != nil {
		t.Fatal(err)
	}
	if err := e.c.FS.Mount("/etc/config", cm, memfs.MountOptions{ReadOnly: true}); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := e.run("cat /etc/config/key; echo; echo x > /etc/config/key; echo $?; touch /etc/config/new; rm /etc/config/key; ls /etc/config")
	wantErr := "sh: can't create /etc/config/key: Read-only file system\n" +
		"touch: /etc/config/new: Read-only file system\n" +
		"rm: can't remove '/etc/config/key': Read-only file system\n"
	if out != "value\n1\nkey\n" || errOut != wantErr || code != 0 {
		t.Errorf("stdout %q\nstderr %q\nexit %d", out, errOut, code)
	}
}

func TestWriteToInitOutput(t *testing.T) {
	e := newEnv(t)
	main := e.sh("sleep 100")
	e.settle()
	r := e.c.Run(context.Background(), []string{"sh", "-c", "echo from exec > /proc/1/fd/1"}, 0)
	if r.ExitCode != 0 || main.out.String() != "from exec\n" {
		t.Errorf("%+v; main's output %q", r, main.out.String())
	}
}

func TestScripts(t *testing.T) {
	e := newEnv(t)
	script := "#!/bin/sh\necho \"$0 got $# args: $*\"\nexit 3\n"
	if err := e.c.FS.WriteFile("/root/start.sh", []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	p := e.start("sh", "-c", "/root/start.sh a b")
	e.settle()
	if code, _ := p.exited(); code != 3 || p.out.String() != "/root/start.sh got 2 args: a b\n" {
		t.Errorf("exit %d output %q", code, p.out.String())
	}
	p = e.start("/root/start.sh", "direct")
	e.settle()
	if code, _ := p.exited(); code != 3 || p.out.String() != "/root/start.sh got 1 args: direct\n" {
		t.Errorf("direct: exit %d output %q", code, p.out.String())
	}
	// sh reads a script from its input.
	tp := &testProc{out: &syncBuffer{}, err: &syncBuffer{}}
	tp.Process = e.c.Start(context.Background(), Spec{Argv: []string{"sh"}, Stdin: strings.NewReader("echo from stdin\nexit 5\n"), Stdout: tp.out})
	e.settle()
	if code, _ := tp.exited(); code != 5 || tp.out.String() != "from stdin\n" {
		t.Errorf("sh <script: exit %d output %q", code, tp.out.String())
	}
	// Without input, sh exits at once, as busybox run without a command.
	tp = &testProc{out: &syncBuffer{}, err: &syncBuffer{}}
	tp.Process = e.c.Start(context.Background(), Spec{})
	e.settle()
	if code, exited := tp.exited(); !exited || code != 0 {
		t.Errorf("bare sh: exit %d %v", code, exited)
	}
}

// A shell started as /bin/sh (as most pods' commands start it) goes by
// that name in $0 and in its errors, as busybox's does.
func TestShellGoesByItsInvokedName(t *testing.T) {
	e := newEnv(t)
	p := e.start("/bin/sh", "-c", "nosuchcmd; echo $0")
	e.settle()
	<-p.Done()
	if out, errOut := p.out.String(), p.err.String(); out != "/bin/sh\n" || errOut != "/bin/sh: nosuchcmd: not found\n" {
		t.Errorf("stdout %q, stderr %q", out, errOut)
	}
	p = e.start("/bin/sh", "echo")
	e.settle()
	<-p.Done()
	if errOut := p.err.String(); errOut != "/bin/sh: can't open 'echo': No such file or directory\n" {
		t.Errorf("a script that is not there: stderr %q", errOut)
	}
}

func TestSyntaxErrorStopsAtItsLine(t *testing.T) {
	e := newEnv(t)
	out, errOut, code := e.run("echo first\nif true; then\necho never\ndone\necho never either")
	if out != "first\n" || errOut != "sh: syntax error: unexpected \"done\" (expecting \"fi\")\n" || code != 2 {
		t.Errorf("%q %q %d", out, errOut, code)
	}
}

func TestPipelines(t *testing.T) {
	e := newEnv(t)
	tests := []struct{ script, out string }{
		{"seq 10 | grep 1 | wc -l", "2\n"},
		{"yes | head -n 2", "y\ny\n"},
		{"printf 'b\\na\\n' | sort | tee /tmp/sorted | wc -l; cat /tmp/sorted", "2\na\nb\n"},
		{"echo x | false; echo $?; false | echo y; echo $?", "1\ny\n0\n"},
		{"seq 100000 | tail -n 1", "100000\n"},
		{"cat /dev/zero | head -c 5 | wc -c", "5\n"},
		{"echo a | { cat; echo b; } | cat -n", "     1\ta\n     2\tb\n"},
	}
	for _, tt := range tests {
		if out, errOut, code := e.run(tt.script); out != tt.out || code != 0 {
			t.Errorf("%s: %q (stderr %q, exit %d), want %q", tt.script, out, errOut, code, tt.out)
		}
	}
}

func TestEphemeralStorage(t *testing.T) {
	e := newEnv(t)
	scratch := memfs.NewVolume(e.clk)
	if err := e.c.FS.Mount("/scratch", scratch, memfs.MountOptions{}); err != nil {
		t.Fatal(err)
	}
	e.run("seq 1000 > /scratch/numbers; echo hi > /tmp/root-layer")
	if got := scratch.Usage(); got != 3893 {
		t.Errorf("scratch usage %d, want 3893", got)
	}
	if got := e.c.FS.Root().Usage(); got < 3 {
		t.Errorf("root layer usage %d", got)
	}
	e.run("rm /scratch/numbers")
	if got := scratch.Usage(); got != 0 {
		t.Errorf("after rm: %d", got)
	}
}
