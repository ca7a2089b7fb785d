package timeline_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesim/kubesim/fakenode"
	"github.com/kubesim/kubesim/testkit"
	"github.com/kubesim/kubesim/testkit/timeline"
)

// failedRollout starts a cluster in which a Deployment rolls out to an
// image that does not exist, next to a crash-looping pod and a pod that
// completes, and returns its timeline.
func failedRollout(t *testing.T) *timeline.Timeline {
	t.Helper()
	env := testkit.Start(t, testkit.WithNodes(1), testkit.WithBehaviors(fakenode.Behavior{
		Match: fakenode.Match{Image: "nginx:1.99"}, ImageMissing: true,
	}))
	createPod(t, env, shellPod("crasher", corev1.RestartPolicyAlways, "sleep 2; exit 1"))
	done := shellPod("done", corev1.RestartPolicyNever, "sleep 5")
	done.Spec.InitContainers = []corev1.Container{{Name: "setup", Image: "busybox:1.36", Command: []string{"sh", "-c", "sleep 1"}}}
	createPod(t, env, done)
	createPod(t, env, shellPod("stubborn", corev1.RestartPolicyAlways, "sleep 100000"))
	env.Advance(5 * time.Second)
	if err := env.Client().CoreV1().Pods("default").Delete(context.Background(), "stubborn", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	rollout(t, env, "nginx:1.25", "nginx:1.99", time.Minute)
	return env.Timeline()
}

var (
	rowRE  = regexp.MustCompile(`<g class="row" data-row="([^"]*)">`)
	rectRE = regexp.MustCompile(`<rect x="[^"]*" y="[^"]*" width="[^"]*" height="[^"]*" fill="(#[0-9a-f]{6})" [^>]*data-state="([^"]*)"><title>([^<]*)</title>`)
)

// TestHTMLRows: the picture has one row per pod, followed by one per
// container, init containers first.
func TestHTMLRows(t *testing.T) {
	tl := failedRollout(t)
	page := tl.HTML()
	var rows []string
	for _, m := range rowRE.FindAllStringSubmatch(page, -1) {
		rows = append(rows, m[1])
	}
	var want []string
	for _, p := range tl.Pods {
		name := p.Namespace + "/" + p.Name
		want = append(want, name)
		if p.Name == "done" {
			want = append(want, name+" init:setup")
		}
		if strings.HasPrefix(p.Name, "web-") {
			want = append(want, name+" web")
		} else {
			want = append(want, name+" app")
		}
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
	if len(tl.Pods) != 6 {
		t.Errorf("want 6 pods (crasher, done, stubborn, two old web pods, one new), got %d", len(tl.Pods))
	}
}

// TestHTMLColours: each state a user must notice is drawn in its colour,
// on the row of the container that was in it, with a tooltip.
func TestHTMLColours(t *testing.T) {
	page := failedRollout(t).HTML()
	seen := map[string][]string{} // state -> tooltips
	for _, m := range rectRE.FindAllStringSubmatch(page, -1) {
		fill, state, title := m[1], m[2], m[3]
		if fill != timeline.Colour(state) {
			t.Errorf("%s drawn in %s, want %s", state, fill, timeline.Colour(state))
		}
		seen[state] = append(seen[state], title)
	}
	for state, tooltip := range map[string]string{
		"Pending":           "default/crasher 00:00:00",
		"ContainerCreating": "app 00:00:00–00:00:01",
		"Ready":             "app 00:00:01–00:00:03: Running",
		"CrashLoopBackOff":  "app 00:00:05–00:00:15: CrashLoopBackOff: back-off 10s",
		"ImagePullBackOff":  "web 00:00:3",
		"Completed":         "init:setup 00:00:02–",
		"Succeeded":         "default/done 00:00:0",
		"Terminating":       "default/stubborn 00:00:05–00:00:35",
	} {
		if !anyHasPrefix(seen[state], tooltip) {
			t.Errorf("no %s bar with a tooltip starting %q; %s bars: %q", state, tooltip, state, seen[state])
		}
	}
	for _, bad := range []string{"<script", "<link", "<img", "src=", "@import", "url("} {
		if strings.Contains(page, bad) {
			t.Errorf("the page is not self-contained: it has %q", bad)
		}
	}
	for _, want := range []string{"<title>00:00:05 Warning BackOff: Back-off restarting failed container app", ">CrashLoopBackOff</text>", ">Warning event</text>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}

func anyHasPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

// TestOffsets: times read as offsets from the start, the axis has about
// ten ticks, and an empty timeline says it is empty.
func TestOffsets(t *testing.T) {
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	tl := &timeline.Timeline{Start: start, End: start.Add(3 * time.Hour)}
	for d, want := range map[time.Duration]string{
		0:                                   "00:00:00",
		65 * time.Second:                    "00:01:05",
		2*time.Hour + 1500*time.Millisecond: "02:00:01.500",
		-time.Second:                        "-00:00:01",
	} {
		if got := tl.Offset(start.Add(d)); got != want {
			t.Errorf("Offset(%v) = %q, want %q", d, got, want)
		}
	}
	if n := strings.Count(tl.HTML(), `class="grid"`); n < 3 || n > 11 {
		t.Errorf("%d ticks on a 3 h axis", n)
	}
	if !strings.Contains(tl.HTML(), "no pods were seen") {
		t.Error("an empty timeline does not say so")
	}
}
