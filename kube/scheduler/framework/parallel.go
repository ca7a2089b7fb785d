package framework

import "sync"

// minParallelWork is the number of items below which work runs on the
// calling goroutine: starting goroutines costs more than filtering a few
// dozen nodes.
const minParallelWork = 64

// parallelize calls fn(i) for i in [0, n), splitting the range into
// contiguous pieces over the scheduler's goroutines. fn must only write to
// its own index.
func (s *Scheduler) parallelize(n int, fn func(i int)) {
	workers := min(s.parallelism, n/minParallelWork)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var wg sync.WaitGroup
	per := (n + workers - 1) / workers
	for w := range workers {
		lo, hi := w*per, min((w+1)*per, n)
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				fn(i)
			}
		}()
	}
	wg.Wait()
}
