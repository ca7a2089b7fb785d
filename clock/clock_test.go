package clock

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var epoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

func TestWaitersFireInDeadlineOrder(t *testing.T) {
	c := New(epoch)
	var got []string
	record := func(name string) func() {
		return func() { got = append(got, name+"@"+c.Since(epoch).String()) }
	}
	c.AfterFunc(3*time.Second, record("c"))
	c.AfterFunc(1*time.Second, record("a"))
	c.AfterFunc(2*time.Second, record("b1"))
	c.AfterFunc(2*time.Second, record("b2"))
	c.AfterFunc(10*time.Second, record("late"))

	c.Step(5 * time.Second)

	want := []string{"a@1s", "b1@2s", "b2@2s", "c@3s"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("firing order (-want +got):\n%s", diff)
	}
	if c.Since(epoch) != 5*time.Second {
		t.Errorf("Now after Step = %v, want epoch+5s", c.Since(epoch))
	}
	if n := c.Waiters(); n != 1 {
		t.Errorf("Waiters = %d, want 1", n)
	}
}

func TestCallbackCanScheduleWithinTheSameStep(t *testing.T) {
	c := New(epoch)
	var got []time.Duration
	c.AfterFunc(time.Second, func() {
		got = append(got, c.Since(epoch))
		c.AfterFunc(time.Second, func() { got = append(got, c.Since(epoch)) })
	})
	c.Step(3 * time.Second)
	if diff := cmp.Diff([]time.Duration{time.Second, 2 * time.Second}, got); diff != "" {
		t.Errorf("cascade (-want +got):\n%s", diff)
	}
}

func TestTimerStopAndReset(t *testing.T) {
	c := New(epoch)
	tm := c.NewTimer(time.Second)
	if !tm.Stop() {
		t.Fatal("Stop of a pending timer = false, want true")
	}
	if tm.Stop() {
		t.Fatal("second Stop = true, want false")
	}
	c.Step(2 * time.Second)
	select {
	case <-tm.C():
		t.Fatal("stopped timer fired")
	default:
	}

	if tm.Reset(time.Second) {
		t.Error("Reset of a stopped timer = true, want false")
	}
	c.Step(time.Second)
	select {
	case at := <-tm.C():
		if want := epoch.Add(3 * time.Second); !at.Equal(want) {
			t.Errorf("fired at %v, want %v", at, want)
		}
	default:
		t.Fatal("reset timer did not fire")
	}
	if tm.Stop() {
		t.Error("Stop after the value was received = true, want false")
	}
}

func TestResetDropsAnUnreceivedValue(t *testing.T) {
	c := New(epoch)
	tm := c.NewTimer(time.Second)
	c.Step(time.Second) // fires; value sits in the channel
	if !tm.Reset(time.Second) {
		t.Error("Reset of a fired but unreceived timer = false, want true")
	}
	select {
	case <-tm.C():
		t.Fatal("stale value received after Reset")
	default:
	}
	c.Step(time.Second)
	if at := <-tm.C(); !at.Equal(epoch.Add(2 * time.Second)) {
		t.Errorf("fired at %v, want epoch+2s", at)
	}
}

func TestTickerFallsBehindAndDropsTicks(t *testing.T) {
	c := New(epoch)
	tk := c.NewTicker(time.Second)
	c.Step(5 * time.Second) // five ticks fire; the channel holds only the first
	if at := <-tk.C(); !at.Equal(epoch.Add(time.Second)) {
		t.Errorf("first tick at %v, want epoch+1s", at)
	}
	select {
	case at := <-tk.C():
		t.Fatalf("dropped tick delivered: %v", at)
	default:
	}
	// The ticker keeps its phase: the next tick is at 6s, not 5s+1s later.
	next, ok := c.NextDeadline()
	if !ok || !next.Equal(epoch.Add(6*time.Second)) {
		t.Errorf("NextDeadline = %v, %v; want epoch+6s", next, ok)
	}
	tk.Stop()
	if n := c.Waiters(); n != 0 {
		t.Errorf("a stopped ticker is still a waiter: Waiters = %d", n)
	}
}

func TestTickerStoppedByItsOwnCallbackChain(t *testing.T) {
	c := New(epoch)
	tk := c.NewTicker(time.Second)
	c.AfterFunc(1500*time.Millisecond, tk.Stop)
	c.Step(10 * time.Second)
	select {
	case at := <-tk.C():
		t.Errorf("tick %v received after Stop", at)
	default:
	}
	if n := c.Waiters(); n != 0 {
		t.Errorf("Waiters = %d, want 0", n)
	}
}

func TestFireNextAndNextDeadline(t *testing.T) {
	c := New(epoch)
	if c.FireNext() {
		t.Fatal("FireNext with nothing pending = true")
	}
	fired := 0
	c.AfterFunc(2*time.Second, func() { fired++ })
	c.AfterFunc(2*time.Second, func() { fired++ })
	c.AfterFunc(5*time.Second, func() { fired++ })
	if !c.FireNext() {
		t.Fatal("FireNext = false")
	}
	if fired != 2 || !c.Now().Equal(epoch.Add(2*time.Second)) {
		t.Errorf("after FireNext: fired=%d now=%v; want 2 at epoch+2s", fired, c.Now())
	}
}

func TestSleepAndBlockUntil(t *testing.T) {
	c := New(epoch)
	done := make(chan struct{})
	go func() {
		c.Sleep(time.Minute)
		close(done)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.BlockUntil(ctx, 1); err != nil {
		t.Fatal(err)
	}
	c.Step(time.Minute)
	<-done
}

func TestSetTimeBackwardsFiresNothing(t *testing.T) {
	c := New(epoch)
	fired := false
	c.AfterFunc(time.Second, func() { fired = true })
	c.SetTime(epoch.Add(-time.Hour))
	if fired || !c.Now().Equal(epoch.Add(-time.Hour)) {
		t.Errorf("fired=%v now=%v", fired, c.Now())
	}
}

func TestTickWithNonPositiveIntervalIsNil(t *testing.T) {
	if New(epoch).Tick(0) != nil {
		t.Error("Tick(0) != nil")
	}
}
