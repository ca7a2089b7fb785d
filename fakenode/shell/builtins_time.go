package shell

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// cmdSleep sleeps on the virtual clock for the sum of its arguments: N,
// N.N, with a suffix s, m, h or d, or inf/infinity.
func cmdSleep(_ context.Context, inv *Invocation) int {
	if len(inv.Args) < 2 {
		usage(inv)
		return 1
	}
	var total time.Duration
	for _, a := range inv.Args[1:] {
		d, ok := parseSleep(a)
		if !ok {
			inv.Errorf("invalid number '%s'", a)
			return 1
		}
		if d < 0 || total+d < total {
			total = -1 // for ever
			break
		}
		total += d
	}
	return sleepStatus(inv.Sleep(total))
}

// sleepStatus is the exit status of a command whose sleep ended with err.
func sleepStatus(err error) int {
	var se *SignalError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &se):
		return 128 + int(se.Signal)
	}
	return 137
}

// parseSleep reads one sleep argument; a negative duration is "for ever".
func parseSleep(s string) (time.Duration, bool) {
	unit := time.Second
	if s != "" {
		switch s[len(s)-1] {
		case 's':
			s = s[:len(s)-1]
		case 'm':
			unit, s = time.Minute, s[:len(s)-1]
		case 'h':
			unit, s = time.Hour, s[:len(s)-1]
		case 'd':
			unit, s = 24*time.Hour, s[:len(s)-1]
		}
	}
	if l := strings.ToLower(s); l == "inf" || l == "infinity" {
		return -1, true
	}
	if s == "" || strings.ContainsAny(s, "+-xXpPeEnN") {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	ns := f * float64(unit)
	if ns >= math.MaxInt64 {
		return -1, true
	}
	return time.Duration(ns), true
}

// cmdDate prints the virtual time: busybox's default format, +FORMAT,
// -u, -d (@epoch, YYYY-MM-DD[ HH:MM[:SS]]), -r FILE, -I and -R.
func cmdDate(_ context.Context, inv *Invocation) int {
	t := inv.Clock.Now()
	loc := dateLocation(inv)
	format := "%a %b %e %H:%M:%S %Z %Y"
	args := inv.Args[1:]
	for len(args) > 0 {
		a := args[0]
		args = args[1:]
		switch {
		case strings.HasPrefix(a, "+"):
			format = a[1:]
		case a == "-u" || a == "--utc":
			loc = time.UTC
		case a == "-d" || a == "-r" || a == "-s":
			if len(args) == 0 {
				usage(inv)
				return 1
			}
			arg := args[0]
			args = args[1:]
			switch a {
			case "-s":
				inv.Errorf("can't set date: Operation not permitted")
				return 1
			case "-r":
				fi, err := inv.FS.Stat(inv.Path(arg))
				if err != nil {
					inv.Errorf("%s: %s", arg, errnoText(err))
					return 1
				}
				t = fi.ModTime()
			default:
				parsed, ok := parseDate(arg, t, loc)
				if !ok {
					inv.Errorf("invalid date '%s'", arg)
					return 1
				}
				t = parsed
			}
		case a == "-R":
			format = "%a, %d %b %Y %H:%M:%S %z"
		case strings.HasPrefix(a, "-I"):
			format = isoFormat(a[2:])
		default:
			usage(inv)
			return 1
		}
	}
	return writeOut(inv, strftime(format, t.In(loc))+"\n")
}

// dateLocation is the zone from TZ, UTC when unset or unknown.
func dateLocation(inv *Invocation) *time.Location {
	if tz := inv.Getenv("TZ"); tz != "" {
		if loc, err := time.LoadLocation(tz); err == nil {
			return loc
		}
	}
	return time.UTC
}

func isoFormat(spec string) string {
	switch spec {
	case "hours":
		return "%Y-%m-%dT%H%z"
	case "minutes":
		return "%Y-%m-%dT%H:%M%z"
	case "seconds":
		return "%Y-%m-%dT%H:%M:%S%:z"
	}
	return "%Y-%m-%d"
}

func parseDate(s string, now time.Time, loc *time.Location) (time.Time, bool) {
	if s == "now" {
		return now, true
	}
	if strings.HasPrefix(s, "@") {
		secs, err := strconv.ParseInt(s[1:], 10, 64)
		return time.Unix(secs, 0), err == nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02", "15:04:05", "15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			if !strings.Contains(layout, "2006") {
				y, m, d := now.In(loc).Date()
				t = time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), 0, loc)
			}
			return t, true
		}
	}
	return time.Time{}, false
}

// strftime formats t as C's strftime in the C locale; unknown
// conversions are copied as they are, as busybox does.
func strftime(format string, t time.Time) string {
	var sb strings.Builder
	for k := 0; k < len(format); k++ {
		if format[k] != '%' || k+1 >= len(format) {
			sb.WriteByte(format[k])
			continue
		}
		k++
		if format[k] == ':' && k+1 < len(format) && format[k+1] == 'z' {
			sb.WriteString(t.Format("-07:00"))
			k++
			continue
		}
		if s, ok := strftimeField(format[k], t); ok {
			sb.WriteString(s)
		} else {
			sb.WriteString(format[k-1 : k+1])
		}
	}
	return sb.String()
}

func strftimeField(c byte, t time.Time) (string, bool) {
	hour12 := t.Hour() % 12
	if hour12 == 0 {
		hour12 = 12
	}
	switch c {
	case 'a':
		return t.Format("Mon"), true
	case 'A':
		return t.Format("Monday"), true
	case 'b', 'h':
		return t.Format("Jan"), true
	case 'B':
		return t.Format("January"), true
	case 'c':
		return strftime("%a %b %e %H:%M:%S %Y", t), true
	case 'C':
		return fmt.Sprintf("%02d", t.Year()/100), true
	case 'd':
		return fmt.Sprintf("%02d", t.Day()), true
	case 'D', 'x':
		return strftime("%m/%d/%y", t), true
	case 'e':
		return fmt.Sprintf("%2d", t.Day()), true
	case 'F':
		return strftime("%Y-%m-%d", t), true
	case 'G':
		y, _ := t.ISOWeek()
		return strconv.Itoa(y), true
	case 'H':
		return fmt.Sprintf("%02d", t.Hour()), true
	case 'I':
		return fmt.Sprintf("%02d", hour12), true
	case 'j':
		return fmt.Sprintf("%03d", t.YearDay()), true
	case 'k':
		return fmt.Sprintf("%2d", t.Hour()), true
	case 'l':
		return fmt.Sprintf("%2d", hour12), true
	case 'm':
		return fmt.Sprintf("%02d", int(t.Month())), true
	case 'M':
		return fmt.Sprintf("%02d", t.Minute()), true
	case 'n':
		return "\n", true
	case 'p':
		return t.Format("PM"), true
	case 'P':
		return strings.ToLower(t.Format("PM")), true
	case 'r':
		return strftime("%I:%M:%S %p", t), true
	case 'R':
		return strftime("%H:%M", t), true
	case 's':
		return strconv.FormatInt(t.Unix(), 10), true
	case 'S':
		return fmt.Sprintf("%02d", t.Second()), true
	case 't':
		return "\t", true
	case 'T', 'X':
		return strftime("%H:%M:%S", t), true
	case 'u':
		wd := int(t.Weekday())
		if wd == 0 {
			wd = 7
		}
		return strconv.Itoa(wd), true
	case 'U':
		return fmt.Sprintf("%02d", (t.YearDay()+6-int(t.Weekday()))/7), true
	case 'V':
		_, w := t.ISOWeek()
		return fmt.Sprintf("%02d", w), true
	case 'w':
		return strconv.Itoa(int(t.Weekday())), true
	case 'y':
		return fmt.Sprintf("%02d", t.Year()%100), true
	case 'Y':
		return strconv.Itoa(t.Year()), true
	case 'z':
		return t.Format("-0700"), true
	case 'Z':
		return t.Format("MST"), true
	case '%':
		return "%", true
	}
	return "", false
}
