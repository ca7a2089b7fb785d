package daemonset

import (
	"context"
	"fmt"
	"sort"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// statusUpdateRetries is how often a status write is retried after a
// conflict (upstream's StatusUpdateRetries).
const statusUpdateRetries = 1

// updateDaemonSetStatus counts, over the nodes, those that should run a
// pod (desired), those of them that have one (current), those that have
// one and should not (misscheduled), and, of each node's oldest pod,
// ready, available and updated ones; it writes them with
// observedGeneration (upstream's updateDaemonSetStatus). It returns when
// to look again for a pod that becomes available with minReadySeconds.
func (c *Controller) updateDaemonSetStatus(ctx context.Context, stored, ds *appsv1.DaemonSet, nodes []*corev1.Node, hash string) (time.Duration, error) {
	byNode, err := c.nodesToDaemonPods(ctx, ds, false)
	if err != nil {
		return 0, fmt.Errorf("couldn't get node to daemon pod mapping for daemon set %q: %w", ds.Name, err)
	}
	now := c.now()
	generation := templateGeneration(ds)
	p := newPlacement(ds)
	var st appsv1.DaemonSetStatus
	var oldest []*corev1.Pod
	for _, node := range nodes {
		run, _ := p.shouldRun(node)
		pods := byNode[node.Name]
		switch {
		case !run:
			if len(pods) > 0 {
				st.NumberMisscheduled++
			}
			continue
		case len(pods) == 0:
			st.DesiredNumberScheduled++
			continue
		}
		st.DesiredNumberScheduled++
		st.CurrentNumberScheduled++
		sort.Slice(pods, byCreation(pods))
		pod := pods[0]
		oldest = append(oldest, pod)
		if isPodReady(pod) {
			st.NumberReady++
			if isPodAvailable(pod, ds.Spec.MinReadySeconds, now) {
				st.NumberAvailable++
			}
		}
		if isPodUpdated(pod, hash, generation) {
			st.UpdatedNumberScheduled++
		}
	}
	st.NumberUnavailable = st.DesiredNumberScheduled - st.NumberAvailable
	if err := c.storeDaemonSetStatus(ctx, stored, ds.Generation, st); err != nil {
		return 0, fmt.Errorf("error storing status for daemon set %s/%s: %w", ds.Namespace, ds.Name, err)
	}
	return nextAvailabilityCheck(ds.Spec.MinReadySeconds, oldest, now), nil
}

// storeDaemonSetStatus writes the counts and observedGeneration unless the
// stored status already has them, retrying once on the DaemonSet read
// anew.
func (c *Controller) storeDaemonSetStatus(ctx context.Context, stored *appsv1.DaemonSet, generation int64, st appsv1.DaemonSetStatus) error {
	cur := stored.Status
	if cur.DesiredNumberScheduled == st.DesiredNumberScheduled && cur.CurrentNumberScheduled == st.CurrentNumberScheduled &&
		cur.NumberMisscheduled == st.NumberMisscheduled && cur.NumberReady == st.NumberReady &&
		cur.UpdatedNumberScheduled == st.UpdatedNumberScheduled && cur.NumberAvailable == st.NumberAvailable &&
		cur.NumberUnavailable == st.NumberUnavailable && cur.ObservedGeneration >= stored.Generation {
		return nil
	}
	toUpdate := stored.DeepCopy()
	var err error
	for attempt := 0; ; attempt++ {
		toUpdate.Status.ObservedGeneration = generation
		toUpdate.Status.DesiredNumberScheduled = st.DesiredNumberScheduled
		toUpdate.Status.CurrentNumberScheduled = st.CurrentNumberScheduled
		toUpdate.Status.NumberMisscheduled = st.NumberMisscheduled
		toUpdate.Status.NumberReady = st.NumberReady
		toUpdate.Status.UpdatedNumberScheduled = st.UpdatedNumberScheduled
		toUpdate.Status.NumberAvailable = st.NumberAvailable
		toUpdate.Status.NumberUnavailable = st.NumberUnavailable
		if _, err = c.client.AppsV1().DaemonSets(stored.Namespace).UpdateStatus(ctx, toUpdate, metav1.UpdateOptions{}); err == nil {
			return nil
		}
		if attempt >= statusUpdateRetries || !apierrors.IsConflict(err) {
			return err
		}
		fresh, ok := c.store.View().Get(resource, stored.Namespace, stored.Name).(*appsv1.DaemonSet)
		if !ok {
			return err
		}
		toUpdate = fresh.DeepCopy()
	}
}

// nextAvailabilityCheck is how long until the first ready pod becomes
// available for minReadySeconds; 0 when none is waiting. Upstream requeues
// after minReadySeconds (plus a second on the pod's ready event) against
// clock skew; on the virtual clock the moment is known exactly.
func nextAvailabilityCheck(minReadySeconds int32, pods []*corev1.Pod, now time.Time) time.Duration {
	if minReadySeconds <= 0 {
		return 0
	}
	minReady := time.Duration(minReadySeconds) * time.Second
	var next time.Duration
	for _, pod := range pods {
		cond := readyCondition(pod)
		if cond == nil || cond.Status != corev1.ConditionTrue || cond.LastTransitionTime.IsZero() {
			continue
		}
		if d := cond.LastTransitionTime.Add(minReady).Sub(now) + time.Nanosecond; d > 0 && (next == 0 || d < next) {
			next = d
		}
	}
	return next
}
