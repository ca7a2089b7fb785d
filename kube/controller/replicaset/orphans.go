package replicaset

import (
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubesim/kubesim/store"
)

// orphans tracks, by namespace, the pods that have no controller, so that a
// sync finds the pods it may adopt without scanning every pod of its
// namespace (upstream indexes pods by controller UID, orphans under "").
// It is fed by the pod events; a sync re-reads each candidate from its
// own view, so a name that is stale by then does no harm.
type orphans struct {
	mu   sync.Mutex
	byNS map[string]map[string]struct{}
}

func newOrphans() *orphans { return &orphans{byNS: map[string]map[string]struct{}{}} }

func (o *orphans) observe(ev store.Event) {
	pod, ok := ev.Object.(*corev1.Pod)
	if !ok {
		return
	}
	orphan := ev.Type != watch.Deleted && metav1.GetControllerOfNoCopy(pod) == nil
	o.mu.Lock()
	defer o.mu.Unlock()
	names := o.byNS[pod.Namespace]
	if !orphan {
		if names != nil {
			delete(names, pod.Name)
			if len(names) == 0 {
				delete(o.byNS, pod.Namespace)
			}
		}
		return
	}
	if names == nil {
		names = map[string]struct{}{}
		o.byNS[pod.Namespace] = names
	}
	names[pod.Name] = struct{}{}
}

// in returns the names of the orphans of a namespace.
func (o *orphans) in(namespace string) []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]string, 0, len(o.byNS[namespace]))
	for name := range o.byNS[namespace] {
		out = append(out, name)
	}
	return out
}
