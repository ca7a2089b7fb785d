package fakenode

import (
	corev1 "k8s.io/api/core/v1"
	"sort"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	statsapi "k8s.io/kubelet/pkg/apis/stats/v1alpha1"
)

// Resource use of the simulated processes. A container uses what its
// Behavior's CPU and Memory say (a Go rule or the sim.kubesim.io/cpu and
// sim.kubesim.io/memory annotations, read afresh on every scrape so that a
// test can change them on a running pod); where they say nothing, an idle
// process's baseline. The node adds the system's own use (kubelet,
// container runtime, operating system) to its pods'.
const (
	// defaultContainerCPU and defaultContainerMemory are an idle
	// process's use: a millicore and 4 MiB.
	defaultContainerCPU    = "1m"
	defaultContainerMemory = "4Mi"
	// systemCPU and systemMemory are what the node uses besides its pods.
	systemCPU    = "100m"
	systemMemory = "512Mi"
)

// usage is a resource use: CPU in nanocores, cumulative CPU time in
// core-nanoseconds, memory in bytes.
type usage struct {
	cpu, cpuTime, memory int64
}

func (u usage) add(o usage) usage {
	return usage{cpu: u.cpu + o.cpu, cpuTime: u.cpuTime + o.cpuTime, memory: u.memory + o.memory}
}

func (u usage) cpuStats(now time.Time) *statsapi.CPUStats {
	return &statsapi.CPUStats{Time: metav1.NewTime(now), UsageNanoCores: ptrU64(u.cpu), UsageCoreNanoSeconds: ptrU64(u.cpuTime)}
}

func (u usage) memoryStats(now time.Time) *statsapi.MemoryStats {
	return &statsapi.MemoryStats{Time: metav1.NewTime(now), UsageBytes: ptrU64(u.memory), WorkingSetBytes: ptrU64(u.memory), RSSBytes: ptrU64(u.memory)}
}

// systemMemoryOf is what the node's own processes use of its memory: the
// system baseline, but never more than an eighth of a small node.
func systemMemoryOf(capacity corev1.ResourceList) int64 {
	return min(bytesOf(systemMemory, 0), capacity.Memory().Value()/8)
}

// systemUsage is the node's use besides its pods.
func systemUsage(capacity corev1.ResourceList) usage {
	return usage{cpu: nanoCores(systemCPU, 0), memory: systemMemoryOf(capacity)}
}

// podUsage is one pod's stats and its total use.
type podUsage struct {
	stats statsapi.PodStats
	usage usage
}

// stats reports the pod's running containers; ok is false for a pod that
// has no sandbox yet or has finished, which the kubelet does not report.
func (w *podWorker) stats(now time.Time) (podUsage, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.sandbox || w.terminal || w.pod == nil {
		return podUsage{}, false
	}
	out := podUsage{stats: statsapi.PodStats{
		PodRef:     statsapi.PodReference{Name: w.pod.Name, Namespace: w.pod.Namespace, UID: string(w.pod.UID)},
		StartTime:  metav1.NewTime(w.startTime),
		Containers: []statsapi.ContainerStats{},
	}}
	for _, c := range w.all() {
		if !c.running() {
			continue
		}
		u := w.containerUsage(c, now)
		started := c.rec.Latest.StartedAt
		out.stats.Containers = append(out.stats.Containers, statsapi.ContainerStats{
			Name: c.spec.Name, StartTime: metav1.NewTime(started),
			CPU: u.cpuStats(now), Memory: u.memoryStats(now),
		})
		out.usage = out.usage.add(u)
	}
	out.stats.CPU = out.usage.cpuStats(now)
	out.stats.Memory = out.usage.memoryStats(now)
	return out, true
}

// containerUsage is what a running container uses now. Memory grows
// linearly from the idle baseline to Behavior.Memory over
// Behavior.MemoryAfter. The cumulative CPU time assumes the current rate
// held since the container started: the simulation keeps no history of
// rates.
func (w *podWorker) containerUsage(c *ctr, now time.Time) usage {
	b := w.node.fleet.behaviorFor(w.pod, c.spec)
	ran := now.Sub(c.rec.Latest.StartedAt)
	cpu := nanoCores(b.CPU, nanoCores(defaultContainerCPU, 0))
	idle := bytesOf(defaultContainerMemory, 0)
	mem := bytesOf(b.Memory, idle)
	if b.MemoryAfter > 0 && ran < b.MemoryAfter {
		mem = idle + int64(float64(mem-idle)*float64(ran)/float64(b.MemoryAfter))
	}
	return usage{cpu: cpu, cpuTime: cpuTime(cpu, ran), memory: mem}
}

// nanoCores parses a CPU quantity ("250m", "1.5") into nanocores; an
// empty or invalid one gives def.
func nanoCores(s string, def int64) int64 {
	q, err := resource.ParseQuantity(s)
	if s == "" || err != nil || q.Sign() < 0 {
		return def
	}
	return q.ScaledValue(resource.Nano)
}

// bytesOf parses a memory quantity ("64Mi"); an empty or invalid one
// gives def.
func bytesOf(s string, def int64) int64 {
	q, err := resource.ParseQuantity(s)
	if s == "" || err != nil || q.Sign() < 0 {
		return def
	}
	return q.Value()
}

func sortPodStats(pods []statsapi.PodStats) {
	sort.Slice(pods, func(i, j int) bool {
		a, b := pods[i].PodRef, pods[j].PodRef
		if a.Namespace != b.Namespace {
			return a.Namespace < b.Namespace
		}
		return a.Name < b.Name
	})
}
