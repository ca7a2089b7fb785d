package apiextensions

import (
	"context"
	"fmt"
	"reflect"
	"time"

	apiextensionshelpers "k8s.io/apiextensions-apiserver/pkg/apihelpers"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apiserver/pkg/util/webhook"
	utilclock "k8s.io/utils/clock"

	"github.com/kubesim/kubesim/kube/controller"
)

// namer is upstream's naming condition controller and establishing
// controller in one: a CRD's names are accepted unless another CRD of its
// group holds them, and a CRD whose names are accepted is established at
// once, in the same status update (upstream waits between the two only to
// let other API servers of an HA control plane catch up).
type namer struct {
	s     *Server
	clock utilclock.PassiveClock
}

func (n namer) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	crd, err := crdLister{n.s.store}.Get(req.Name)
	if apierrors.IsNotFound(err) {
		return controller.Result{}, nil
	}
	names, accepted, established := n.calculate(crd)
	if reflect.DeepEqual(crd.Status.AcceptedNames, names) &&
		apiextensionshelpers.IsCRDConditionEquivalent(&accepted, apiextensionshelpers.FindCRDCondition(crd, apiextensionsv1.NamesAccepted)) &&
		apiextensionshelpers.IsCRDConditionEquivalent(&established, apiextensionshelpers.FindCRDCondition(crd, apiextensionsv1.Established)) {
		return controller.Result{}, nil
	}
	crd = crd.DeepCopy()
	now := n.clock.Now()
	crd.Status.AcceptedNames = names
	setCondition(crd, now, accepted)
	setCondition(crd, now, established)
	_, err = n.s.CustomResourceDefinitions().UpdateStatus(ctx, crd, metav1.UpdateOptions{})
	if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
		return controller.Result{}, nil // the change brings us back
	}
	if err != nil {
		return controller.Result{}, fmt.Errorf("update the status of %s: %w", crd.Name, err)
	}
	return controller.Result{}, nil
}

// calculate works out a CRD's accepted names and its NamesAccepted and
// Established conditions, as upstream's naming controller does.
func (n namer) calculate(in *apiextensionsv1.CustomResourceDefinition) (apiextensionsv1.CustomResourceDefinitionNames, apiextensionsv1.CustomResourceDefinitionCondition, apiextensionsv1.CustomResourceDefinitionCondition) {
	resources, kinds := n.namesInUse(in)
	cond := apiextensionsv1.CustomResourceDefinitionCondition{Type: apiextensionsv1.NamesAccepted, Status: apiextensionsv1.ConditionUnknown}
	conflict := func(reason string, err error) {
		cond.Status, cond.Reason, cond.Message = apiextensionsv1.ConditionFalse, reason, err.Error()
	}
	requested, accepted := in.Spec.Names, in.Status.AcceptedNames
	names := accepted
	if err := freeOrOurs(requested.Plural, accepted.Plural, resources); err != nil {
		conflict("PluralConflict", err)
	} else {
		names.Plural = requested.Plural
	}
	if err := freeOrOurs(requested.Singular, accepted.Singular, resources); err != nil {
		conflict("SingularConflict", err)
	} else {
		names.Singular = requested.Singular
	}
	if !reflect.DeepEqual(requested.ShortNames, accepted.ShortNames) {
		var errs []error
		ours := sets.New(accepted.ShortNames...)
		for _, short := range requested.ShortNames {
			if ours.Has(short) {
				continue
			}
			if err := freeOrOurs(short, "", resources); err != nil {
				errs = append(errs, err)
			}
		}
		if err := utilerrors.NewAggregate(errs); err != nil {
			conflict("ShortNamesConflict", err)
		} else {
			names.ShortNames = requested.ShortNames
		}
	}
	if err := freeOrOurs(requested.Kind, accepted.Kind, kinds); err != nil {
		conflict("KindConflict", err)
	} else {
		names.Kind = requested.Kind
	}
	if err := freeOrOurs(requested.ListKind, accepted.ListKind, kinds); err != nil {
		conflict("ListKindConflict", err)
	} else {
		names.ListKind = requested.ListKind
	}
	names.Categories = requested.Categories
	if cond.Status == apiextensionsv1.ConditionUnknown {
		cond.Status, cond.Reason, cond.Message = apiextensionsv1.ConditionTrue, "NoConflicts", "no conflicts found"
	}
	return names, cond, establishedCondition(in, cond)
}

// establishedCondition is the Established condition once the names are
// decided: it stays true once true; otherwise it follows NamesAccepted,
// unless the conversion webhook's CA bundle is invalid.
func establishedCondition(in *apiextensionsv1.CustomResourceDefinition, accepted apiextensionsv1.CustomResourceDefinitionCondition) apiextensionsv1.CustomResourceDefinitionCondition {
	if old := apiextensionshelpers.FindCRDCondition(in, apiextensionsv1.Established); old != nil && old.Status == apiextensionsv1.ConditionTrue {
		return *old
	}
	if accepted.Status != apiextensionsv1.ConditionTrue {
		return apiextensionsv1.CustomResourceDefinitionCondition{Type: apiextensionsv1.Established, Status: apiextensionsv1.ConditionFalse,
			Reason: "NotAccepted", Message: "not all names are accepted"}
	}
	if conv := in.Spec.Conversion; conv != nil && conv.Webhook != nil && conv.Webhook.ClientConfig != nil &&
		len(webhook.ValidateCABundle(field.NewPath(""), conv.Webhook.ClientConfig.CABundle)) > 0 {
		return apiextensionsv1.CustomResourceDefinitionCondition{Type: apiextensionsv1.Established, Status: apiextensionsv1.ConditionFalse,
			Reason: "InvalidCABundle", Message: "The conversion webhook CABundle is invalid"}
	}
	return apiextensionsv1.CustomResourceDefinitionCondition{Type: apiextensionsv1.Established, Status: apiextensionsv1.ConditionTrue,
		Reason: "InitialNamesAccepted", Message: "the initial names have been accepted"}
}

// namesInUse lists the resource names and kinds the CRDs of a group have
// been given, its own included, as upstream counts them.
func (n namer) namesInUse(in *apiextensionsv1.CustomResourceDefinition) (resources, kinds sets.Set[string]) {
	resources, kinds = sets.New[string](), sets.New[string]()
	all, _ := crdLister{n.s.store}.List(labels.Everything())
	for _, crd := range all {
		if crd.Spec.Group != in.Spec.Group {
			continue
		}
		a := crd.Status.AcceptedNames
		resources.Insert(a.Plural, a.Singular)
		resources.Insert(a.ShortNames...)
		kinds.Insert(a.Kind, a.ListKind)
	}
	return resources, kinds
}

func freeOrOurs(requested, accepted string, used sets.Set[string]) error {
	if requested == accepted || !used.Has(requested) {
		return nil
	}
	return fmt.Errorf("%q is already in use", requested)
}

// setCondition is apihelpers.SetCRDCondition on the virtual clock: a
// condition's lastTransitionTime moves only when its status changes.
// (Upstream's CRD handler also holds back creates for two seconds of wall
// time after a CRD's establishment; virtual timestamps keep that from
// slowing down simulations.)
func setCondition(crd *apiextensionsv1.CustomResourceDefinition, now time.Time, cond apiextensionsv1.CustomResourceDefinitionCondition) {
	cond.LastTransitionTime = metav1.NewTime(now)
	if old := apiextensionshelpers.FindCRDCondition(crd, cond.Type); old != nil && old.Status == cond.Status {
		cond.LastTransitionTime = old.LastTransitionTime
	}
	apiextensionshelpers.SetCRDCondition(crd, cond)
	if c := apiextensionshelpers.FindCRDCondition(crd, cond.Type); c != nil {
		c.LastTransitionTime = cond.LastTransitionTime
	}
}
