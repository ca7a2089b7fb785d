package cronjob_test

import (
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
)

// BenchmarkEveryMinuteForADay simulates a CronJob that runs a short Job
// every minute, for 24 virtual hours on one node: 1,440 Jobs and pods
// (issue 5's target: under 10 s of wall time).
func BenchmarkEveryMinuteForADay(b *testing.B) {
	for i := 0; i < b.N; i++ {
		env, c := start(b)
		create(b, c, newCronJob("tick", "*/1 * * * *", 0, 5*time.Second))
		env.Advance(24 * time.Hour)
		if n := countFinished(jobs(b, c, "tick"), batchv1.JobComplete); n != 3 {
			b.Fatalf("%d successful Jobs kept, want 3", n)
		}
	}
}
