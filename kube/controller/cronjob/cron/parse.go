package cron

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	// Time zones come with the binary, as they do in kube-controller-manager,
	// so that spec.timeZone works on machines without a zoneinfo database.
	_ "time/tzdata"
)

// Schedule says when a schedule fires next.
type Schedule interface {
	// Next returns the first firing strictly after t, in t's location, or
	// the zero time if there is none within five years.
	Next(t time.Time) time.Time
}

// field describes one of the five fields: its bounds and value names.
type field struct {
	min, max int
	names    map[string]int
}

var (
	minutes  = field{min: 0, max: 59}
	hours    = field{min: 0, max: 23}
	monthDay = field{min: 1, max: 31}
	months   = field{min: 1, max: 12, names: map[string]int{
		"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
		"jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
	}}
	weekDay = field{min: 0, max: 6, names: map[string]int{
		"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6,
	}}
)

// descriptors are the named schedules and the five fields they stand for.
var descriptors = map[string]string{
	"@yearly":   "0 0 1 1 *",
	"@annually": "0 0 1 1 *",
	"@monthly":  "0 0 1 * *",
	"@weekly":   "0 0 * * 0",
	"@daily":    "0 0 * * *",
	"@midnight": "0 0 * * *",
	"@hourly":   "0 * * * *",
}

const every = "@every "

// Parse parses a standard five-field schedule, a descriptor, or either
// after a TZ= or CRON_TZ= prefix. Its error messages are robfig/cron's,
// since kube-controller-manager puts them in events.
func Parse(spec string) (Schedule, error) {
	if spec == "" {
		return nil, fmt.Errorf("empty spec string")
	}
	loc := time.UTC
	if strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=") {
		zone, rest, ok := strings.Cut(spec[strings.Index(spec, "=")+1:], " ")
		if !ok {
			return nil, fmt.Errorf("provided bad location %s: missing schedule after the time zone", zone)
		}
		var err error
		if loc, err = time.LoadLocation(zone); err != nil {
			return nil, fmt.Errorf("provided bad location %s: %v", zone, err)
		}
		spec = strings.TrimSpace(rest)
	}
	if strings.HasPrefix(spec, "@") {
		return parseDescriptor(spec, loc)
	}
	return parseFields(spec, loc)
}

func parseDescriptor(spec string, loc *time.Location) (Schedule, error) {
	if fields, ok := descriptors[spec]; ok {
		return parseFields(fields, loc)
	}
	if d, ok := strings.CutPrefix(spec, every); ok {
		delay, err := time.ParseDuration(d)
		if err != nil {
			return nil, fmt.Errorf("failed to parse duration %s: %s", spec, err)
		}
		return newEverySchedule(delay), nil
	}
	return nil, fmt.Errorf("unrecognized descriptor: %s", spec)
}

func parseFields(spec string, loc *time.Location) (Schedule, error) {
	fs := strings.Fields(spec)
	if len(fs) != 5 {
		return nil, fmt.Errorf("expected exactly 5 fields, found %d: %s", len(fs), fs)
	}
	s := &specSchedule{loc: loc}
	var err error
	for i, dst := range []*set{&s.minute, &s.hour, &s.dom, &s.month, &s.dow} {
		f := []field{minutes, hours, monthDay, months, weekDay}[i]
		if *dst, err = parseField(fs[i], f); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// parseField parses a comma list of ranges. Empty items are skipped, as
// robfig/cron does.
func parseField(expr string, f field) (set, error) {
	var out set
	for _, item := range strings.FieldsFunc(expr, func(r rune) bool { return r == ',' }) {
		s, err := parseRange(item, f)
		if err != nil {
			return set{}, err
		}
		out.bits |= s.bits
		out.star = out.star || s.star
	}
	return out, nil
}

// parseRange parses "*", "?", "v", "a-b", each optionally followed by
// "/step".
func parseRange(expr string, f field) (set, error) {
	rangePart, stepPart, stepped := strings.Cut(expr, "/")
	if strings.Contains(stepPart, "/") {
		return set{}, fmt.Errorf("too many slashes: %s", expr)
	}
	var start, end int
	star := false
	lowHigh := strings.Split(rangePart, "-")
	if lowHigh[0] == "*" || lowHigh[0] == "?" {
		start, end, star = f.min, f.max, true
	} else {
		var err error
		if start, err = f.value(lowHigh[0]); err != nil {
			return set{}, err
		}
		switch len(lowHigh) {
		case 1:
			end = start
		case 2:
			if end, err = f.value(lowHigh[1]); err != nil {
				return set{}, err
			}
		default:
			return set{}, fmt.Errorf("too many hyphens: %s", expr)
		}
	}
	step := 1
	if stepped {
		var err error
		if step, err = parseNonNegative(stepPart); err != nil {
			return set{}, err
		}
		if len(lowHigh) == 1 {
			end = f.max // "a/n" runs to the end of the field
		}
		if step > 1 {
			star = false // "*/2" restricts the field
		}
	}
	switch {
	case start < f.min:
		return set{}, fmt.Errorf("beginning of range (%d) below minimum (%d): %s", start, f.min, expr)
	case end > f.max:
		return set{}, fmt.Errorf("end of range (%d) above maximum (%d): %s", end, f.max, expr)
	case start > end:
		return set{}, fmt.Errorf("beginning of range (%d) beyond end of range (%d): %s", start, end, expr)
	case step == 0:
		return set{}, fmt.Errorf("step of range should be a positive number: %s", expr)
	}
	s := set{star: star}
	for v := start; v <= end; v += step {
		s.bits |= 1 << uint(v)
	}
	return s, nil
}

// value parses a number or, for months and weekdays, a name.
func (f field) value(expr string) (int, error) {
	if v, ok := f.names[strings.ToLower(expr)]; ok {
		return v, nil
	}
	return parseNonNegative(expr)
}

func parseNonNegative(expr string) (int, error) {
	n, err := strconv.Atoi(expr)
	if err != nil {
		return 0, fmt.Errorf("failed to parse int from %s: %s", expr, err)
	}
	if n < 0 {
		return 0, fmt.Errorf("negative number (%d) not allowed: %s", n, expr)
	}
	return n, nil
}
