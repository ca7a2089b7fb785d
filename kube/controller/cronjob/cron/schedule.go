package cron

import (
	"math/bits"
	"time"
)

// set is the values a field allows, one bit per value. star records a
// field given as "*" or "?" (unstepped), which matters for the day
// fields.
type set struct {
	bits uint64
	star bool
}

func (s set) has(v int) bool { return s.bits&(1<<uint(v)) != 0 }

// nextAfter returns the smallest allowed value greater than v, if any.
func (s set) nextAfter(v int) (int, bool) {
	rest := s.bits &^ (1<<uint(v+1) - 1)
	if rest == 0 {
		return 0, false
	}
	return bits.TrailingZeros64(rest), true
}

// specSchedule is a five-field schedule read in loc.
type specSchedule struct {
	minute, hour, dom, month, dow set
	loc                           *time.Location
}

// searchYears bounds the search for a matching time, as robfig/cron does.
const searchYears = 5

// Next returns the first whole minute after t whose wall clock in the
// schedule's zone matches every field. It moves from candidate to
// candidate, each time jumping over a span that cannot match: to the next
// month, day, hour or allowed minute. Jumps that go through a DST change
// land where the wall clock really is, so a skipped time is never matched
// and a repeated one is matched twice.
func (s *specSchedule) Next(t time.Time) time.Time {
	orig := t.Location()
	u := t.In(s.loc).Truncate(time.Minute).Add(time.Minute)
	limit := u.Year() + searchYears
	for u.Year() <= limit {
		var next time.Time
		switch {
		case !s.month.has(int(u.Month())):
			next = dayStart(u.Year(), u.Month()+1, 1, s.loc)
		case !s.dayMatches(u):
			next = dayStart(u.Year(), u.Month(), u.Day()+1, s.loc)
		case !s.hour.has(u.Hour()):
			next = hourStart(u).Add(time.Hour)
		case !s.minute.has(u.Minute()):
			if m, ok := s.minute.nextAfter(u.Minute()); ok {
				next = u.Add(time.Duration(m-u.Minute()) * time.Minute)
			} else {
				next = hourStart(u).Add(time.Hour)
			}
		default:
			return u.In(orig)
		}
		if !next.After(u) {
			// A DST change made the jump go nowhere: creep forward.
			next = u.Add(time.Minute)
		}
		u = next
	}
	return time.Time{}
}

// dayMatches applies cron's rule for the two day fields: if either is
// "*", both must match (so the other decides); otherwise either may.
func (s *specSchedule) dayMatches(t time.Time) bool {
	dom, dow := s.dom.has(t.Day()), s.dow.has(int(t.Weekday()))
	if s.dom.star || s.dow.star {
		return dom && dow
	}
	return dom || dow
}

// hourStart is the start of t's wall-clock hour (t is a whole minute).
func hourStart(t time.Time) time.Time {
	return t.Add(-time.Duration(t.Minute()) * time.Minute)
}

// dayStart returns the first instant of the calendar day y-m-d (which may
// overflow, like time.Date's arguments) in loc. Usually that is midnight;
// in zones whose DST changes at midnight it is the first minute that
// exists on that day, which time.Date alone does not give.
func dayStart(y int, m time.Month, d int, loc *time.Location) time.Time {
	ty, tm, td := time.Date(y, m, d, 12, 0, 0, 0, time.UTC).Date()
	v := time.Date(ty, tm, td, 0, 0, 0, 0, loc)
	if sameDay(v, ty, tm, td) && !sameDay(v.Add(-time.Minute), ty, tm, td) {
		return v
	}
	// DST at midnight: the day starts within a couple of hours of v. A
	// day a zone skipped altogether (Pacific/Apia, 2011-12-30) gives the
	// first instant after it.
	target := time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC)
	w := v.Add(-2 * time.Hour)
	for {
		wy, wm, wd := w.Date()
		if !time.Date(wy, wm, wd, 0, 0, 0, 0, time.UTC).Before(target) {
			return w
		}
		w = w.Add(time.Minute)
	}
}

func sameDay(t time.Time, y int, m time.Month, d int) bool {
	ty, tm, td := t.Date()
	return ty == y && tm == m && td == d
}

// everySchedule fires at a constant interval (@every).
type everySchedule struct{ delay time.Duration }

// newEverySchedule rounds the interval down to whole seconds, at least
// one, as robfig/cron does.
func newEverySchedule(d time.Duration) everySchedule {
	if d < time.Second {
		d = time.Second
	}
	return everySchedule{delay: d - d%time.Second}
}

// Next returns t plus the interval, on a whole second.
func (e everySchedule) Next(t time.Time) time.Time {
	return t.Add(e.delay - time.Duration(t.Nanosecond()))
}
