package framework

import (
	"fmt"
)

// PluginScore is one plugin's weighted score for a node.
type PluginScore struct {
	Plugin string
	Score  int64
}

// NodeScore is a node's scores: per plugin (weighted) and their total.
type NodeScore struct {
	Name       string
	Scores     []PluginScore
	TotalScore int64
}

// scorePlugin is one Score plugin prepared for a cycle (its PreScore done).
type scorePlugin struct {
	name      string
	weight    int64
	score     func(n int, ni *NodeInfo) int64
	normalize func(scores []int64)
}

// Default weights of the default profile's score plugins.
const (
	weightTaintToleration    = 3
	weightNodeAffinity       = 2
	weightNodeResourcesFit   = 1
	weightPodTopologySpread  = 2
	weightInterPodAffinity   = 2
	weightBalancedAllocation = 1
)

// preScore runs PreScore for every score plugin and returns those that
// have something to score (upstream RunPreScorePlugins; a Skip leaves the
// plugin out).
func (s *Scheduler) preScore(snap *Snapshot, cs *cycleState, feasible []*NodeInfo) ([]scorePlugin, error) {
	pi := cs.pod
	var out []scorePlugin

	tolerations := preferNoScheduleTolerations(pi.Pod.Spec.Tolerations)
	out = append(out, scorePlugin{
		name: PluginTaintToleration, weight: weightTaintToleration,
		score:     func(_ int, ni *NodeInfo) int64 { return scoreTaintToleration(tolerations, ni) },
		normalize: func(scores []int64) { defaultNormalizeScore(scores, true) },
	})

	preferred, err := preferredNodeAffinity(pi.Pod)
	if err != nil {
		return nil, fmt.Errorf("running PreScore plugin %q: %w", PluginNodeAffinity, err)
	}
	if preferred != nil {
		out = append(out, scorePlugin{
			name: PluginNodeAffinity, weight: weightNodeAffinity,
			score:     func(_ int, ni *NodeInfo) int64 { return preferred.Score(ni.node) },
			normalize: func(scores []int64) { defaultNormalizeScore(scores, false) },
		})
	}

	out = append(out, scorePlugin{
		name: PluginNodeResourcesFit, weight: weightNodeResourcesFit,
		score: func(_ int, ni *NodeInfo) int64 { return scoreLeastAllocated(pi, ni) },
	})

	spread, err := preScorePodTopologySpread(s, snap, cs, feasible)
	if err != nil {
		return nil, fmt.Errorf("running PreScore plugin %q: %w", PluginPodTopologySpread, err)
	}
	if spread != nil {
		out = append(out, scorePlugin{
			name: PluginPodTopologySpread, weight: weightPodTopologySpread,
			score: spread.score, normalize: spread.normalize,
		})
	}

	if ipa := preScoreInterPodAffinity(s, snap, cs); ipa != nil {
		out = append(out, scorePlugin{
			name: PluginInterPodAffinity, weight: weightInterPodAffinity,
			score:     func(_ int, ni *NodeInfo) int64 { return ipa.score(ni) },
			normalize: normalizeInterPodAffinity,
		})
	}

	if !isBestEffortForBalance(pi) {
		out = append(out, scorePlugin{
			name: PluginBalancedAllocation, weight: weightBalancedAllocation,
			score: func(_ int, ni *NodeInfo) int64 { return scoreBalancedAllocation(pi, ni) },
		})
	}
	return out, nil
}

// defaultNormalizeScore is upstream helper.DefaultNormalizeScore: scale to
// [0, 100] by the maximum; reverse turns it around (all-zero scores become
// 100 when reversed).
func defaultNormalizeScore(scores []int64, reverse bool) {
	var maxCount int64
	for _, s := range scores {
		maxCount = max(maxCount, s)
	}
	if maxCount == 0 {
		if reverse {
			for i := range scores {
				scores[i] = MaxNodeScore
			}
		}
		return
	}
	for i, s := range scores {
		s = MaxNodeScore * s / maxCount
		if reverse {
			s = MaxNodeScore - s
		}
		scores[i] = s
	}
}

// prioritize scores the feasible nodes (upstream prioritizeNodes and
// RunScorePlugins): every plugin scores every node, each plugin's scores are
// normalized over the nodes, then weighted and summed. It returns the
// totals (in a buffer the next cycle reuses) and, with detail, the
// per-plugin breakdown.
func (s *Scheduler) prioritize(snap *Snapshot, cs *cycleState, feasible []*NodeInfo, detail bool) ([]int64, []NodeScore, error) {
	plugins, err := s.preScore(snap, cs, feasible)
	if err != nil {
		return nil, nil, err
	}
	n := len(feasible)
	s.scoreBuf = grow(s.scoreBuf, (len(plugins)+1)*n)
	totals := s.scoreBuf[:n]
	clear(totals)
	raw := make([][]int64, len(plugins))
	for p := range plugins {
		raw[p] = s.scoreBuf[(p+1)*n : (p+2)*n]
	}
	s.parallelize(n, func(i int) {
		for p := range plugins {
			raw[p][i] = plugins[p].score(i, feasible[i])
		}
	})
	for p := range plugins {
		if plugins[p].normalize != nil {
			plugins[p].normalize(raw[p])
		}
		for i, v := range raw[p] {
			if v < 0 || v > MaxNodeScore {
				return nil, nil, fmt.Errorf("plugin %q returns an invalid score %v for node %q, it should be in the range of [0, %v] after normalizing",
					plugins[p].name, v, feasible[i].node.Name, MaxNodeScore)
			}
			totals[i] += v * plugins[p].weight
		}
	}
	if !detail {
		return totals, nil, nil
	}
	out := make([]NodeScore, n)
	for i, ni := range feasible {
		out[i] = NodeScore{Name: ni.node.Name, TotalScore: totals[i], Scores: make([]PluginScore, len(plugins))}
		for p := range plugins {
			out[i].Scores[p] = PluginScore{Plugin: plugins[p].name, Score: raw[p][i] * plugins[p].weight}
		}
	}
	return totals, out, nil
}

// selectHost picks a node with the highest total score, uniformly at random
// among ties (reservoir sampling over the seeded source).
func (s *Scheduler) selectHost(feasible []*NodeInfo, totals []int64) string {
	best, ties := 0, 0
	for i, t := range totals {
		switch {
		case i == 0 || t > totals[best]:
			best, ties = i, 1
		case t == totals[best]:
			ties++
			if s.rng.IntN(ties) == 0 {
				best = i
			}
		}
	}
	return feasible[best].node.Name
}
