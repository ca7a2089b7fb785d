package quota

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/admission"
	quotav1 "k8s.io/apiserver/pkg/quota/v1"
	"k8s.io/apiserver/pkg/quota/v1/generic"
)

// storageClassSuffix joins a storage class to a resource name, as in
// gold.storageclass.storage.k8s.io/requests.storage.
const storageClassSuffix = ".storageclass.storage.k8s.io/"

// betaStorageClassAnnotation is the storage class of claims from before
// spec.storageClassName.
const betaStorageClassAnnotation = "volume.beta.kubernetes.io/storage-class"

var (
	pvcsResource                       = schema.GroupResource{Resource: "persistentvolumeclaims"}
	pvcObjectCount                     = generic.ObjectCountQuotaResourceNameFor(pvcsResource)
	pvcResourceNames                   = []corev1.ResourceName{corev1.ResourcePersistentVolumeClaims, corev1.ResourceRequestsStorage}
	_                quotav1.Evaluator = (*PVCEvaluator)(nil)
)

// PVCEvaluator measures persistentvolumeclaims: their count and the
// storage they request, in all and per storage class.
type PVCEvaluator struct {
	list generic.ListFuncByNamespace
}

// NewPVCEvaluator returns the persistentvolumeclaim evaluator.
func NewPVCEvaluator(list generic.ListFuncByNamespace) *PVCEvaluator {
	return &PVCEvaluator{list: list}
}

// GroupResource implements quotav1.Evaluator.
func (p *PVCEvaluator) GroupResource() schema.GroupResource { return pvcsResource }

// Constraints: claims have none.
func (p *PVCEvaluator) Constraints([]corev1.ResourceName, runtime.Object) error { return nil }

// Handles creates and updates (a claim can grow), and status updates
// that change the allocated storage.
func (p *PVCEvaluator) Handles(a admission.Attributes) bool {
	op := a.GetOperation()
	switch a.GetSubresource() {
	case "":
		return op == admission.Create || op == admission.Update
	case "status":
		pvc, ok1 := a.GetObject().(*corev1.PersistentVolumeClaim)
		old, ok2 := a.GetOldObject().(*corev1.PersistentVolumeClaim)
		return ok1 && ok2 && AllocatedStorageChanged(old, pvc)
	}
	return false
}

// AllocatedStorageChanged says whether a claim's allocated storage
// changed, which changes what it costs.
func AllocatedStorageChanged(old, cur *corev1.PersistentVolumeClaim) bool {
	return old.Status.AllocatedResources.Storage().Cmp(*cur.Status.AllocatedResources.Storage()) != 0
}

// Matches implements quotav1.Evaluator.
func (p *PVCEvaluator) Matches(q *corev1.ResourceQuota, item runtime.Object) (bool, error) {
	return generic.Matches(q, item, p.MatchingResources, pvcMatchesScope)
}

// MatchingResources: the claim resources, also per storage class.
func (p *PVCEvaluator) MatchingResources(input []corev1.ResourceName) []corev1.ResourceName {
	out := []corev1.ResourceName{}
	for _, name := range input {
		if name == pvcObjectCount || quotav1.Contains(pvcResourceNames, name) {
			out = append(out, name)
			continue
		}
		for _, r := range pvcResourceNames {
			if strings.HasSuffix(string(name), storageClassSuffix+string(r)) {
				out = append(out, name)
				break
			}
		}
	}
	return out
}

// MatchingScopes implements quotav1.Evaluator.
func (p *PVCEvaluator) MatchingScopes(item runtime.Object, selectors []corev1.ScopedResourceSelectorRequirement) ([]corev1.ScopedResourceSelectorRequirement, error) {
	out := []corev1.ScopedResourceSelectorRequirement{}
	for _, s := range selectors {
		ok, err := pvcMatchesScope(s, item)
		if err != nil {
			return nil, fmt.Errorf("error on matching scope %v: %w", s, err)
		}
		if ok {
			out = append(out, s)
		}
	}
	return out, nil
}

// UncoveredQuotaScopes implements quotav1.Evaluator.
func (p *PVCEvaluator) UncoveredQuotaScopes(limited, matched []corev1.ScopedResourceSelectorRequirement) ([]corev1.ScopedResourceSelectorRequirement, error) {
	return (&PodEvaluator{}).UncoveredQuotaScopes(limited, matched)
}

// Usage: one claim, and its storage request (or the larger allocated
// storage once it has grown), rounded up to whole bytes.
func (p *PVCEvaluator) Usage(item runtime.Object) (corev1.ResourceList, error) {
	pvc, ok := item.(*corev1.PersistentVolumeClaim)
	if !ok {
		return nil, fmt.Errorf("expect *v1.PersistentVolumeClaim, got %T", item)
	}
	one := *resource.NewQuantity(1, resource.DecimalSI)
	out := corev1.ResourceList{corev1.ResourcePersistentVolumeClaims: one, pvcObjectCount: one}
	class := storageClass(pvc)
	if class != "" {
		out[corev1.ResourceName(class+storageClassSuffix+string(corev1.ResourcePersistentVolumeClaims))] = one
	}
	if q := storageUsage(pvc); q != nil {
		out[corev1.ResourceRequestsStorage] = *q
		if class != "" {
			out[corev1.ResourceName(class+storageClassSuffix+string(corev1.ResourceRequestsStorage))] = *q
		}
	}
	return out, nil
}

// UsageStats implements quotav1.Evaluator.
func (p *PVCEvaluator) UsageStats(opts quotav1.UsageStatsOptions) (quotav1.UsageStats, error) {
	return generic.CalculateUsageStats(opts, p.list, pvcMatchesScope, p.Usage)
}

func storageClass(pvc *corev1.PersistentVolumeClaim) string {
	if c, ok := pvc.Annotations[betaStorageClassAnnotation]; ok {
		return c
	}
	if pvc.Spec.StorageClassName != nil {
		return *pvc.Spec.StorageClassName
	}
	return ""
}

func storageUsage(pvc *corev1.PersistentVolumeClaim) *resource.Quantity {
	req, ok := pvc.Spec.Resources.Requests[corev1.ResourceStorage]
	if !ok {
		return nil
	}
	if alloc, ok := pvc.Status.AllocatedResources[corev1.ResourceStorage]; ok && alloc.Cmp(req) > 0 {
		req = alloc
	}
	req = req.DeepCopy()
	req.RoundUp(0) // whole bytes, as quota status must hold
	return &req
}

// pvcMatchesScope evaluates the VolumeAttributesClass scope, the only one
// claims have.
func pvcMatchesScope(s corev1.ScopedResourceSelectorRequirement, obj runtime.Object) (bool, error) {
	pvc, ok := obj.(*corev1.PersistentVolumeClaim)
	if !ok {
		return false, fmt.Errorf("expect *v1.PersistentVolumeClaim, got %T", obj)
	}
	if s.ScopeName != corev1.ResourceQuotaScopeVolumeAttributesClass {
		return false, nil
	}
	names := volumeAttributesClasses(pvc)
	if s.Operator == corev1.ScopeSelectorOpExists {
		return len(names) != 0, nil
	}
	sel, err := scopeSelector(s)
	if err != nil {
		return false, err
	}
	if len(names) == 0 {
		return sel.Matches(labels.Set{}), nil
	}
	for _, n := range names {
		if sel.Matches(labels.Set{string(s.ScopeName): n}) {
			return true, nil
		}
	}
	return false, nil
}

func volumeAttributesClasses(pvc *corev1.PersistentVolumeClaim) []string {
	var out []string
	if n := pvc.Spec.VolumeAttributesClassName; n != nil && *n != "" {
		out = append(out, *n)
	}
	if n := pvc.Status.CurrentVolumeAttributesClassName; n != nil && *n != "" {
		out = append(out, *n)
	}
	if m := pvc.Status.ModifyVolumeStatus; m != nil && m.TargetVolumeAttributesClassName != "" {
		out = append(out, m.TargetVolumeAttributesClassName)
	}
	return out
}
