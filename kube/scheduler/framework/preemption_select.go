package framework

import (
	"math"
	"time"
)

// pickOneNodeForPreemption is upstream's ordering of candidates, each rule
// applied only to break the ties of the previous one:
//  1. fewest PodDisruptionBudget violations,
//  2. lowest priority of the most important victim,
//  3. smallest sum of victim priorities,
//  4. fewest victims,
//  5. latest start of the earliest-started most important victim,
//  6. the first candidate found.
//
// Victims of each candidate are ordered most important first.
func pickOneNodeForPreemption(candidates []candidate, now time.Time) candidate {
	scoreFuncs := []func(c *candidate) int64{
		func(c *candidate) int64 { return -int64(c.numPDBViolations) },
		func(c *candidate) int64 { return -int64(c.victims[0].Priority) },
		func(c *candidate) int64 {
			var sum int64
			for _, v := range c.victims {
				// Shift by MaxInt32+1 so that negative priorities still add up.
				sum += int64(v.Priority) + int64(math.MaxInt32) + 1
			}
			return -sum
		},
		func(c *candidate) int64 { return -int64(len(c.victims)) },
		func(c *candidate) int64 { return earliestStartOfTopVictims(c.victims, now).UnixNano() },
	}
	remaining := candidates
	for _, f := range scoreFuncs {
		var selected []candidate
		best := int64(math.MinInt64)
		for i := range remaining {
			score := f(&remaining[i])
			if score > best {
				best = score
				selected = selected[:0]
			}
			if score == best {
				selected = append(selected, remaining[i])
			}
		}
		if len(selected) == 1 {
			return selected[0]
		}
		remaining = selected
	}
	return remaining[0]
}

// earliestStartOfTopVictims is upstream GetEarliestPodStartTime: the
// earliest start among the victims with the highest priority.
func earliestStartOfTopVictims(victims []*PodInfo, now time.Time) time.Time {
	earliest := podStartTime(victims[0], now)
	maxPriority := victims[0].Priority
	for _, v := range victims {
		switch {
		case v.Priority == maxPriority:
			if t := podStartTime(v, now); t.Before(earliest) {
				earliest = t
			}
		case v.Priority > maxPriority:
			maxPriority = v.Priority
			earliest = podStartTime(v, now)
		}
	}
	return earliest
}
