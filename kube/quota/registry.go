package quota

import (
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	quotav1 "k8s.io/apiserver/pkg/quota/v1"
	"k8s.io/apiserver/pkg/quota/v1/generic"
	utilclock "k8s.io/utils/clock"

	"github.com/kubesim/kubesim/store"
)

// legacyCounts are the object counts that also answer to an unprefixed
// name, for compatibility (upstream's legacyObjectCountAliases).
var legacyCounts = map[schema.GroupResource]corev1.ResourceName{
	{Resource: "configmaps"}:             corev1.ResourceConfigMaps,
	{Resource: "resourcequotas"}:         corev1.ResourceQuotas,
	{Resource: "replicationcontrollers"}: corev1.ResourceReplicationControllers,
	{Resource: "secrets"}:                corev1.ResourceSecrets,
}

// IgnoredResources are never charged (upstream's ignoredResources in
// pkg/quota/v1/install).
var IgnoredResources = map[schema.GroupResource]struct{}{
	{Resource: "events"}: {},
}

// StoreKey is the store's name of a resource: "pods", "deployments.apps".
func StoreKey(gr schema.GroupResource) string { return gr.String() }

// ListFromStore lists a resource's objects in a namespace from the
// store's current state.
func ListFromStore(st *store.Store, gr schema.GroupResource) generic.ListFuncByNamespace {
	key := StoreKey(gr)
	return func(namespace string) ([]runtime.Object, error) {
		var out []runtime.Object
		st.View().List(key, namespace, func(obj runtime.Object) bool {
			out = append(out, obj)
			return true
		})
		return out, nil
	}
}

// Registry is a quotav1.Registry that makes an object count evaluator
// for any resource it is asked about and does not know, as upstream's
// quota monitor and admission plugin both do.
type Registry struct {
	st *store.Store

	mu         sync.RWMutex
	evaluators map[schema.GroupResource]quotav1.Evaluator
}

var _ quotav1.Registry = (*Registry)(nil)

// NewRegistry returns the evaluators of the built-in resources, reading
// objects from st. clock tells when a terminating pod's grace period is
// over; nil means never (admission only sees new pods).
func NewRegistry(st *store.Store, clock utilclock.PassiveClock) *Registry {
	r := &Registry{st: st, evaluators: map[schema.GroupResource]quotav1.Evaluator{}}
	r.Add(NewPodEvaluator(ListFromStore(st, podsResource), clock))
	r.Add(NewServiceEvaluator(ListFromStore(st, servicesResource)))
	r.Add(NewPVCEvaluator(ListFromStore(st, pvcsResource)))
	for gr, alias := range legacyCounts {
		r.Add(generic.NewObjectCountEvaluator(gr, ListFromStore(st, gr), alias))
	}
	return r
}

// Add implements quotav1.Registry.
func (r *Registry) Add(e quotav1.Evaluator) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.evaluators[e.GroupResource()] = e
}

// Remove implements quotav1.Registry.
func (r *Registry) Remove(e quotav1.Evaluator) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.evaluators, e.GroupResource())
}

// Get implements quotav1.Registry; it never returns nil.
func (r *Registry) Get(gr schema.GroupResource) quotav1.Evaluator {
	r.mu.RLock()
	e := r.evaluators[gr]
	r.mu.RUnlock()
	if e != nil {
		return e
	}
	e = generic.NewObjectCountEvaluator(gr, ListFromStore(r.st, gr), "")
	r.Add(e)
	return e
}

// List implements quotav1.Registry.
func (r *Registry) List() []quotav1.Evaluator {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]quotav1.Evaluator, 0, len(r.evaluators))
	for _, e := range r.evaluators {
		out = append(out, e)
	}
	return out
}

// CountedResources makes sure the registry has an evaluator for each
// count/<resource>.<group> name in hard, so that a quota on a resource
// nobody has created yet still reports its usage.
func (r *Registry) CountedResources(hard corev1.ResourceList) {
	for name := range hard {
		if gr, ok := countedResource(name); ok {
			r.Get(gr)
		}
	}
}

// countedResource parses "count/deployments.apps" into its resource.
func countedResource(name corev1.ResourceName) (schema.GroupResource, bool) {
	const prefix = "count/"
	s := string(name)
	if len(s) <= len(prefix) || s[:len(prefix)] != prefix {
		return schema.GroupResource{}, false
	}
	return schema.ParseGroupResource(s[len(prefix):]), true
}
