package auth

import (
	"context"
	"fmt"
	"sort"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/authorization/authorizer"
	rbacvalidation "k8s.io/component-helpers/auth/rbac/validation"

	"github.com/kubesim/kubesim/store"
)

// Escalation keeps users from granting permissions they do not hold, as
// upstream's RBAC storage does: a Role or ClusterRole may only be written
// with rules the writer holds (or with the "escalate" verb on it), a
// binding only made to a role whose rules the writer holds (or with the
// "bind" verb on it), and only system:masters may write aggregation
// rules. Upstream checks this in the RBAC resources' storage; kubesim
// runs it as a validating admission plugin, which sees the same requests.
type Escalation struct {
	Store *store.Store
}

var _ admission.ValidationInterface = Escalation{}

// Handles implements admission.Interface.
func (Escalation) Handles(op admission.Operation) bool {
	return op == admission.Create || op == admission.Update
}

// Validate implements admission.ValidationInterface.
func (e Escalation) Validate(ctx context.Context, a admission.Attributes, _ admission.ObjectInterfaces) error {
	if a.GetResource().Group != rbacv1.GroupName || a.GetSubresource() != "" {
		return nil
	}
	u := a.GetUserInfo()
	if u == nil || contains(u.GetGroups(), user.SystemPrivilegedGroup) {
		return nil
	}
	gr, name, ns := a.GetResource().GroupResource(), a.GetName(), a.GetNamespace()
	forbidden := func(err error) error { return apierrors.NewForbidden(gr, name, err) }
	var rules []rbacv1.PolicyRule
	switch obj := a.GetObject().(type) {
	case *rbacv1.Role:
		if e.allowed(ctx, u, "escalate", gr.Resource, ns, name) {
			return nil
		}
		rules = obj.Rules
	case *rbacv1.ClusterRole:
		if e.allowed(ctx, u, "escalate", gr.Resource, "", name) {
			return nil
		}
		if obj.AggregationRule != nil {
			return forbidden(fmt.Errorf("must have cluster-admin privileges to use the aggregationRule"))
		}
		rules = obj.Rules
	case *rbacv1.RoleBinding:
		return e.checkBinding(ctx, u, obj.RoleRef, ns, forbidden)
	case *rbacv1.ClusterRoleBinding:
		return e.checkBinding(ctx, u, obj.RoleRef, "", forbidden)
	default:
		return nil
	}
	if err := e.confirmNoEscalation(u, ns, rules); err != nil {
		return forbidden(err)
	}
	return nil
}

// checkBinding allows a binding to a role the user may "bind", or whose
// rules the user holds.
func (e Escalation) checkBinding(ctx context.Context, u user.Info, ref rbacv1.RoleRef, namespace string, forbidden func(error) error) error {
	resource, refNamespace := "roles", namespace
	if ref.Kind == "ClusterRole" {
		resource = "clusterroles"
	}
	if e.allowed(ctx, u, "bind", resource, refNamespace, ref.Name) {
		return nil
	}
	rules, err := roleRules(e.Store.View(), ref, namespace)
	if err != nil {
		return forbidden(err)
	}
	if err := e.confirmNoEscalation(u, namespace, rules); err != nil {
		return forbidden(err)
	}
	return nil
}

// allowed asks RBAC whether u may use verb on the named RBAC object.
func (e Escalation) allowed(ctx context.Context, u user.Info, verb, resource, namespace, name string) bool {
	d, _, _ := RBAC{Store: e.Store}.Authorize(ctx, authorizer.AttributesRecord{
		User: u, Verb: verb, APIGroup: rbacv1.GroupName, APIVersion: "*",
		Resource: resource, Namespace: namespace, Name: name, ResourceRequest: true,
	})
	return d == authorizer.DecisionAllow
}

// confirmNoEscalation fails, in upstream's words, when rules grant
// something u does not hold in namespace.
func (e Escalation) confirmNoEscalation(u user.Info, namespace string, rules []rbacv1.PolicyRule) error {
	var held []rbacv1.PolicyRule
	_, errs := visitRules(e.Store.View(), u, namespace, func(r *rbacv1.PolicyRule) bool {
		held = append(held, *r)
		return false
	})
	covered, missing := rbacvalidation.Covers(held, rules)
	if covered {
		return nil
	}
	var lines []string
	for _, r := range compact(missing) {
		lines = append(lines, compactString(r))
	}
	sort.Strings(lines)
	msg := fmt.Sprintf("user %q (groups=%q) is attempting to grant RBAC permissions not currently held:\n%s",
		u.GetName(), u.GetGroups(), strings.Join(lines, "\n"))
	if len(errs) > 0 {
		msg += fmt.Sprintf("; resolution errors: %v", errs)
	}
	return fmt.Errorf("%s", msg)
}

// compact merges the verbs of rules that differ only in their verbs, as
// upstream's CompactRules does for the single-resource rules Covers
// returns.
func compact(rules []rbacv1.PolicyRule) []rbacv1.PolicyRule {
	var out []rbacv1.PolicyRule
	index := map[string]int{}
	for _, r := range rules {
		key := fmt.Sprintf("%q|%q|%q|%q", r.APIGroups, r.Resources, r.ResourceNames, r.NonResourceURLs)
		if i, ok := index[key]; ok {
			out[i].Verbs = append(out[i].Verbs, r.Verbs...)
			continue
		}
		index[key] = len(out)
		out = append(out, *r.DeepCopy())
	}
	return out
}

// compactString prints a rule as upstream's rbacv1helpers.CompactString.
func compactString(r rbacv1.PolicyRule) string {
	var parts []string
	add := func(label string, v []string) {
		if len(v) > 0 {
			parts = append(parts, fmt.Sprintf("%s:%q", label, v))
		}
	}
	add("APIGroups", r.APIGroups)
	add("Resources", r.Resources)
	add("NonResourceURLs", r.NonResourceURLs)
	add("ResourceNames", r.ResourceNames)
	add("Verbs", r.Verbs)
	return "{" + strings.Join(parts, ", ") + "}"
}
