package kube

import "time"

// DefaultStart is where a new virtual clock starts: a fixed instant, so that
// runs are repeatable.
var DefaultStart = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
