package admission

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/admission"

	"github.com/kubesim/kubesim/store"
)

// Priorities of the system classes, and the limits of user classes
// (k8s.io/kubernetes/pkg/apis/scheduling).
const (
	SystemClusterCritical        = "system-cluster-critical"
	SystemNodeCritical           = "system-node-critical"
	HighestUserDefinablePriority = int32(1000000000)
	systemCriticalPriority       = 2 * HighestUserDefinablePriority
)

// SystemPriorityClasses are the classes every cluster has; the API server
// creates them at start.
func SystemPriorityClasses() []*schedulingv1.PriorityClass {
	policy := corev1.PreemptLowerPriority
	mk := func(name string, value int32, desc string) *schedulingv1.PriorityClass {
		pc := &schedulingv1.PriorityClass{Value: value, Description: desc, PreemptionPolicy: &policy}
		pc.Name = name
		return pc
	}
	return []*schedulingv1.PriorityClass{
		mk(SystemNodeCritical, systemCriticalPriority+1000, "Used for system critical pods that must not be moved from their current node."),
		mk(SystemClusterCritical, systemCriticalPriority, "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."),
	}
}

// Priority reproduces upstream's Priority admission plugin
// (plugin/pkg/admission/priority): a new pod's priorityClassName, or the
// global default class, resolves to spec.priority and
// spec.preemptionPolicy; an unknown class is refused; PriorityClasses
// cannot exceed the user limit, take a system name, or be a second global
// default.
type Priority struct {
	Store *store.Store
}

var (
	_ admission.MutationInterface   = Priority{}
	_ admission.ValidationInterface = Priority{}

	podsResource    = corev1.Resource("pods")
	classesResource = schedulingv1.Resource("priorityclasses")
)

// Handles implements admission.Interface.
func (Priority) Handles(op admission.Operation) bool {
	return op == admission.Create || op == admission.Update
}

// Admit resolves a new pod's priority.
func (p Priority) Admit(ctx context.Context, a admission.Attributes, o admission.ObjectInterfaces) error {
	if a.GetSubresource() != "" || a.GetResource().GroupResource() != podsResource || a.GetOperation() != admission.Create {
		return nil
	}
	pod, ok := a.GetObject().(*corev1.Pod)
	if !ok {
		return apierrors.NewBadRequest("resource was marked with kind Pod but was unable to be converted")
	}
	value, policy := int32(0), corev1.PreemptLowerPriority
	if pod.Spec.PriorityClassName == "" {
		if pc := p.defaultClass(); pc != nil {
			value = pc.Value
			if pc.PreemptionPolicy != nil {
				policy = *pc.PreemptionPolicy
			}
		}
	} else {
		pc := p.class(pod.Spec.PriorityClassName)
		if pc == nil {
			return admission.NewForbidden(a, fmt.Errorf("no PriorityClass with name %v was found", pod.Spec.PriorityClassName))
		}
		value = pc.Value
		if pc.PreemptionPolicy != nil {
			policy = *pc.PreemptionPolicy
		}
	}
	if pod.Spec.Priority != nil && *pod.Spec.Priority != value {
		return admission.NewForbidden(a, fmt.Errorf("the integer value of priority (%d) must not be provided in pod spec; priority admission controller computed %d from the given PriorityClass name", *pod.Spec.Priority, value))
	}
	pod.Spec.Priority = &value
	if pod.Spec.PreemptionPolicy != nil && *pod.Spec.PreemptionPolicy != policy {
		return admission.NewForbidden(a, fmt.Errorf("the string value of PreemptionPolicy (%s) must not be provided in pod spec; priority admission controller computed %s from the given PriorityClass name", *pod.Spec.PreemptionPolicy, policy))
	}
	pod.Spec.PreemptionPolicy = &policy
	return nil
}

// Validate checks PriorityClasses.
func (p Priority) Validate(ctx context.Context, a admission.Attributes, o admission.ObjectInterfaces) error {
	if a.GetSubresource() != "" || a.GetResource().GroupResource() != classesResource {
		return nil
	}
	pc, ok := a.GetObject().(*schedulingv1.PriorityClass)
	if !ok {
		return apierrors.NewBadRequest("resource was marked with kind PriorityClass but was unable to be converted")
	}
	if pc.Value > HighestUserDefinablePriority && !isSystemClass(pc.Name) {
		return admission.NewForbidden(a, fmt.Errorf("maximum allowed value of a user defined priority is %v", HighestUserDefinablePriority))
	}
	if pc.GlobalDefault {
		if dpc := p.defaultClass(); dpc != nil && (a.GetOperation() == admission.Create || dpc.Name != pc.Name) {
			return admission.NewForbidden(a, fmt.Errorf("PriorityClass %v is already marked as default. Only one default can exist", dpc.Name))
		}
	}
	return nil
}

func isSystemClass(name string) bool {
	return name == SystemClusterCritical || name == SystemNodeCritical
}

func (p Priority) class(name string) *schedulingv1.PriorityClass {
	if obj := p.Store.View().Get("priorityclasses.scheduling.k8s.io", "", name); obj != nil {
		return obj.(*schedulingv1.PriorityClass)
	}
	return nil
}

// defaultClass is the global default class; if several claim it, the one
// with the lowest value wins, as upstream.
func (p Priority) defaultClass() *schedulingv1.PriorityClass {
	var out *schedulingv1.PriorityClass
	p.Store.View().List("priorityclasses.scheduling.k8s.io", "", func(obj runtime.Object) bool {
		pc := obj.(*schedulingv1.PriorityClass)
		if pc.GlobalDefault && (out == nil || pc.Value < out.Value) {
			out = pc
		}
		return true
	})
	return out
}
