package shell

import (
	"context"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kubesim/kubesim/fakenode/memfs"
)

// The liveness probe example of the Kubernetes documentation: the file
// exists for 30 seconds, then cat fails.
func TestLivenessExample(t *testing.T) {
	e := newEnv(t)
	p := e.sh("touch /tmp/healthy; sleep 30; rm -rf /tmp/healthy; sleep 600")
	probe := func() Result {
		t.Helper()
		e.settle()
		var r Result
		done := make(chan struct{})
		go func() { r = e.c.Run(context.Background(), []string{"cat", "/tmp/healthy"}, time.Second); close(done) }()
		<-done
		return r
	}
	if r := probe(); r.ExitCode != 0 || string(r.Output) != "" {
		t.Fatalf("at 0s: %+v", r)
	}
	e.step(29 * time.Second)
	if r := probe(); r.ExitCode != 0 {
		t.Fatalf("at 29s: %+v", r)
	}
	e.step(time.Second)
	r := probe()
	if want := "cat: can't open '/tmp/healthy': No such file or directory\n"; r.ExitCode != 1 || string(r.Output) != want {
		t.Fatalf("at 30s: %+v, want exit 1 and %q", r, want)
	}
	if _, exited := p.exited(); exited {
		t.Fatal("exited before its sleep 600")
	}
	e.step(600 * time.Second)
	if code, exited := p.exited(); !exited || code != 0 {
		t.Fatalf("after 630s: exit %d, exited %v", code, exited)
	}
}

func TestSleepForms(t *testing.T) {
	tests := []struct {
		args  string
		after time.Duration // when it must have ended
	}{
		{"sleep 2", 2 * time.Second},
		{"sleep 1.5", 1500 * time.Millisecond},
		{"sleep 1m", time.Minute},
		{"sleep 1h 30", time.Hour + 30*time.Second},
		{"sleep 2d", 48 * time.Hour},
		{"sleep .25s", 250 * time.Millisecond},
	}
	for _, tt := range tests {
		e := newEnv(t)
		p := e.sh(tt.args + "; echo woke")
		e.step(tt.after - time.Millisecond)
		if _, exited := p.exited(); exited {
			t.Errorf("%s: ended before %v", tt.args, tt.after)
			continue
		}
		e.step(time.Millisecond)
		if code, exited := p.exited(); !exited || code != 0 || p.out.String() != "woke\n" {
			t.Errorf("%s: after %v exit %d %v, output %q", tt.args, tt.after, code, exited, p.out.String())
		}
	}
}

func TestSleepForever(t *testing.T) {
	for _, script := range []string{"sleep infinity", "sleep inf", "tail -f /dev/null", "sleep 86400"} {
		e := newEnv(t)
		p := e.sh(script)
		e.step(24*time.Hour - time.Second)
		if _, exited := p.exited(); exited {
			t.Errorf("%s ended", script)
		}
		if !p.Signal(syscall.SIGKILL) {
			t.Errorf("%s: SIGKILL found no process", script)
		}
		if code, _ := p.exited(); code != 137 {
			t.Errorf("%s: exit %d after SIGKILL, want 137", script, code)
		}
	}
}

func TestTrapOnTerm(t *testing.T) {
	for _, script := range []string{
		"trap 'echo bye; exit 0' TERM; echo start; sleep 600",
		"trap 'echo bye; exit 0' TERM; echo start; sleep 600 & wait",
		"trap 'echo bye; exit 0' TERM; echo start; while true; do sleep 1; done",
		"trap 'echo bye; exit 0' TERM; echo start; tail -f /dev/null",
	} {
		e := newEnv(t)
		p := e.sh(script)
		e.step(10 * time.Second)
		p.Signal(syscall.SIGTERM)
		e.settle()
		if code, exited := p.exited(); !exited || code != 0 || p.out.String() != "start\nbye\n" {
			t.Errorf("%s: exit %d %v, output %q", script, code, exited, p.out.String())
		}
	}
}

func TestTrapWithoutExitCarriesOn(t *testing.T) {
	e := newEnv(t)
	p := e.sh("trap 'echo got TERM' TERM; sleep 100; echo after $?; sleep 5; echo end")
	e.step(time.Second)
	p.Signal(syscall.SIGTERM)
	e.step(5 * time.Second)
	if code, exited := p.exited(); !exited || code != 0 {
		t.Fatalf("exit %d %v", code, exited)
	}
	if want := "got TERM\nafter 143\nend\n"; p.out.String() != want {
		t.Errorf("output %q, want %q", p.out.String(), want)
	}
}

func TestTermWithoutTrap(t *testing.T) {
	e := newEnv(t)
	var exits []int
	var mu sync.Mutex
	p := e.c.Start(context.Background(), Spec{
		Argv:   []string{"sh", "-c", "sleep 600"},
		OnExit: func(code int) { mu.Lock(); exits = append(exits, code); mu.Unlock() },
	})
	e.settle()
	p.Signal(syscall.SIGTERM)
	mu.Lock()
	got := append([]int(nil), exits...)
	mu.Unlock()
	if len(got) != 1 || got[0] != 143 {
		t.Fatalf("OnExit calls right after SIGTERM: %v, want [143]", got)
	}
	<-p.Done()
	if p.Wait() != 143 {
		t.Errorf("Wait = %d", p.Wait())
	}
}

func TestInitIgnoresTermWithoutTrap(t *testing.T) {
	e := newEnv(t)
	p := e.c.Start(context.Background(), Spec{Argv: []string{"sleep", "3600"}, Init: true})
	e.settle()
	p.Signal(syscall.SIGTERM)
	e.step(30 * time.Second)
	if _, exited := p.ExitCode(); exited {
		t.Fatal("init sleep ended on SIGTERM")
	}
	p.Signal(syscall.SIGKILL)
	if code, exited := p.ExitCode(); !exited || code != 137 {
		t.Fatalf("after SIGKILL: %d %v", code, exited)
	}
	<-p.Done()
}

func TestIgnoredSignal(t *testing.T) {
	e := newEnv(t)
	p := e.sh("trap '' TERM; sleep 10; echo done")
	e.settle()
	p.Signal(syscall.SIGTERM)
	e.step(10 * time.Second)
	if code, exited := p.exited(); !exited || code != 0 || p.out.String() != "done\n" {
		t.Fatalf("exit %d %v output %q", code, exited, p.out.String())
	}
}

func TestSigkillStopsEverything(t *testing.T) {
	e := newEnv(t)
	p := e.sh("sleep 100 & sleep 200 & yes > /dev/null & tail -f /dev/null | cat; echo never")
	e.settle()
	p.Signal(syscall.SIGKILL)
	if code, exited := p.exited(); !exited || code != 137 {
		t.Fatalf("exit %d %v", code, exited)
	}
	<-p.Done() // every goroutine has ended
	if busy, _ := e.act.Busy(0); busy != 0 {
		t.Errorf("busy count %d after the process ended", busy)
	}
	if p.out.String() != "" {
		t.Errorf("output %q", p.out.String())
	}
}

func TestContextCancelKills(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	p := e.c.Start(ctx, Spec{Argv: []string{"sh", "-c", "sleep 100"}})
	e.settle()
	cancel()
	<-p.Done()
	if code := p.Wait(); code != 137 {
		t.Errorf("exit %d after the context ended", code)
	}
}

func TestTailFollowsAppends(t *testing.T) {
	e := newEnv(t)
	logs := memfs.NewVolume(e.clk)
	for _, f := range []*memfs.FS{e.c.FS} {
		if err := f.Mount("/logs", logs, memfs.MountOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	writerFS := memfs.New(e.clk)
	if err := writerFS.Mount("/usr/local/tomcat/logs", logs, memfs.MountOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := writerFS.WriteFile("/usr/local/tomcat/logs/catalina.2024-01-02.log", []byte("started\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	writer := &Container{FS: writerFS, Clock: e.clk, Activity: e.act}
	reader := e.sh("tail -f /logs/catalina*.log")
	e.settle()
	if got := reader.out.String(); got != "started\n" {
		t.Fatalf("tail printed %q", got)
	}
	w := writer.Start(context.Background(), Spec{Argv: []string{"sh", "-c",
		"for i in 1 2 3; do echo request $i >> /usr/local/tomcat/logs/catalina.2024-01-02.log; sleep 1; done"}})
	e.settle()
	if got := reader.out.String(); got != "started\nrequest 1\n" {
		t.Fatalf("after the first write tail printed %q", got)
	}
	e.step(time.Second)
	e.step(time.Second)
	e.step(time.Second)
	<-w.Done()
	if got := reader.out.String(); got != "started\nrequest 1\nrequest 2\nrequest 3\n" {
		t.Fatalf("tail printed %q", got)
	}
	if _, exited := reader.exited(); exited {
		t.Fatal("tail -f ended")
	}
}

func TestProbeReadsWhileMainWrites(t *testing.T) {
	e := newEnv(t)
	e.sh("i=0; while true; do i=$((i+1)); echo $i > /tmp/count; echo line $i >> /tmp/log; sleep 1; done")
	e.settle()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			r := e.c.Run(context.Background(), []string{"sh", "-c", "cat /tmp/count; wc -l < /tmp/log"}, 0)
			if r.ExitCode != 0 {
				t.Errorf("probe failed: %+v", r)
				return
			}
		}
	}()
	for range 50 {
		e.step(time.Second)
	}
	close(stop)
	wg.Wait()
	e.settle()
	r := e.c.Run(context.Background(), []string{"cat", "/tmp/count"}, 0)
	if got := strings.TrimSpace(string(r.Output)); got != "51" {
		t.Errorf("count is %q after 50s, want 51", got)
	}
}

func TestRunTimeout(t *testing.T) {
	e := newEnv(t)
	done := make(chan Result)
	go func() {
		done <- e.c.Run(context.Background(), []string{"sh", "-c", "echo begin; sleep 10"}, 2*time.Second)
	}()
	waitForWaiters(e, 2) // the timeout and the sleep
	e.clk.Step(time.Second)
	select {
	case r := <-done:
		t.Fatalf("ended after 1s: %+v", r)
	default:
	}
	e.clk.Step(time.Second)
	r := <-done
	if !r.TimedOut || r.ExitCode != 137 || string(r.Output) != "begin\n" {
		t.Errorf("got %+v", r)
	}
}

func TestBackgroundJobsAndKill(t *testing.T) {
	e := newEnv(t)
	p := e.sh("sleep 5 & a=$!; sleep 100 & b=$!; kill $b; wait $b; echo b=$?; wait $a; echo a=$?")
	e.settle()
	if got := p.out.String(); got != "b=143\n" {
		t.Fatalf("before 5s: %q", got)
	}
	e.step(5 * time.Second)
	if code, exited := p.exited(); !exited || code != 0 || p.out.String() != "b=143\na=0\n" {
		t.Fatalf("exit %d %v output %q", code, exited, p.out.String())
	}
}

func TestStepLimit(t *testing.T) {
	e := newEnv(t)
	e.c.StepLimit = 20000
	for _, script := range []string{"while true; do :; done", "yes > /dev/null", "while true; do echo x; done | cat > /dev/null"} {
		p := e.sh(script)
		e.settle()
		code, exited := p.exited()
		if !exited || code != 137 {
			t.Errorf("%s: exit %d %v", script, code, exited)
		}
		if want := "sh: script exceeded the step limit without sleeping\n"; p.err.String() != want {
			t.Errorf("%s: stderr %q", script, p.err.String())
		}
	}
	// Sleeping resets the count: this loop takes 15000 steps per second
	// and goes on.
	p := e.sh("while true; do i=0; while [ $i -lt 3000 ]; do i=$((i+1)); done; sleep 1; done")
	for range 5 {
		e.step(time.Second)
	}
	if _, exited := p.exited(); exited {
		t.Errorf("a loop that sleeps was killed: %q", p.err.String())
	}
}

func TestExecProgramDirectly(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		argv      []string
		out, err  string
		code      int
		exitAfter time.Duration
	}{
		{argv: []string{"/bin/echo", "'hello world'"}, out: "'hello world'\n"},
		{argv: []string{"/bin/sh", "-c", "echo", "'hello world'"}, out: "\n"},
		{argv: []string{"printenv", "HOSTNAME"}, out: "test-pod\n"},
		{argv: []string{"cat", "/tmp/healthy"}, err: "cat: can't open '/tmp/healthy': No such file or directory\n", code: 1},
		{argv: []string{"nginx"}, err: "exec: \"nginx\": executable file not found in $PATH\n", code: 127},
		{argv: []string{"sleep", "3600"}, exitAfter: time.Hour},
		{argv: []string{"ls", "-l", "/etc/hostname"}, out: "-rw-r--r--    1 root     root             9 Jan  2 03:04 /etc/hostname\n"},
	}
	for _, tt := range tests {
		p := e.start(tt.argv...)
		if tt.exitAfter > 0 {
			e.step(tt.exitAfter)
		}
		e.settle()
		code, exited := p.exited()
		if !exited || code != tt.code || p.out.String() != tt.out || p.err.String() != tt.err {
			t.Errorf("%q: exit %d %v, stdout %q stderr %q; want %d %q %q", tt.argv, code, exited, p.out.String(), p.err.String(), tt.code, tt.out, tt.err)
		}
	}
}

func TestLookPath(t *testing.T) {
	e := newEnv(t)
	e.c.Commands = map[string]CommandFunc{"nslookup": func(context.Context, *Invocation) int { return 0 }}
	if err := e.c.FS.WriteFile("/start.sh", []byte("echo hi"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{
		"sh": true, "/bin/sh": true, "/usr/bin/env": true, "nslookup": true, "/usr/bin/nslookup": true,
		"/start.sh": true, "nginx": false, "cd": false, "/nope/x": false,
	} {
		if got := e.c.LookPath(name); got != want {
			t.Errorf("LookPath(%q) = %v", name, got)
		}
	}
}
