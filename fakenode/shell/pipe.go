package shell

import (
	"io"
	"sync"
	"syscall"
)

// pipeSize is a pipe's buffer, as Linux's 64 KiB: a writer blocks when it
// is full, so `yes | head -n 1` ends instead of filling memory.
const pipeSize = 64 << 10

// pipe connects the elements of a pipeline. A reader that finds it empty,
// or a writer that finds it full, blocks through its proc, and the other
// side wakes it synchronously, counting it busy before it returns.
type pipe struct {
	mu      sync.Mutex
	buf     []byte
	rClosed bool
	wClosed bool
	reader  *wait // a blocked reader
	writer  *wait // a blocked writer
}

func (pp *pipe) read(p *proc, b []byte) (int, error) {
	for {
		pp.mu.Lock()
		if len(pp.buf) > 0 {
			n := copy(b, pp.buf)
			pp.buf = pp.buf[n:]
			if len(pp.buf) == 0 {
				pp.buf = nil
			}
			pp.wakeLocked(&pp.writer)
			pp.mu.Unlock()
			return n, nil
		}
		if pp.wClosed {
			pp.mu.Unlock()
			return 0, io.EOF
		}
		w := newWait(p.act)
		pp.reader = w
		pp.mu.Unlock()
		if err := p.block(w); err != nil {
			return 0, err
		}
	}
}

func (pp *pipe) write(p *proc, b []byte) (int, error) {
	written := 0
	for written < len(b) {
		pp.mu.Lock()
		if pp.rClosed {
			pp.mu.Unlock()
			return written, syscall.EPIPE
		}
		if room := pipeSize - len(pp.buf); room > 0 {
			n := min(room, len(b)-written)
			pp.buf = append(pp.buf, b[written:written+n]...)
			written += n
			pp.wakeLocked(&pp.reader)
			pp.mu.Unlock()
			continue
		}
		w := newWait(p.act)
		pp.writer = w
		pp.mu.Unlock()
		if err := p.block(w); err != nil {
			return written, err
		}
	}
	return written, nil
}

func (pp *pipe) wakeLocked(w **wait) {
	if *w != nil {
		(*w).wake(wakeEvent)
		*w = nil
	}
}

func (pp *pipe) closeWrite() {
	pp.mu.Lock()
	defer pp.mu.Unlock()
	pp.wClosed = true
	pp.wakeLocked(&pp.reader)
}

func (pp *pipe) closeRead() {
	pp.mu.Lock()
	defer pp.mu.Unlock()
	pp.rClosed = true
	pp.buf = nil
	pp.wakeLocked(&pp.writer)
}

// ofile is an open file description in a shell's descriptor table.
type ofile struct {
	pipeR, pipeW *pipe
	r            io.Reader // a caller's stdin, a file, /dev/null
	w            io.Writer // a caller's writer, a file, a buffer
}

// reader returns a reader of o for proc p, or nil if o is not readable.
func (o *ofile) reader(p *proc) io.Reader {
	switch {
	case o == nil:
		return nil
	case o.pipeR != nil:
		return &pipeReader{pipe: o.pipeR, p: p}
	}
	return o.r
}

// writer returns a writer to o for proc p, or nil if o is not writable.
func (o *ofile) writer(p *proc) io.Writer {
	switch {
	case o == nil:
		return nil
	case o.pipeW != nil:
		return &pipeWriter{pipe: o.pipeW, p: p}
	}
	return o.w
}

type pipeReader struct {
	pipe *pipe
	p    *proc
}

func (r *pipeReader) Read(b []byte) (int, error) { return r.pipe.read(r.p, b) }

type pipeWriter struct {
	pipe *pipe
	p    *proc
}

func (w *pipeWriter) Write(b []byte) (int, error) { return w.pipe.write(w.p, b) }

// emptyReader reads as end of file.
type emptyReader struct{}

func (emptyReader) Read([]byte) (int, error) { return 0, io.EOF }
