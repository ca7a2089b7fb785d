package timeline_test

import (
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// chromium returns the path of a headless-capable Chromium, or "".
func chromium() string {
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestScreenshot renders the page in headless Chromium and checks that the
// picture shows something: the states' colours, not a blank page.
func TestScreenshot(t *testing.T) {
	browser := chromium()
	if browser == "" {
		t.Skip("chromium not installed: apt-get install chromium to run the screenshot check")
	}
	dir := t.TempDir()
	page, shot := filepath.Join(dir, "timeline.html"), filepath.Join(dir, "timeline.png")
	if err := os.WriteFile(page, []byte(failedRollout(t).HTML()), 0o644); err != nil {
		t.Fatal(err)
	}
	// wall-clock: bounds a real browser process, not cluster time.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--disable-gpu", "--no-sandbox",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--screenshot="+shot, "--window-size=1200,800", "file://"+page)
	cmd.WaitDelay = 10 * time.Second // helpers chromium leaves behind must not hold its output open
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode screenshot: %v", err)
	}
	if n := colours(img); n < 8 {
		t.Errorf("the screenshot has %d distinct colours; it looks blank", n)
	}
}

// colours counts the distinct colours of img.
func colours(img image.Image) int {
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
		}
	}
	return len(seen)
}
