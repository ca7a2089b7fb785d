package podautoscaler

import (
	"sort"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
)

// putSelector remembers the selector of an HPA's target, as upstream's
// hpaSelectors map does, so that HPAs whose pods overlap can be told
// apart.
func (c *Controller) putSelector(key, namespace string, selector labels.Selector) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.selectors[key] = namespacedSelector{namespace: namespace, selector: selector}
}

type namespacedSelector struct {
	namespace string
	selector  labels.Selector
}

// hpasControllingPods lists the HPAs (namespace/name, sorted) whose
// targets' selectors select any of the pods selector selects.
func (c *Controller) hpasControllingPods(namespace string, selector labels.Selector) []string {
	var pods []labels.Set
	c.store.View().List("pods", namespace, func(obj runtime.Object) bool {
		if p, ok := obj.(*corev1.Pod); ok && selector.Matches(labels.Set(p.Labels)) {
			pods = append(pods, labels.Set(p.Labels))
		}
		return true
	})
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for key, s := range c.selectors {
		if s.namespace != namespace {
			continue
		}
		for _, p := range pods {
			if s.selector.Matches(p) {
				out = append(out, key)
				break
			}
		}
	}
	sort.Strings(out)
	return out
}
