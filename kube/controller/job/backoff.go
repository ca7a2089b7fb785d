package job

import (
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
)

const (
	// podFailureBackoff is the delay before replacing a failed pod; it
	// doubles with each consecutive failure (upstream's
	// DefaultJobPodFailureBackOff).
	podFailureBackoff = 10 * time.Second
	// maxPodFailureBackoff caps it (upstream's MaxJobPodFailureBackOff;
	// the documentation says six minutes, the controller uses ten).
	maxPodFailureBackoff = 10 * time.Minute
)

// backoffRecord is what the back-off of a Job's pod creations depends
// on: the failures since its last success, and when the last one was.
type backoffRecord struct {
	key                      string
	failuresAfterLastSuccess int32
	lastFailureTime          *time.Time
}

// backoffStore keeps a record per Job, in memory, as upstream does: it
// is rebuilt from the pods that finish after a controller restart.
type backoffStore struct {
	mu      sync.Mutex
	records map[string]backoffRecord
}

func newBackoffStore() *backoffStore { return &backoffStore{records: map[string]backoffRecord{}} }

func (s *backoffStore) update(r backoffRecord) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.records[r.key] = r
}

func (s *backoffStore) remove(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.records, key)
}

// next returns the record once the newly finished pods are accounted: a
// success resets it, failures after the last success add up (upstream's
// newBackoffRecord).
func (s *backoffStore) next(key string, succeeded, failed []*corev1.Pod) backoffRecord {
	s.mu.Lock()
	r, ok := s.records[key]
	s.mu.Unlock()
	if !ok {
		r = backoffRecord{key: key}
	}
	succeeded = append([]*corev1.Pod(nil), succeeded...)
	failed = append([]*corev1.Pod(nil), failed...)
	sortByFinishedTime(succeeded)
	sortByFinishedTime(failed)
	switch {
	case len(succeeded) == 0 && len(failed) == 0:
		return r
	case len(succeeded) == 0:
		r.failuresAfterLastSuccess += int32(len(failed))
		t := finishedTime(failed[len(failed)-1])
		r.lastFailureTime = &t
		return r
	}
	r.failuresAfterLastSuccess, r.lastFailureTime = 0, nil
	lastSuccess := finishedTime(succeeded[len(succeeded)-1])
	for i := len(failed) - 1; i >= 0; i-- {
		t := finishedTime(failed[i])
		if !t.After(lastSuccess) {
			break
		}
		if r.lastFailureTime == nil {
			r.lastFailureTime = &t
		}
		r.failuresAfterLastSuccess++
	}
	return r
}

// remaining is how long to wait before creating pods again.
func (r backoffRecord) remaining(now time.Time) time.Duration {
	return remainingBackoff(now, r.failuresAfterLastSuccess, r.lastFailureTime)
}

// remainingForIndex is the wait before replacing lastFailed, the last
// failed pod of an index, from the index's failure counts.
func remainingForIndex(now time.Time, lastFailed *corev1.Pod) time.Duration {
	if lastFailed == nil {
		return 0
	}
	t := finishedTime(lastFailed)
	return remainingBackoff(now, absoluteFailureCount(lastFailed)+1, &t)
}

// remainingBackoff: 10 s after the first failure, doubling with each
// further one up to 10 min, counted from the last failure.
func remainingBackoff(now time.Time, failures int32, last *time.Time) time.Duration {
	if failures == 0 || last == nil {
		return 0
	}
	d := podFailureBackoff
	for i := int32(1); i < failures; i++ {
		d *= 2
		if d >= maxPodFailureBackoff {
			d = maxPodFailureBackoff
			break
		}
	}
	if elapsed := now.Sub(*last); elapsed < d {
		return d - elapsed
	}
	return 0
}
