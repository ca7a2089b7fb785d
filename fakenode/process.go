package fakenode

import (
	"strings"
	"sync"
	"syscall"
	"time"
)

// exitStatus is how a container's process ended.
type exitStatus struct {
	code    int32
	signal  int32
	reason  string // "" lets the status say Completed or Error; OOMKilled etc. otherwise
	message string
	at      time.Time
}

// process is a container's main process as the simulated runtime runs it.
type process interface {
	// signal delivers SIGTERM or SIGKILL. What SIGTERM does is the
	// process's business; SIGKILL always ends it with exit code 137.
	signal(sig syscall.Signal)
}

// exitFunc receives a process's end, exactly once. It is called on the
// goroutine that ends the process, before that goroutine stops counting as
// work in flight, so the kubelet hears of the exit before time moves on.
type exitFunc func(exitStatus)

// shellImages are images whose default command is a shell: without a
// command they run sh with no input, which exits at once (as `kubectl run
// --image=busybox` does, crash-looping), unless the container keeps its
// stdin open.
var shellImages = []string{"busybox", "alpine", "ubuntu", "debian", "centos", "fedora", "bash"}

func isShellImage(image string) bool {
	name := image
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	if i := strings.IndexAny(name, ":@"); i >= 0 {
		name = name[:i]
	}
	for _, s := range shellImages {
		if name == s {
			return true
		}
	}
	return false
}

// serverProcess is the default behaviour of an image run without a
// command (nginx, redis, ...): it runs until stopped and shuts down
// cleanly, exit code 0, on SIGTERM. With ignoresTerm it is a shell
// image's sh with its stdin kept open (stdin: true, for kubectl attach):
// it waits at its prompt and, as PID 1, ignores SIGTERM, so it ends at the
// grace period's SIGKILL.
type serverProcess struct {
	once        sync.Once
	onExit      exitFunc
	now         func() time.Time
	ignoresTerm bool
}

func (p *serverProcess) signal(sig syscall.Signal) {
	st := exitStatus{}
	switch {
	case sig == syscall.SIGKILL:
		st.code, st.signal = 137, int32(syscall.SIGKILL)
	case p.ignoresTerm:
		return
	}
	p.once.Do(func() {
		st.at = p.now()
		p.onExit(st)
	})
}
