package framework

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
)

// Options configure a Scheduler. The zero value is kube-scheduler's default
// profile with a fixed seed of 0.
type Options struct {
	// Seed seeds the random source that breaks ties between equally scored
	// nodes and picks where preemption starts looking, so that a run is
	// repeatable. The global math/rand source is never used.
	Seed uint64
	// PercentageOfNodesToScore is the share of nodes examined once enough
	// feasible nodes are found: 0 means upstream's adaptive default
	// (50% - nodes/125, at least 5%), 100 means all nodes. At least 100
	// nodes are always examined.
	PercentageOfNodesToScore int32
	// Parallelism is the number of goroutines that filter and score nodes;
	// 0 means GOMAXPROCS, capped at 16 (upstream's default parallelism).
	Parallelism int
	// Listers feed the volume, namespace-selector and default-spreading
	// logic; see Listers.
	Listers Listers
}

// Scheduler runs kube-scheduler's default profile over a Snapshot. It keeps
// only what upstream keeps between scheduling cycles: the random source and
// the index where the next search over the node list starts. A Scheduler
// serializes its calls.
type Scheduler struct {
	mu          sync.Mutex
	opts        Options
	rng         *rand.Rand
	parallelism int
	// nextStartNodeIndex rotates the window of examined nodes so that every
	// node gets its turn (upstream sched.nextStartNodeIndex).
	nextStartNodeIndex int
	// scratch buffers, reused by every cycle under mu.
	statusBuf   []*Status
	feasibleBuf []*NodeInfo
	scoreBuf    []int64
	countBuf    []int
}

// grow returns buf resized to n, reallocating only when too small.
func grow[T any](buf []T, n int) []T {
	if cap(buf) < n {
		return make([]T, n)
	}
	return buf[:n]
}

// New returns a Scheduler.
func New(opts Options) (*Scheduler, error) {
	if opts.PercentageOfNodesToScore < 0 || opts.PercentageOfNodesToScore > 100 {
		return nil, fmt.Errorf("percentageOfNodesToScore must be in [0, 100], got %d", opts.PercentageOfNodesToScore)
	}
	if opts.Parallelism < 0 {
		return nil, fmt.Errorf("parallelism must not be negative, got %d", opts.Parallelism)
	}
	p := opts.Parallelism
	if p == 0 {
		p = min(runtime.GOMAXPROCS(0), 16)
	}
	return &Scheduler{
		opts:        opts,
		rng:         rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15)),
		parallelism: p,
	}, nil
}

// ScheduleResult is the outcome of a successful Schedule.
type ScheduleResult struct {
	// SuggestedHost is the chosen node.
	SuggestedHost string
	// EvaluatedNodes is how many nodes were filtered (feasible or not).
	EvaluatedNodes int
	// FeasibleNodes is how many of them passed every filter.
	FeasibleNodes int
}

// Upstream's bounds on how many nodes a cycle examines
// (minFeasibleNodesToFind, minFeasibleNodesPercentageToFind).
const (
	minFeasibleNodesToFind           = 100
	minFeasibleNodesPercentageToFind = 5
)

// numFeasibleNodesToFind is upstream's numFeasibleNodesToFind: the search
// stops once this many feasible nodes are found.
func (s *Scheduler) numFeasibleNodesToFind(numAllNodes int) int {
	if numAllNodes < minFeasibleNodesToFind {
		return numAllNodes
	}
	percentage := int(s.opts.PercentageOfNodesToScore)
	if percentage == 0 {
		percentage = 50 - numAllNodes/125
		if percentage < minFeasibleNodesPercentageToFind {
			percentage = minFeasibleNodesPercentageToFind
		}
	}
	n := numAllNodes * percentage / 100
	if n < minFeasibleNodesToFind {
		return minFeasibleNodesToFind
	}
	return n
}
