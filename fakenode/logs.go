package fakenode

import (
	"bytes"
	"sync"
	"time"
)

// logLine is one line a container wrote, stamped with the virtual time.
type logLine struct {
	at     time.Time
	stream string // "stdout" or "stderr"
	text   []byte // without the newline
}

// containerLog is the log of one run of a container, as the runtime keeps
// it: lines in order, open while the container runs.
type containerLog struct {
	mu      sync.Mutex
	lines   []logLine
	partial map[string][]byte // unterminated output per stream
	closed  bool
	more    chan struct{} // closed and replaced at each write
	now     func() time.Time
}

func newContainerLog(now func() time.Time) *containerLog {
	return &containerLog{now: now, partial: map[string][]byte{}, more: make(chan struct{})}
}

// writer returns an io.Writer for one of the container's streams.
func (l *containerLog) writer(stream string) *logWriter { return &logWriter{log: l, stream: stream} }

type logWriter struct {
	log    *containerLog
	stream string
}

func (w *logWriter) Write(p []byte) (int, error) {
	l := w.log
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return len(p), nil
	}
	buf := append(l.partial[w.stream], p...)
	for {
		i := bytes.IndexByte(buf, '\n')
		if i < 0 {
			break
		}
		l.lines = append(l.lines, logLine{at: l.now(), stream: w.stream, text: append([]byte(nil), buf[:i]...)})
		buf = buf[i+1:]
	}
	l.partial[w.stream] = append([]byte(nil), buf...)
	l.notifyLocked()
	return len(p), nil
}

// close ends the log when the run ends, flushing unterminated output.
func (l *containerLog) close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return
	}
	for _, stream := range []string{"stdout", "stderr"} {
		if rest := l.partial[stream]; len(rest) > 0 {
			l.lines = append(l.lines, logLine{at: l.now(), stream: stream, text: rest})
		}
	}
	l.partial = nil
	l.closed = true
	l.notifyLocked()
}

func (l *containerLog) notifyLocked() {
	close(l.more)
	l.more = make(chan struct{})
}

// from returns the lines from index i on, whether the log is closed, and a
// channel closed at the next change.
func (l *containerLog) from(i int) ([]logLine, bool, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if i > len(l.lines) {
		i = len(l.lines)
	}
	return append([]logLine(nil), l.lines[i:]...), l.closed, l.more
}

// text is the whole log, for termination messages.
func (l *containerLog) tail(n int) []logLine {
	l.mu.Lock()
	defer l.mu.Unlock()
	if n > len(l.lines) {
		n = len(l.lines)
	}
	return append([]logLine(nil), l.lines[len(l.lines)-n:]...)
}
