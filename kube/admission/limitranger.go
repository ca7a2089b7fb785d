package admission

import (
	"context"
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/apiserver/pkg/admission"

	"github.com/kubesim/kubesim/store"
)

// LimitRangerName is the plugin's name in kube-apiserver's
// --enable-admission-plugins.
const LimitRangerName = "LimitRanger"

// limitRangerAnnotation records on a pod which defaults LimitRanger set.
const limitRangerAnnotation = "kubernetes.io/limit-ranger"

// LimitRanger reproduces upstream's LimitRanger admission plugin
// (plugin/pkg/admission/limitranger): the LimitRanges of a pod's
// namespace give its containers their default requests and limits (the
// mutating phase, on create only: containers cannot change later), then
// bound every container, init container and the pod as a whole by their
// min, max and maxLimitRequestRatio (the validating phase). A
// PersistentVolumeClaim's storage request is bounded by the
// PersistentVolumeClaim items. Objects being deleted are left alone.
type LimitRanger struct {
	Store *store.Store
}

var (
	_ admission.MutationInterface   = LimitRanger{}
	_ admission.ValidationInterface = LimitRanger{}

	pvcsResource = corev1.Resource("persistentvolumeclaims")
)

// Handles implements admission.Interface.
func (LimitRanger) Handles(op admission.Operation) bool {
	return op == admission.Create || op == admission.Update
}

// Admit sets the default requests and limits of a new pod's containers.
func (l LimitRanger) Admit(ctx context.Context, a admission.Attributes, o admission.ObjectInterfaces) error {
	return l.run(a, func(lr *corev1.LimitRange, obj runtime.Object) error {
		if pod, ok := obj.(*corev1.Pod); ok {
			applyLimitRangeDefaults(lr, pod)
		}
		return nil
	})
}

// Validate checks pods and claims against the namespace's LimitRanges.
func (l LimitRanger) Validate(ctx context.Context, a admission.Attributes, o admission.ObjectInterfaces) error {
	return l.run(a, func(lr *corev1.LimitRange, obj runtime.Object) error {
		switch obj := obj.(type) {
		case *corev1.Pod:
			return validatePodLimits(lr, obj)
		case *corev1.PersistentVolumeClaim:
			return validatePVCLimits(lr, obj)
		}
		return nil
	})
}

// run applies fn with each LimitRange of the namespace to the object of
// a request LimitRanger is about, turning an error into 403 Forbidden.
func (l LimitRanger) run(a admission.Attributes, fn func(*corev1.LimitRange, runtime.Object) error) error {
	if !limitRangerSupports(a) {
		return nil
	}
	if old := a.GetOldObject(); old != nil {
		m, err := meta.Accessor(old)
		if err != nil {
			return admission.NewForbidden(a, err)
		}
		if m.GetDeletionTimestamp() != nil {
			return nil
		}
	}
	var ranges []*corev1.LimitRange
	l.Store.View().List("limitranges", a.GetNamespace(), func(obj runtime.Object) bool {
		ranges = append(ranges, obj.(*corev1.LimitRange))
		return true
	})
	for _, lr := range ranges {
		if err := fn(lr, a.GetObject()); err != nil {
			return admission.NewForbidden(a, err)
		}
	}
	return nil
}

// limitRangerSupports: pods on create (their containers cannot change
// afterwards) and claims, never subresources.
func limitRangerSupports(a admission.Attributes) bool {
	if a.GetSubresource() != "" {
		return false
	}
	switch a.GetResource().GroupResource() {
	case podsResource:
		return a.GetOperation() == admission.Create
	case pvcsResource:
		return true
	}
	return false
}

// applyLimitRangeDefaults gives every container the Container items'
// default limits and default requests it lacks, and records what it set
// in the kubernetes.io/limit-ranger annotation.
func applyLimitRangeDefaults(lr *corev1.LimitRange, pod *corev1.Pod) {
	requests, limits := corev1.ResourceList{}, corev1.ResourceList{}
	for _, item := range lr.Spec.Limits {
		if item.Type != corev1.LimitTypeContainer {
			continue
		}
		for name, q := range item.DefaultRequest {
			requests[name] = q.DeepCopy()
		}
		for name, q := range item.Default {
			limits[name] = q.DeepCopy()
		}
	}
	var notes []string
	for i := range pod.Spec.Containers {
		notes = defaultContainer(&pod.Spec.Containers[i], requests, limits, "container", notes)
	}
	for i := range pod.Spec.InitContainers {
		notes = defaultContainer(&pod.Spec.InitContainers[i], requests, limits, "init container", notes)
	}
	if len(notes) == 0 {
		return
	}
	if pod.Annotations == nil {
		pod.Annotations = map[string]string{}
	}
	pod.Annotations[limitRangerAnnotation] = "LimitRanger plugin set: " + strings.Join(notes, "; ")
}

// defaultContainer fills one container's missing requests and limits and
// appends to notes what it did ("cpu, memory request for container web").
func defaultContainer(c *corev1.Container, requests, limits corev1.ResourceList, kind string, notes []string) []string {
	if c.Resources.Requests == nil {
		c.Resources.Requests = corev1.ResourceList{}
	}
	if c.Resources.Limits == nil {
		c.Resources.Limits = corev1.ResourceList{}
	}
	fill := func(dst, src corev1.ResourceList) []string {
		var set []string
		for name, q := range src {
			if _, ok := dst[name]; !ok {
				dst[name] = q.DeepCopy()
				set = append(set, string(name))
			}
		}
		sort.Strings(set)
		return set
	}
	if set := fill(c.Resources.Requests, requests); len(set) > 0 {
		notes = append(notes, fmt.Sprintf("%s request for %s %s", strings.Join(set, ", "), kind, c.Name))
	}
	if set := fill(c.Resources.Limits, limits); len(set) > 0 {
		notes = append(notes, fmt.Sprintf("%s limit for %s %s", strings.Join(set, ", "), kind, c.Name))
	}
	return notes
}

// validatePVCLimits bounds a claim's storage request; its limits are not
// user input and are not looked at.
func validatePVCLimits(lr *corev1.LimitRange, pvc *corev1.PersistentVolumeClaim) error {
	var errs []error
	for _, item := range lr.Spec.Limits {
		if item.Type != corev1.LimitTypePersistentVolumeClaim {
			continue
		}
		kind := string(item.Type)
		for _, name := range sortedNames(item.Min) {
			errs = appendErr(errs, minConstraint(kind, name, item.Min[name], pvc.Spec.Resources.Requests, corev1.ResourceList{}))
		}
		for _, name := range sortedNames(item.Max) {
			errs = appendErr(errs, maxRequestConstraint(kind, name, item.Max[name], pvc.Spec.Resources.Requests))
		}
	}
	return utilerrors.NewAggregate(errs)
}
