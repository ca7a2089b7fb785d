package job

import (
	"strconv"
	"strings"
)

// interval is a run of completion indexes, first to last inclusive.
type interval struct{ first, last int }

// intervals is a sorted list of disjoint, non-adjacent intervals: the
// compressed form of status.completedIndexes and status.failedIndexes
// ("1,3-5,7").
type intervals []interval

// parseIntervals reads "1,3-5,7", dropping indexes at or above
// completions and skipping malformed items, as upstream does.
func parseIntervals(s string, completions int) intervals {
	if s == "" {
		return nil
	}
	var out intervals
	for _, item := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(item, "-")
		first, err := strconv.Atoi(lo)
		if err != nil {
			continue
		}
		if first >= completions {
			break
		}
		last := first
		if isRange {
			if last, err = strconv.Atoi(hi); err != nil {
				continue
			}
			last = min(last, completions-1)
		}
		if n := len(out); n > 0 && out[n-1].last == first-1 {
			out[n-1].last = last
			continue
		}
		out = append(out, interval{first, last})
	}
	return out
}

// String writes the compressed form; two adjacent indexes are written
// "3,4", more "3-5".
func (iv intervals) String() string {
	var b strings.Builder
	for _, r := range iv {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(r.first))
		switch {
		case r.last == r.first+1:
			b.WriteByte(',')
			b.WriteString(strconv.Itoa(r.last))
		case r.last > r.first:
			b.WriteByte('-')
			b.WriteString(strconv.Itoa(r.last))
		}
	}
	return b.String()
}

// total counts the indexes.
func (iv intervals) total() int {
	n := 0
	for _, r := range iv {
		n += r.last - r.first + 1
	}
	return n
}

// has says whether ix is in one of the intervals.
func (iv intervals) has(ix int) bool {
	lo, hi := 0, len(iv)
	for lo < hi {
		mid := (lo + hi) / 2
		if iv[mid].last >= ix {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo < len(iv) && iv[lo].first <= ix
}

// withIndexes returns the union with sorted indexes.
func (iv intervals) withIndexes(sorted []int) intervals {
	add := make(intervals, len(sorted))
	for i, ix := range sorted {
		add[i] = interval{ix, ix}
	}
	return iv.merge(add)
}

// merge returns the union of two interval lists.
func (iv intervals) merge(other intervals) intervals {
	var out intervals
	push := func(r interval) {
		n := len(out)
		switch {
		case n == 0 || r.first > out[n-1].last+1:
			out = append(out, r)
		case r.last > out[n-1].last:
			out[n-1].last = r.last
		}
	}
	i, j := 0, 0
	for i < len(iv) || j < len(other) {
		if j == len(other) || (i < len(iv) && iv[i].first < other[j].first) {
			push(iv[i])
			i++
		} else {
			push(other[j])
			j++
		}
	}
	return out
}
