package fakenode

import (
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/fakenode/kubeletstatus"
)

// podUse is what one active pod uses of the resources the eviction
// manager watches, per container.
type podUse struct {
	worker     *podWorker
	pod        *corev1.Pod
	names      []string
	memory     []int64
	ephemeral  []int64
	requests   []corev1.ResourceList
	limits     []corev1.ResourceList
	emptyDirs  map[string]int64 // disk emptyDir usage by volume
	emptyLimit map[string]resource.Quantity
}

// podUsages measures the node's active pods: started, not yet stopping.
func (n *Node) podUsages(now time.Time) []*podUse {
	n.mu.Lock()
	workers := make([]*podWorker, 0, len(n.pods))
	for _, w := range n.pods {
		workers = append(workers, w)
	}
	n.mu.Unlock()
	var out []*podUse
	for _, w := range workers {
		if p := w.use(now); p != nil {
			out = append(out, p)
		}
	}
	return out
}

// use measures the pod, or returns nil when it is not a candidate.
func (w *podWorker) use(now time.Time) *podUse {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.sandbox || w.terminating || w.terminal || w.pod == nil || w.pod.DeletionTimestamp != nil {
		return nil
	}
	p := &podUse{worker: w, pod: w.pod, emptyDirs: map[string]int64{}, emptyLimit: map[string]resource.Quantity{}}
	for _, c := range w.all() {
		var mem, disk int64
		if c.running() {
			mem = w.containerUsage(c, now).memory
		}
		if c.rec.Latest != nil { // its writable layer exists once it has run
			disk = bytesOf(w.node.fleet.behaviorFor(w.pod, c.spec).EphemeralStorage, 0)
		}
		p.names = append(p.names, c.spec.Name)
		p.memory = append(p.memory, mem)
		p.ephemeral = append(p.ephemeral, disk)
		p.requests = append(p.requests, c.spec.Resources.Requests)
		p.limits = append(p.limits, c.spec.Resources.Limits)
	}
	for _, v := range w.pod.Spec.Volumes {
		if v.EmptyDir == nil || v.EmptyDir.Medium == corev1.StorageMediumMemory || w.volumes == nil {
			continue
		}
		if vol := w.volumes.vols[v.Name]; vol != nil {
			p.emptyDirs[v.Name] = vol.Usage()
			if v.EmptyDir.SizeLimit != nil {
				p.emptyLimit[v.Name] = *v.EmptyDir.SizeLimit
			}
		}
	}
	return p
}

// total is the pod's use of res.
func (p *podUse) total(res corev1.ResourceName) int64 {
	var sum int64
	for i := range p.names {
		sum += p.usage(i, res)
	}
	if res == corev1.ResourceEphemeralStorage {
		for _, u := range p.emptyDirs {
			sum += u
		}
	}
	return sum
}

func (p *podUse) usage(i int, res corev1.ResourceName) int64 {
	if res == corev1.ResourceMemory {
		return p.memory[i]
	}
	return p.ephemeral[i]
}

// request is the pod's request of res, its containers' sum.
func (p *podUse) request(res corev1.ResourceName) int64 {
	var sum int64
	for _, r := range p.requests {
		if q, ok := r[res]; ok {
			sum += q.Value()
		}
	}
	return sum
}

// containers reports each container's use and request of res, for the
// eviction message.
func (p *podUse) containers(res corev1.ResourceName) []kubeletstatus.ContainerUsage {
	var out []kubeletstatus.ContainerUsage
	for i, name := range p.names {
		out = append(out, kubeletstatus.ContainerUsage{Name: name,
			Usage: *resource.NewQuantity(p.usage(i, res), resource.BinarySI), Request: p.requests[i][res]})
	}
	return out
}

// overLimitMessage is the local storage eviction message for a pod over
// an emptyDir size limit or its ephemeral-storage limits, or "".
func (p *podUse) overLimitMessage() string {
	for name, limit := range p.emptyLimit {
		if p.emptyDirs[name] > limit.Value() {
			return kubeletstatus.EmptyDirLimitMessage(name, limit)
		}
	}
	var podLimit int64
	limitedAll := true
	for i, name := range p.names {
		limit, ok := p.limits[i][corev1.ResourceEphemeralStorage]
		if !ok {
			limitedAll = false
			continue
		}
		podLimit += limit.Value()
		if p.ephemeral[i] > limit.Value() {
			return kubeletstatus.ContainerEphemeralStorageMessage(name, limit)
		}
	}
	if limitedAll && len(p.names) > 0 && p.total(corev1.ResourceEphemeralStorage) > podLimit {
		return kubeletstatus.PodEphemeralStorageMessage(*resource.NewQuantity(podLimit, resource.BinarySI))
	}
	return ""
}

// rankForEviction picks the pod to evict for res as the kubelet ranks
// them: pods using more than they request first, then lower priority,
// then the larger use above request. Critical pods are never picked.
func rankForEviction(pods []*podUse, res corev1.ResourceName) *podUse {
	var candidates []*podUse
	for _, p := range pods {
		if ptr.Deref(p.pod.Spec.Priority, 0) < systemCriticalPriority {
			candidates = append(candidates, p)
		}
	}
	if len(candidates) == 0 {
		return nil
	}
	over := func(p *podUse) int64 { return p.total(res) - p.request(res) }
	slices.SortStableFunc(candidates, func(a, b *podUse) int {
		if ea, eb := over(a) > 0, over(b) > 0; ea != eb {
			if ea {
				return -1
			}
			return 1
		}
		if pa, pb := ptr.Deref(a.pod.Spec.Priority, 0), ptr.Deref(b.pod.Spec.Priority, 0); pa != pb {
			if pa < pb {
				return -1
			}
			return 1
		}
		switch oa, ob := over(a), over(b); {
		case oa > ob:
			return -1
		case oa < ob:
			return 1
		}
		return 0
	})
	return candidates[0]
}
