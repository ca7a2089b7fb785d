package kubeletstatus

import "time"

// Back-off defaults (pkg/kubelet/kubelet.go and kubelet config defaults).
const (
	// BackoffInitial is the first delay, for restarts and image pulls.
	BackoffInitial = 10 * time.Second
	// BackoffMax caps the doubling (MaxContainerBackOff, MaxImageBackOff;
	// the kubelet's crashLoopBackOff.maxContainerRestartPeriod default).
	BackoffMax = 300 * time.Second
	// CrashLoopResetAfter: a container that ran for longer than this
	// before exiting starts again from BackoffInitial. The kubelet
	// hard-codes it, whatever the maximum is.
	CrashLoopResetAfter = 600 * time.Second
)

// Backoff is one key of client-go's flowcontrol.Backoff, as the kubelet
// uses it: one per container for restarts (NewCrashLoopBackoff) and one per
// pod and image for pulls (NewImagePullBackoff). The delay starts at
// Initial and doubles at each Next, up to Max; Next starts again from
// Initial when the event comes more than Expire after the previous Next.
// It is a value: keep it in the container's record. It is not safe for
// concurrent use.
type Backoff struct {
	Initial time.Duration
	Max     time.Duration
	// Expire: zero means 2*Max, client-go's default.
	Expire time.Duration

	delay      time.Duration
	lastUpdate time.Time
	started    bool
}

// NewCrashLoopBackoff is a container's restart back-off: 10 s doubling to
// 5 min, reset when the container ran for 10 min. The first restart after
// an exit is immediate, the next waits 10 s, then 20 s, 40 s, ... 300 s.
func NewCrashLoopBackoff() Backoff {
	return Backoff{Initial: BackoffInitial, Max: BackoffMax, Expire: CrashLoopResetAfter}
}

// NewImagePullBackoff is an image pull back-off: after a failed pull the
// next is held back 10 s, then 20 s, ... 300 s; it starts again from 10 s
// when no pull failed for 10 minutes.
func NewImagePullBackoff() Backoff {
	return Backoff{Initial: BackoffInitial, Max: BackoffMax}
}

func (b *Backoff) initial() time.Duration {
	if b.Initial > 0 {
		return b.Initial
	}
	return BackoffInitial
}

func (b *Backoff) max() time.Duration {
	if b.Max > 0 {
		return b.Max
	}
	return BackoffMax
}

// expired: eventTime is far enough after the last Next to start over.
func (b *Backoff) expired(eventTime time.Time) bool {
	expire := b.Expire
	if expire <= 0 {
		expire = 2 * b.max()
	}
	return eventTime.Sub(b.lastUpdate) > expire
}

// Delay is the current delay (Get), zero before the first Next. The
// CrashLoopBackOff message prints it.
func (b *Backoff) Delay() time.Duration {
	if !b.started {
		return 0
	}
	return b.delay
}

// Next records that the kubelet acts at now on the event at eventTime (a
// container's FinishedAt; the failed pull's time): the delay doubles, or
// starts at Initial when there was none or it expired.
func (b *Backoff) Next(eventTime, now time.Time) {
	switch {
	case !b.started || b.expired(eventTime):
		b.delay = b.initial()
	default:
		b.delay = min(2*b.delay, b.max())
	}
	b.started = true
	b.lastUpdate = now
}

// InBackOffSince reports whether, at now, the event at eventTime is still
// inside the delay (IsInBackOffSince): the check for a restart, with the
// container's FinishedAt.
func (b *Backoff) InBackOffSince(eventTime, now time.Time) bool {
	if !b.started || b.expired(eventTime) {
		return false
	}
	return now.Sub(eventTime) < b.delay
}

// InBackOffSinceUpdate reports whether now is still inside the delay after
// the last Next (IsInBackOffSinceUpdate): the check for an image pull.
func (b *Backoff) InBackOffSinceUpdate(now time.Time) bool {
	if !b.started || b.expired(now) {
		return false
	}
	return now.Sub(b.lastUpdate) < b.delay
}

// RestartAt is the earliest time the container that exited at finishedAt
// may start again: finishedAt itself when it is not held back, otherwise
// finishedAt plus the current delay.
func (b *Backoff) RestartAt(finishedAt time.Time) time.Time {
	if !b.started || b.expired(finishedAt) {
		return finishedAt
	}
	return finishedAt.Add(b.delay)
}

// PullAt is the earliest time the next image pull may start.
func (b *Backoff) PullAt() time.Time {
	if !b.started {
		return time.Time{}
	}
	return b.lastUpdate.Add(b.delay)
}

// Reset forgets the history, as when the container's spec changes (the
// upstream key includes the image and resources).
func (b *Backoff) Reset() {
	b.delay, b.lastUpdate, b.started = 0, time.Time{}, false
}
