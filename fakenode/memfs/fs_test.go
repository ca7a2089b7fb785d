package memfs

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	clocktesting "k8s.io/utils/clock/testing"
)

var epoch = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

func newClock() *clocktesting.FakeClock { return clocktesting.NewFakeClock(epoch) }

func names(t *testing.T, f *FS, dir string) []string {
	t.Helper()
	entries, err := f.ReadDir(dir)
	if err != nil {
		t.Fatalf("ReadDir(%s): %v", dir, err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func mustRead(t *testing.T, f *FS, p string) string {
	t.Helper()
	b, err := f.ReadFile(p)
	if err != nil {
		t.Fatalf("ReadFile(%s): %v", p, err)
	}
	return string(b)
}

func wantErrno(t *testing.T, err error, errno syscall.Errno) {
	t.Helper()
	var pe *fs.PathError
	if !errors.As(err, &pe) || !isErrno(err, errno) {
		t.Fatalf("got error %v, want a *fs.PathError with %v", err, errno)
	}
}

func TestNewLayout(t *testing.T) {
	f := New(newClock())
	want := []string{"bin", "dev", "etc", "home", "proc", "root", "sys", "tmp", "usr", "var"}
	if diff := cmp.Diff(want, names(t, f, "/")); diff != "" {
		t.Errorf("root (-want +got):\n%s", diff)
	}
	fi, err := f.Stat("/tmp")
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode(); got != fs.ModeDir|fs.ModeSticky|0o777 {
		t.Errorf("/tmp mode = %v", got)
	}
	if err := f.WriteFile("/dev/null", []byte("gone"), 0); err != nil {
		t.Fatalf("write /dev/null: %v", err)
	}
	if got := mustRead(t, f, "/dev/null"); got != "" {
		t.Errorf("/dev/null reads %q", got)
	}
}

func TestFileOperations(t *testing.T) {
	clk := newClock()
	f := New(clk)
	if err := f.MkdirAll("/a/b/c", 0o755); err != nil {
		t.Fatal(err)
	}
	clk.Step(time.Second)
	if err := f.WriteFile("/a/b/c/file", []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	fi, err := f.Stat("/a/b/c/file")
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() != 5 || fi.Mode() != 0o600 || !fi.ModTime().Equal(epoch.Add(time.Second)) {
		t.Errorf("stat = size %d mode %v mtime %v", fi.Size(), fi.Mode(), fi.ModTime())
	}
	wantErrno(t, f.Mkdir("/a/b", 0o755), syscall.EEXIST)
	wantErrno(t, f.Remove("/a/b"), syscall.ENOTEMPTY)
	_, err = f.ReadFile("/a/missing")
	wantErrno(t, err, syscall.ENOENT)
	_, err = f.ReadFile("/a/b/c/file/x")
	wantErrno(t, err, syscall.ENOTDIR)
	_, err = f.OpenFile("/a/b", os.O_WRONLY, 0)
	wantErrno(t, err, syscall.EISDIR)

	if err := f.Rename("/a/b/c/file", "/a/moved"); err != nil {
		t.Fatal(err)
	}
	if got := mustRead(t, f, "/a/moved"); got != "hello" {
		t.Errorf("after rename: %q", got)
	}
	wantErrno(t, f.Rename("/a", "/a/b/inside"), syscall.EINVAL)
	if err := f.RemoveAll("/a"); err != nil {
		t.Fatal(err)
	}
	if err := f.RemoveAll("/a"); err != nil {
		t.Errorf("RemoveAll of a missing path: %v", err)
	}
	if f.Root().Usage() != 0 {
		t.Errorf("usage after RemoveAll = %d", f.Root().Usage())
	}
}

func TestAppendAndOffsets(t *testing.T) {
	f := New(newClock())
	for _, s := range []string{"one\n", "two\n"} {
		file, err := f.OpenFile("/tmp/log", os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(file, s); err != nil {
			t.Fatal(err)
		}
	}
	r, err := f.OpenFile("/tmp/log", os.O_RDONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4)
	if n, _ := r.Read(buf); string(buf[:n]) != "one\n" {
		t.Errorf("first read %q", buf[:n])
	}
	// Truncating and rewriting does not change what was already read.
	if err := f.WriteFile("/tmp/log", []byte("x"), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Read(buf); err != io.EOF {
		t.Errorf("read past the truncated end: %v", err)
	}
	if got := f.Root().Usage(); got != 1 {
		t.Errorf("usage = %d, want 1", got)
	}
	if got := f.Root().BytesWritten(); got != 9 {
		t.Errorf("written = %d, want 9", got)
	}
}

func TestSharedVolume(t *testing.T) {
	clk := newClock()
	shared := NewVolume(clk)
	a, b := New(clk), New(clk)
	if err := a.Mount("/pod-data", shared, MountOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := b.Mount("/usr/share/nginx/html", shared, MountOptions{ReadOnly: true}); err != nil {
		t.Fatal(err)
	}
	if err := a.WriteFile("/pod-data/index.html", []byte("Hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := mustRead(t, b, "/usr/share/nginx/html/index.html"); got != "Hello\n" {
		t.Errorf("other container reads %q", got)
	}
	wantErrno(t, b.WriteFile("/usr/share/nginx/html/x", nil, 0o644), syscall.EROFS)
	wantErrno(t, b.Remove("/usr/share/nginx/html/index.html"), syscall.EROFS)
	wantErrno(t, a.Remove("/pod-data"), syscall.EBUSY)
	wantErrno(t, a.Rename("/pod-data/index.html", "/tmp/index.html"), syscall.EXDEV)
	if got := names(t, b, "/usr/share/nginx"); !cmp.Equal(got, []string{"html"}) {
		t.Errorf("mount point listing = %v", got)
	}
	if shared.Usage() != 6 || a.Root().Usage() != 0 {
		t.Errorf("usage shared=%d root=%d", shared.Usage(), a.Root().Usage())
	}
}

func TestReplaceAndSubPath(t *testing.T) {
	clk := newClock()
	cm := NewVolume(clk)
	if err := cm.Replace([]Entry{
		{Path: "..2024_01_02/game.properties", Data: []byte("lives=3")},
		{Path: "..data", Mode: fs.ModeSymlink, Target: "..2024_01_02"},
		{Path: "game.properties", Mode: fs.ModeSymlink, Target: "..data/game.properties"},
	}); err != nil {
		t.Fatal(err)
	}
	f := New(clk)
	if err := f.Mount("/etc/config", cm, MountOptions{ReadOnly: true}); err != nil {
		t.Fatal(err)
	}
	if err := f.Mount("/etc/pinned.properties", cm, MountOptions{SubPath: "..2024_01_02/game.properties", ReadOnly: true}); err != nil {
		t.Fatal(err)
	}
	if got := mustRead(t, f, "/etc/config/game.properties"); got != "lives=3" {
		t.Errorf("through symlinks: %q", got)
	}
	if err := cm.Replace([]Entry{{Path: "game.properties", Data: []byte("lives=4")}}); err != nil {
		t.Fatal(err)
	}
	if got := mustRead(t, f, "/etc/config/game.properties"); got != "lives=4" {
		t.Errorf("after Replace: %q", got)
	}
	if got := mustRead(t, f, "/etc/pinned.properties"); got != "lives=3" {
		t.Errorf("subPath mount sees %q, want the tree it was mounted from", got)
	}
	if err := cm.Replace([]Entry{{Path: "../escape"}}); err == nil {
		t.Error("Replace accepted an entry outside the volume")
	}
}

// TestReplacedFileCopiesOnWrite: a file Replace made keeps the caller's
// bytes until it is written; the write changes the file, not the bytes.
func TestReplacedFileCopiesOnWrite(t *testing.T) {
	clk := newClock()
	v := NewVolume(clk)
	data := []byte("lives=3")
	if err := v.Replace([]Entry{{Path: "game.properties", Data: data}}); err != nil {
		t.Fatal(err)
	}
	f := New(clk)
	if err := f.Mount("/etc/config", v, MountOptions{}); err != nil {
		t.Fatal(err)
	}
	file, err := f.OpenFile("/etc/config/game.properties", os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := file.Write([]byte("hp")); err != nil {
		t.Fatal(err)
	}
	if got := mustRead(t, f, "/etc/config/game.properties"); got != "hpves=3" {
		t.Errorf("after the write: %q", got)
	}
	if string(data) != "lives=3" {
		t.Errorf("the bytes given to Replace changed to %q", data)
	}
}

func TestSymlinks(t *testing.T) {
	f := New(newClock())
	if err := f.Symlink("/tmp/target", "/tmp/link"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Stat("/tmp/link"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("dangling link stat: %v", err)
	}
	if err := f.WriteFile("/tmp/link", []byte("via link"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := mustRead(t, f, "/tmp/target"); got != "via link" {
		t.Errorf("target = %q", got)
	}
	fi, err := f.Lstat("/tmp/link")
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("Lstat = %v, %v", fi, err)
	}
	if err := f.Symlink("loop", "/tmp/loop"); err != nil {
		t.Fatal(err)
	}
	_, err = f.Stat("/tmp/loop")
	wantErrno(t, err, syscall.ELOOP)
}

func TestReadOnlyRoot(t *testing.T) {
	clk := newClock()
	f := New(clk)
	if err := f.Mount("/data", NewVolume(clk), MountOptions{}); err != nil {
		t.Fatal(err)
	}
	f.SetRootReadOnly(true)
	wantErrno(t, f.WriteFile("/tmp/x", nil, 0o644), syscall.EROFS)
	if err := f.WriteFile("/data/x", nil, 0o644); err != nil {
		t.Errorf("write to a writable mount on a read-only root: %v", err)
	}
	if err := f.WriteFile("/dev/null", []byte("x"), 0); err != nil {
		t.Errorf("write to /dev/null on a read-only root: %v", err)
	}
}

func TestWatch(t *testing.T) {
	f := New(newClock())
	var calls int
	stop, err := f.Watch("/tmp", func() { calls++ })
	if err != nil {
		t.Fatal(err)
	}
	if err := f.WriteFile("/tmp/a", []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if calls == 0 {
		t.Error("watcher not called on write")
	}
	stop()
	before := calls
	if err := f.Remove("/tmp/a"); err != nil {
		t.Fatal(err)
	}
	if calls != before {
		t.Error("watcher called after stop")
	}
}

func TestConcurrentReadWrite(t *testing.T) {
	clk := newClock()
	vol := NewVolume(clk)
	a, b := New(clk), New(clk)
	for _, f := range []*FS{a, b} {
		if err := f.Mount("/shared", vol, MountOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		w, err := a.OpenFile("/shared/log", os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			t.Error(err)
			return
		}
		for range 200 {
			w.Write([]byte("line\n"))
		}
		a.RemoveAll("/shared/log")
	}()
	go func() {
		defer wg.Done()
		for range 200 {
			b.ReadFile("/shared/log")
			b.ReadDir("/shared")
		}
	}()
	wg.Wait()
	if vol.Usage() != 0 {
		t.Errorf("usage = %d after removal", vol.Usage())
	}
}

func TestLimitAndReadAt(t *testing.T) {
	clk := newClock()
	vol := NewVolume(clk)
	vol.SetLimit(10)
	f := New(clk)
	if err := f.Mount("/small", vol, MountOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := f.WriteFile("/small/a", []byte("0123456789"), 0o644); err != nil {
		t.Fatal(err)
	}
	wantErrno(t, f.WriteFile("/small/b", []byte("x"), 0o644), syscall.ENOSPC)
	// Rewriting in place does not grow the volume.
	if err := f.WriteFile("/small/a", []byte("abcdefghij"), 0o644); err != nil {
		t.Fatalf("rewrite within the limit: %v", err)
	}
	file, err := f.OpenFile("/small/a", os.O_RDONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4)
	if n, err := file.ReadAt(buf, 8); n != 2 || err != io.EOF || string(buf[:n]) != "ij" {
		t.Errorf("ReadAt = %d %v %q", n, err, buf[:n])
	}
	if n, _ := file.Read(buf); string(buf[:n]) != "abcd" {
		t.Errorf("ReadAt moved the offset: Read gives %q", buf[:n])
	}
}
