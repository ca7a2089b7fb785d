package cron

import (
	"testing"
	"time"
)

// at parses an RFC 3339 time; the offset in the string says which of two
// equal wall-clock times is meant around a DST change.
func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestNext(t *testing.T) {
	tests := []struct {
		name, spec string
		from       string
		want       []string // successive firings; "" for none
	}{
		// 2025-01-01 is a Wednesday.
		{"every minute", "*/1 * * * *", "2025-01-01T00:00:00Z", []string{"2025-01-01T00:01:00Z", "2025-01-01T00:02:00Z"}},
		{"strictly after, from mid-minute", "* * * * *", "2025-01-01T00:00:30Z", []string{"2025-01-01T00:01:00Z"}},
		{"steps", "*/15 * * * *", "2025-01-01T00:14:59Z", []string{"2025-01-01T00:15:00Z", "2025-01-01T00:30:00Z", "2025-01-01T00:45:00Z", "2025-01-01T01:00:00Z"}},
		{"value/step runs to the end of the field", "50/5 * * * *", "2025-01-01T00:00:00Z", []string{"2025-01-01T00:50:00Z", "2025-01-01T00:55:00Z", "2025-01-01T01:50:00Z"}},
		{"daily at a time", "5 4 * * *", "2025-01-01T04:05:00Z", []string{"2025-01-02T04:05:00Z"}},
		{"stepped hour range", "23 0-20/2 * * *", "2025-01-01T01:00:00Z", []string{"2025-01-01T02:23:00Z", "2025-01-01T04:23:00Z"}},
		{"hour range wraps to the next day", "0 9-10 * * *", "2025-01-01T10:00:00Z", []string{"2025-01-02T09:00:00Z"}},
		{"weekdays", "0 22 * * 1-5", "2025-01-03T22:00:00Z", []string{"2025-01-06T22:00:00Z", "2025-01-07T22:00:00Z"}},
		{"lists", "0,30 8,20 * * *", "2025-01-01T08:00:00Z", []string{"2025-01-01T08:30:00Z", "2025-01-01T20:00:00Z", "2025-01-01T20:30:00Z", "2025-01-02T08:00:00Z"}},
		{"day of month or day of week when both are restricted", "0 0 1,15 * 3", "2025-01-01T00:00:00Z", []string{"2025-01-08T00:00:00Z", "2025-01-15T00:00:00Z", "2025-01-22T00:00:00Z", "2025-01-29T00:00:00Z", "2025-02-01T00:00:00Z"}},
		{"a stepped day of month is a restriction", "0 0 */10 * *", "2025-01-01T00:00:00Z", []string{"2025-01-11T00:00:00Z", "2025-01-21T00:00:00Z", "2025-01-31T00:00:00Z", "2025-02-01T00:00:00Z"}},
		{"day of week alone when day of month is *", "0 0 * * 0", "2025-01-01T00:00:00Z", []string{"2025-01-05T00:00:00Z", "2025-01-12T00:00:00Z"}},
		{"? is *", "0 0 ? * 0", "2025-01-01T00:00:00Z", []string{"2025-01-05T00:00:00Z"}},
		{"names of months and weekdays, any case", "0 12 * JAN,jul Mon", "2025-01-28T00:00:00Z", []string{"2025-07-07T12:00:00Z", "2025-07-14T12:00:00Z"}},
		{"named ranges", "0 6 * mar-may sat,sun", "2025-01-01T00:00:00Z", []string{"2025-03-01T06:00:00Z", "2025-03-02T06:00:00Z", "2025-03-08T06:00:00Z"}},
		{"31st skips short months", "0 0 31 * *", "2025-01-31T00:00:00Z", []string{"2025-03-31T00:00:00Z", "2025-05-31T00:00:00Z"}},
		{"leap day", "0 0 29 2 *", "2025-01-01T00:00:00Z", []string{"2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"}},
		{"a date that never comes", "0 0 30 2 *", "2025-01-01T00:00:00Z", []string{""}},
		{"year wrap", "0 0 1 1 *", "2025-12-31T23:59:00Z", []string{"2026-01-01T00:00:00Z"}},

		{"@yearly", "@yearly", "2025-01-01T00:00:00Z", []string{"2026-01-01T00:00:00Z"}},
		{"@annually", "@annually", "2025-06-01T00:00:00Z", []string{"2026-01-01T00:00:00Z"}},
		{"@monthly", "@monthly", "2025-01-15T10:00:00Z", []string{"2025-02-01T00:00:00Z", "2025-03-01T00:00:00Z"}},
		{"@weekly", "@weekly", "2025-01-01T00:00:00Z", []string{"2025-01-05T00:00:00Z"}},
		{"@daily", "@daily", "2025-01-01T00:00:00Z", []string{"2025-01-02T00:00:00Z"}},
		{"@midnight", "@midnight", "2025-01-01T23:59:59Z", []string{"2025-01-02T00:00:00Z"}},
		{"@hourly", "@hourly", "2025-01-01T00:59:59Z", []string{"2025-01-01T01:00:00Z", "2025-01-01T02:00:00Z"}},
		{"@every", "@every 90s", "2025-01-01T00:00:00Z", []string{"2025-01-01T00:01:30Z", "2025-01-01T00:03:00Z"}},
		{"@every under a second is a second", "@every 10ms", "2025-01-01T00:00:00Z", []string{"2025-01-01T00:00:01Z"}},

		{"TZ= prefix", "TZ=America/New_York 0 9 * * *", "2025-01-01T00:00:00Z", []string{"2025-01-01T14:00:00Z", "2025-01-02T14:00:00Z"}},
		{"CRON_TZ= prefix in a half-hour zone", "CRON_TZ=Asia/Kolkata 30 * * * *", "2025-01-01T00:00:00Z", []string{"2025-01-01T01:00:00Z", "2025-01-01T02:00:00Z"}},
		{"the weekday is the zone's", "TZ=Asia/Tokyo 0 8 * * 1", "2025-01-05T20:00:00Z", []string{"2025-01-05T23:00:00Z", "2025-01-12T23:00:00Z"}},

		// America/New_York, 2025: clocks go from 02:00 EST to 03:00 EDT on
		// March 9 and from 02:00 EDT back to 01:00 EST on November 2.
		{"spring forward: a time that does not exist is skipped", "TZ=America/New_York 30 2 * * *",
			"2025-03-08T02:30:00-05:00", []string{"2025-03-10T02:30:00-04:00"}},
		{"spring forward: the hour after the gap", "TZ=America/New_York 0 3 * * *",
			"2025-03-08T03:00:00-05:00", []string{"2025-03-09T03:00:00-04:00", "2025-03-10T03:00:00-04:00"}},
		{"spring forward: hourly", "TZ=America/New_York 0 * * * *",
			"2025-03-09T01:00:00-05:00", []string{"2025-03-09T03:00:00-04:00", "2025-03-09T04:00:00-04:00"}},
		{"spring forward: every 30 minutes", "TZ=America/New_York */30 * * * *",
			"2025-03-09T01:30:00-05:00", []string{"2025-03-09T03:00:00-04:00"}},
		{"fall back: a repeated time runs twice", "TZ=America/New_York 30 1 * * *",
			"2025-11-01T01:30:00-04:00", []string{"2025-11-02T01:30:00-04:00", "2025-11-02T01:30:00-05:00", "2025-11-03T01:30:00-05:00"}},
		{"fall back: every 30 minutes", "TZ=America/New_York */30 * * * *",
			"2025-11-02T01:00:00-04:00", []string{"2025-11-02T01:30:00-04:00", "2025-11-02T01:00:00-05:00", "2025-11-02T01:30:00-05:00", "2025-11-02T02:00:00-05:00"}},
		{"fall back: the hour after runs once", "TZ=America/New_York 0 2 * * *",
			"2025-11-01T02:00:00-04:00", []string{"2025-11-02T02:00:00-05:00", "2025-11-03T02:00:00-05:00"}},
		{"London: spring forward skips 01:xx", "TZ=Europe/London 15 1 * * *",
			"2025-03-29T01:15:00Z", []string{"2025-03-31T01:15:00+01:00"}},

		// America/Santiago changes at midnight: 2024-09-08 starts at 01:00,
		// and 2025-04-05 ends with its 23:00 hour twice.
		{"midnight that does not exist", "TZ=America/Santiago 0 0 * * *",
			"2024-09-07T00:00:00-04:00", []string{"2024-09-09T00:00:00-03:00"}},
		{"the first hour of a day that starts at 01:00", "TZ=America/Santiago 0 1 * * *",
			"2024-09-07T01:00:00-04:00", []string{"2024-09-08T01:00:00-03:00", "2024-09-09T01:00:00-03:00"}},
		{"a repeated hour before midnight", "TZ=America/Santiago 0 23 * * *",
			"2025-04-04T23:00:00-03:00", []string{"2025-04-05T23:00:00-03:00", "2025-04-05T23:00:00-04:00", "2025-04-06T23:00:00-04:00"}},
		// Samoa skipped 2011-12-30 when it crossed the date line.
		{"a day that a zone skipped", "TZ=Pacific/Apia 0 12 30 12 *",
			"2011-12-29T12:00:00-10:00", []string{"2012-12-30T12:00:00+14:00"}},
		{"the day after a skipped day", "TZ=Pacific/Apia 0 12 * * *",
			"2011-12-29T12:00:00-10:00", []string{"2011-12-31T12:00:00+14:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse(tt.spec)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.spec, err)
			}
			cur := at(t, tt.from)
			for i, w := range tt.want {
				got := s.Next(cur)
				if w == "" {
					if !got.IsZero() {
						t.Fatalf("firing %d after %v = %v, want none", i+1, cur, got)
					}
					return
				}
				want := at(t, w)
				if !got.Equal(want) {
					t.Fatalf("firing %d after %v = %v, want %v", i+1, cur, got, want)
				}
				if got.Location() != cur.Location() {
					t.Errorf("firing %d is in %v, want the argument's location %v", i+1, got.Location(), cur.Location())
				}
				cur = got
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ spec, want string }{
		{"", "empty spec string"},
		{"* * * *", "expected exactly 5 fields, found 4: [* * * *]"},
		{"0 0 * * * *", "expected exactly 5 fields, found 6: [0 0 * * * *]"},
		{"60 * * * *", "end of range (60) above maximum (59): 60"},
		{"* 24 * * *", "end of range (24) above maximum (23): 24"},
		{"* * 0 * *", "beginning of range (0) below minimum (1): 0"},
		{"* * * 13 *", "end of range (13) above maximum (12): 13"},
		{"* * * * 7", "end of range (7) above maximum (6): 7"},
		{"5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"},
		{"*/0 * * * *", "step of range should be a positive number: */0"},
		{"1-2-3 * * * *", "too many hyphens: 1-2-3"},
		{"* * * * sat-sun", "beginning of range (6) beyond end of range (0): sat-sun"},
		{"*/2/3 * * * *", "too many slashes: */2/3"},
		{"a * * * *", `failed to parse int from a: strconv.Atoi: parsing "a": invalid syntax`},
		{"* * * foo *", `failed to parse int from foo: strconv.Atoi: parsing "foo": invalid syntax`},
		{"*/x * * * *", `failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax`},
		{"@fortnightly", "unrecognized descriptor: @fortnightly"},
		{"@every x", `failed to parse duration @every x: time: invalid duration "x"`},
		{"TZ=Mars/Olympus * * * * *", "provided bad location Mars/Olympus: unknown time zone Mars/Olympus"},
		{"TZ=UTC", "provided bad location UTC: missing schedule after the time zone"},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			_, err := Parse(tt.spec)
			if err == nil || err.Error() != tt.want {
				t.Errorf("Parse(%q) error = %v, want %q", tt.spec, err, tt.want)
			}
		})
	}
}

// TestNextMatchesScan checks the jumping search against the definition,
// minute by minute, for assorted schedules in a zone with DST, over the
// weeks around its two changes and the turn of the year (which also
// cross the ends of long and short months).
func TestNextMatchesScan(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	specs := []string{"*/7 * * * *", "30 2 * * *", "0 1-3 * * 0", "15 */5 1,15 * fri", "0 0 31 * *", "45 23 * 3,10 *"}
	for _, spec := range specs {
		s, err := Parse("TZ=Europe/Berlin " + spec)
		if err != nil {
			t.Fatal(err)
		}
		for _, from := range []time.Time{
			time.Date(2025, 3, 15, 0, 0, 0, 0, loc),  // DST starts March 30
			time.Date(2025, 10, 15, 0, 0, 0, 0, loc), // and ends October 26
			time.Date(2025, 12, 20, 0, 0, 0, 0, loc),
		} {
			scan(t, spec, s.(*specSchedule), from, from.AddDate(0, 0, 21))
		}
	}
}

// scan compares Next with a minute-by-minute search from start to end.
func scan(t *testing.T, spec string, s *specSchedule, start, end time.Time) {
	t.Helper()
	cur := start
	for m := start.Add(time.Minute); m.Before(end); m = m.Add(time.Minute) {
		w := m.In(s.loc)
		if !s.month.has(int(w.Month())) || !s.dayMatches(w) || !s.hour.has(w.Hour()) || !s.minute.has(w.Minute()) {
			continue
		}
		if got := s.Next(cur); !got.Equal(m) {
			t.Fatalf("%s: Next(%v) = %v, scan says %v", spec, cur, got, m)
		}
		cur = m
	}
}
