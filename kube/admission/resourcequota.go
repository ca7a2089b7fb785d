package admission

import (
	"context"
	"fmt"
	"sync"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/admission"
	rqadmission "k8s.io/apiserver/pkg/admission/plugin/resourcequota"
	quotav1 "k8s.io/apiserver/pkg/quota/v1"

	"github.com/kubesim/kubesim/kube/quota"
	"github.com/kubesim/kubesim/store"
)

// ResourceQuotaName is the plugin's name in kube-apiserver's
// --enable-admission-plugins.
const ResourceQuotaName = "ResourceQuota"

// quotaRetries is how often a request re-reads quotas whose status
// another writer changed under it (upstream's checkQuotas retries).
const quotaRetries = 3

// ResourceQuota reproduces upstream's ResourceQuota admission plugin
// (k8s.io/apiserver/pkg/admission/plugin/resourcequota): a namespaced
// write that would take a quota's status.used past its status.hard is
// refused with 403 "exceeded quota: ..."; a pod that does not state a
// cpu or memory request or limit a quota covers is refused with "failed
// quota: ...: must specify ..."; otherwise the charge is written to
// status.used before the object is stored, so that quick successive
// creates cannot overshoot before the resourcequota controller has
// counted. The checks are upstream's own (CheckRequest); what differs is
// how requests are serialised: upstream batches them per namespace on
// worker goroutines, here a request holds its namespace's lock while it
// checks and writes, and reads quotas straight from the store, which is
// never stale.
type ResourceQuota struct {
	store    *store.Store
	registry *quota.Registry

	mu    sync.Mutex
	locks map[string]*sync.Mutex // by namespace
}

var _ admission.ValidationInterface = (*ResourceQuota)(nil)

// NewResourceQuota returns the plugin for a store.
func NewResourceQuota(st *store.Store) *ResourceQuota {
	return &ResourceQuota{store: st, registry: quota.NewRegistry(st, nil), locks: map[string]*sync.Mutex{}}
}

// Handles implements admission.Interface.
func (q *ResourceQuota) Handles(op admission.Operation) bool {
	return op == admission.Create || op == admission.Update
}

// Validate charges a write to the quotas of its namespace.
func (q *ResourceQuota) Validate(ctx context.Context, a admission.Attributes, o admission.ObjectInterfaces) error {
	if a.GetNamespace() == "" || (a.GetOperation() == admission.Create && a.GetKind().GroupKind() == namespaceKind) {
		return nil
	}
	gr := a.GetResource().GroupResource()
	if _, ignored := quota.IgnoredResources[gr]; ignored {
		return nil
	}
	evaluator := q.registry.Get(gr)
	if !evaluator.Handles(a) {
		return nil
	}
	// Most namespaces have no quota: their writes need no lock.
	if len(q.quotas(a.GetNamespace(), nil)) == 0 {
		return nil
	}
	unlock := q.lock(a.GetNamespace())
	defer unlock()
	quotas := q.quotas(a.GetNamespace(), nil)
	for attempt := 0; len(quotas) > 0; attempt++ {
		charged, err := rqadmission.CheckRequest(quotas, a, evaluator, nil)
		if err != nil {
			return err
		}
		if a.IsDryRun() {
			return nil
		}
		failed, err := q.write(quotas, charged)
		if len(failed) == 0 {
			return nil
		}
		if attempt == quotaRetries {
			return err
		}
		// Only the quotas whose write failed are checked again: the
		// others hold this request's charge already.
		quotas = q.quotas(a.GetNamespace(), failed)
	}
	return nil
}

// write stores the status of each quota whose usage changed, and returns
// the names of those it could not write, with the last error.
func (q *ResourceQuota) write(before, after []corev1.ResourceQuota) (map[string]bool, error) {
	failed := map[string]bool{}
	var lastErr error
	for i := range after {
		if quotav1.Equals(before[i].Status.Used, after[i].Status.Used) {
			continue
		}
		if _, err := q.store.Update("resourcequotas", &after[i]); err != nil {
			failed[after[i].Name] = true
			lastErr = err
			if !apierrors.IsConflict(err) {
				lastErr = apierrors.NewInternalError(fmt.Errorf("updating quota %s: %w", after[i].Name, err))
			}
		}
	}
	return failed, lastErr
}

// quotas copies the namespace's quotas, or those of them named in only.
func (q *ResourceQuota) quotas(namespace string, only map[string]bool) []corev1.ResourceQuota {
	var out []corev1.ResourceQuota
	q.store.View().List("resourcequotas", namespace, func(obj runtime.Object) bool {
		rq := obj.(*corev1.ResourceQuota)
		if only == nil || only[rq.Name] {
			out = append(out, *rq.DeepCopy())
		}
		return true
	})
	return out
}

// lock serialises the quota checks of one namespace.
func (q *ResourceQuota) lock(namespace string) func() {
	q.mu.Lock()
	l := q.locks[namespace]
	if l == nil {
		l = &sync.Mutex{}
		q.locks[namespace] = l
	}
	q.mu.Unlock()
	l.Lock()
	return l.Unlock
}
