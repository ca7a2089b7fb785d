package clock

import (
	"context"
	"testing"
	"time"
)

func TestActivityIdle(t *testing.T) {
	var a Activity
	if !a.Idle(0) {
		t.Fatal("zero Activity is not idle")
	}
	a.Begin()
	if a.Idle(0) {
		t.Fatal("idle with work in flight")
	}
	a.End()
	a.Ack("pods", 5)
	if a.Idle(6) {
		t.Fatal("idle with a consumer behind head")
	}
	a.Ack("pods", 3) // never moves back
	a.Ack("pods", 6)
	if !a.Idle(6) {
		t.Fatal("not idle after the consumer caught up")
	}
	a.Ack("nodes", 1)
	a.Forget("nodes")
	if !a.Idle(6) {
		t.Fatal("not idle after the behind consumer was forgotten")
	}
}

func TestActivityWaitFollowsHead(t *testing.T) {
	var a Activity
	head := uint64(10)
	a.Ack("pods", 9)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- a.Wait(ctx, func() uint64 { return head }) }()
	select {
	case <-done:
		t.Fatal("Wait returned while a consumer was behind")
	default:
	}
	a.Ack("pods", 10)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestActivityWaitHonoursContext(t *testing.T) {
	var a Activity
	a.Begin()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := a.Wait(ctx, func() uint64 { return 0 }); err == nil {
		t.Fatal("Wait returned nil with work in flight and a cancelled context")
	}
	if busy, _ := a.Busy(0); busy != 1 {
		t.Errorf("Busy = %d, want 1", busy)
	}
}
