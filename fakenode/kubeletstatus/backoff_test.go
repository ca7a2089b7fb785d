package kubeletstatus

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// crashLoop runs a container that exits after each run of runs[i] and is
// restarted as soon as the back-off allows; it returns the wait before
// each restart. At each restart the back-off must just have ended.
func crashLoop(t *testing.T, b *Backoff, runs []time.Duration) []time.Duration {
	t.Helper()
	var waits []time.Duration
	start := t0
	for _, run := range runs {
		finished := start.Add(run)
		restart := b.RestartAt(finished)
		if wait := restart.Sub(finished); wait > 0 && !b.InBackOffSince(finished, restart.Add(-time.Millisecond)) {
			t.Fatalf("not in back-off just before %v", restart)
		}
		if b.InBackOffSince(finished, restart) {
			t.Fatalf("still in back-off at %v", restart)
		}
		b.Next(finished, restart)
		waits = append(waits, restart.Sub(finished))
		start = restart
	}
	return waits
}

func repeat(d time.Duration, n int) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = d
	}
	return out
}

func TestCrashLoopBackoffTimings(t *testing.T) {
	s := time.Second
	tests := []struct {
		name string
		runs []time.Duration
		want []time.Duration
	}{
		{
			// The e2e test's schedule: restarts at 0s, 0s, 10s, 30s, 70s, 150s, 310s.
			name: "doubling to five minutes",
			runs: repeat(0, 9),
			want: []time.Duration{0, 10 * s, 20 * s, 40 * s, 80 * s, 160 * s, 300 * s, 300 * s, 300 * s},
		},
		{
			name: "a run of more than ten minutes starts over",
			runs: []time.Duration{s, s, s, s, 11 * time.Minute, s, s},
			want: []time.Duration{0, 10 * s, 20 * s, 40 * s, 0, 10 * s, 20 * s},
		},
		{
			name: "a run of exactly ten minutes does not",
			runs: []time.Duration{s, s, 10 * time.Minute, s},
			want: []time.Duration{0, 10 * s, 20 * s, 40 * s},
		},
		{
			// Waiting in back-off does not count as running: five minutes of
			// back-off plus four of running is still under the threshold.
			name: "back-off time does not reset",
			runs: []time.Duration{0, 0, 0, 0, 0, 0, 0, 4 * time.Minute},
			want: []time.Duration{0, 10 * s, 20 * s, 40 * s, 80 * s, 160 * s, 300 * s, 300 * s},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := NewCrashLoopBackoff()
			if diff := cmp.Diff(tc.want, crashLoop(t, &b, tc.runs)); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCrashLoopBackoffDelayAndMessage(t *testing.T) {
	pod := newPod("", nil, ctr("app"))
	b := NewCrashLoopBackoff()
	var msgs []string
	finished := t0
	for range 8 {
		finished = b.RestartAt(finished)
		b.Next(finished, finished)
		msgs = append(msgs, CrashLoopBackOffMessage(b.Delay(), "app", pod))
	}
	want := []string{
		"back-off 10s restarting failed container=app pod=web_default(uid-1)",
		"back-off 20s restarting failed container=app pod=web_default(uid-1)",
		"back-off 40s restarting failed container=app pod=web_default(uid-1)",
		"back-off 1m20s restarting failed container=app pod=web_default(uid-1)",
		"back-off 2m40s restarting failed container=app pod=web_default(uid-1)",
		"back-off 5m0s restarting failed container=app pod=web_default(uid-1)",
		"back-off 5m0s restarting failed container=app pod=web_default(uid-1)",
		"back-off 5m0s restarting failed container=app pod=web_default(uid-1)",
	}
	if diff := cmp.Diff(want, msgs); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}
}

func TestCrashLoopBackoffConfiguredMax(t *testing.T) {
	// KubeletCrashLoopBackOffMax lowers the maximum; the reset stays at ten minutes.
	b := Backoff{Initial: BackoffInitial, Max: 30 * time.Second, Expire: CrashLoopResetAfter}
	got := crashLoop(t, &b, repeat(0, 5))
	if diff := cmp.Diff([]time.Duration{0, 10 * time.Second, 20 * time.Second, 30 * time.Second, 30 * time.Second}, got); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
}

func TestImagePullBackoff(t *testing.T) {
	b := NewImagePullBackoff()
	if b.InBackOffSinceUpdate(t0) || !b.PullAt().IsZero() {
		t.Fatalf("fresh back-off holds pulls back")
	}
	// Pulls fail at once; each retry waits the full delay.
	now := t0
	var waits []time.Duration
	for range 7 {
		b.Next(now, now)
		next := b.PullAt()
		if !b.InBackOffSinceUpdate(next.Add(-time.Millisecond)) || b.InBackOffSinceUpdate(next) {
			t.Fatalf("back-off does not end at %v", next)
		}
		waits = append(waits, next.Sub(now))
		now = next
	}
	s := time.Second
	if diff := cmp.Diff([]time.Duration{10 * s, 20 * s, 40 * s, 80 * s, 160 * s, 300 * s, 300 * s}, waits); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
	// Ten quiet minutes (2*max) later, the history is forgotten.
	later := now.Add(11 * time.Minute)
	b.Next(later, later)
	if b.Delay() != 10*s {
		t.Errorf("delay after a quiet spell = %v, want 10s", b.Delay())
	}
	b.Reset()
	if b.Delay() != 0 || b.InBackOffSinceUpdate(later) {
		t.Errorf("Reset kept the history")
	}
}
