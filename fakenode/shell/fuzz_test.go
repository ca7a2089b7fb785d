package shell

import (
	"strings"
	"syscall"
	"testing"
)

// FuzzRun checks that no script makes the interpreter panic, leaves a
// goroutine running after the process is killed, or unbalances the
// Activity. Run it with go test -fuzz=FuzzRun.
func FuzzRun(f *testing.F) {
	for _, seed := range []string{
		"touch /tmp/healthy; sleep 30; rm -rf /tmp/healthy; sleep 600",
		"trap 'echo bye; exit 0' TERM; sleep 600 & wait",
		"x=${1:-a}; case $x in a*) echo ${#x} $((x+1));; esac | tr a b > /tmp/o; cat /tmp/o",
		"f() { local i=$1; [ $i -gt 0 ] && f $((i-1)); echo $i; }; f 3 2>&1 | sort -n | head -n 2",
		"for i in $(seq 3); do echo $i >> /tmp/l; done; tail -n 1 /tmp/l; ls -l /tmp; date +%s",
		"echo 'scale=20; s(1)+c(1)' | bc -l; expr 1 + 2; printf '%5.2f\\n' 3.14159",
		"read a b <<EOF\nx y\nEOF\necho $a; yes | head -n 3; grep -c y /dev/null; sed 's/a/b/g' /nonexist",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, script string) {
		if strings.Contains(script, "bc") {
			return // bc may compute for long: its own tests cover it
		}
		e := newEnv(t)
		e.c.StepLimit = 20000
		p := e.sh(script)
		e.settle()
		p.Signal(syscall.SIGKILL)
		<-p.Done()
		if n := busy(e); n != 0 {
			t.Fatalf("busy = %d after the process ended", n)
		}
		if strings.Contains(p.err.String(), "internal error") {
			t.Fatalf("%q: %s", script, p.err.String())
		}
	})
}
