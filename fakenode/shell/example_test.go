package shell_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	clocktesting "k8s.io/utils/clock/testing"

	"github.com/kubesim/kubesim/clock"
	"github.com/kubesim/kubesim/fakenode/memfs"
	"github.com/kubesim/kubesim/fakenode/shell"
)

// A container runs the liveness example of the Kubernetes documentation
// while an exec probe checks for the file. Before each step of the clock
// the host waits for the Activity to be idle: every process is then
// blocked on virtual time.
func Example() {
	clk := clocktesting.NewFakeClock(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC))
	act := &clock.Activity{}
	idle := func() { act.Wait(context.Background(), func() uint64 { return 0 }) }
	c := &shell.Container{FS: memfs.New(clk), Clock: clk, Activity: act}
	c.Start(context.Background(), shell.Spec{
		Argv: []string{"/bin/sh", "-c", "touch /tmp/healthy; sleep 30; rm -rf /tmp/healthy; sleep 600"},
	})
	probe := func() {
		r := c.Run(context.Background(), []string{"cat", "/tmp/healthy"}, time.Second)
		fmt.Println(strings.TrimSpace(fmt.Sprint(clk.Now().Format("15:04:05"), " exit ", r.ExitCode, " ", string(r.Output))))
	}
	idle()
	probe()
	clk.Step(30 * time.Second)
	idle()
	probe()
	// Output:
	// 03:04:05 exit 0
	// 03:04:35 exit 1 cat: can't open '/tmp/healthy': No such file or directory
}
