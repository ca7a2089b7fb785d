package auth

import (
	"context"
	"fmt"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/apiserver/pkg/authentication/serviceaccount"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/authorization/authorizer"

	"github.com/kubesim/kubesim/store"
)

// Store keys of the RBAC resources.
const (
	clusterRoles        = "clusterroles.rbac.authorization.k8s.io"
	clusterRoleBindings = "clusterrolebindings.rbac.authorization.k8s.io"
	roles               = "roles.rbac.authorization.k8s.io"
	roleBindings        = "rolebindings.rbac.authorization.k8s.io"
)

// RBAC is kube-apiserver's RBAC authorizer over the store: members of
// system:masters may do anything; anyone else what the rules of the roles
// bound to them allow. It reads the store's current state on every
// request, so a new binding takes effect at once.
type RBAC struct {
	Store *store.Store
}

var _ authorizer.UnconditionalAuthorizer = RBAC{}

// Authorize implements authorizer.Authorizer. Like upstream it never
// denies outright: a request no rule allows gets no opinion, which the
// API server answers with 403, and the reason names bindings whose roles
// are missing.
func (a RBAC) Authorize(_ context.Context, attrs authorizer.Attributes) (authorizer.Decision, string, error) {
	u := attrs.GetUser()
	if u == nil {
		return authorizer.DecisionNoOpinion, "no user on the request", nil
	}
	if contains(u.GetGroups(), user.SystemPrivilegedGroup) {
		return authorizer.DecisionAllow, "", nil
	}
	allowed, errs := visitRules(a.Store.View(), u, attrs.GetNamespace(), func(r *rbacv1.PolicyRule) bool {
		return ruleAllows(attrs, r)
	})
	if allowed {
		return authorizer.DecisionAllow, "", nil
	}
	if len(errs) > 0 {
		return authorizer.DecisionNoOpinion, fmt.Sprintf("RBAC: %v", utilerrors.NewAggregate(errs)), nil
	}
	return authorizer.DecisionNoOpinion, "", nil
}

// visitRules calls fn with each rule that applies to u in namespace
// (cluster-wide rules, then those of the namespace's RoleBindings) until
// fn returns true, and reports whether one did. Bindings to missing roles
// come back as errors, as upstream reports them.
func visitRules(v *store.View, u user.Info, namespace string, fn func(*rbacv1.PolicyRule) bool) (bool, []error) {
	var errs []error
	found := false
	visitRole := func(ref rbacv1.RoleRef, bindingNamespace string) bool {
		rules, err := roleRules(v, ref, bindingNamespace)
		if err != nil {
			errs = append(errs, err)
			return false
		}
		for i := range rules {
			if fn(&rules[i]) {
				found = true
				return true
			}
		}
		return false
	}
	v.List(clusterRoleBindings, "", func(obj runtime.Object) bool {
		b := obj.(*rbacv1.ClusterRoleBinding)
		return !(appliesTo(u, b.Subjects, "") && visitRole(b.RoleRef, ""))
	})
	if found || namespace == "" {
		return found, errs
	}
	v.List(roleBindings, namespace, func(obj runtime.Object) bool {
		b := obj.(*rbacv1.RoleBinding)
		return !(appliesTo(u, b.Subjects, namespace) && visitRole(b.RoleRef, namespace))
	})
	return found, errs
}

// roleRules returns the rules of the role a binding refers to.
func roleRules(v *store.View, ref rbacv1.RoleRef, namespace string) ([]rbacv1.PolicyRule, error) {
	switch ref.Kind {
	case "ClusterRole":
		if obj := v.Get(clusterRoles, "", ref.Name); obj != nil {
			return obj.(*rbacv1.ClusterRole).Rules, nil
		}
		return nil, fmt.Errorf("clusterrole.rbac.authorization.k8s.io %q not found", ref.Name)
	case "Role":
		if obj := v.Get(roles, namespace, ref.Name); obj != nil {
			return obj.(*rbacv1.Role).Rules, nil
		}
		return nil, fmt.Errorf("role.rbac.authorization.k8s.io %q not found", ref.Name)
	}
	return nil, fmt.Errorf("unsupported role reference kind: %q", ref.Kind)
}

// appliesTo says whether any subject of a binding is u. A ServiceAccount
// subject without a namespace means the binding's own.
func appliesTo(u user.Info, subjects []rbacv1.Subject, namespace string) bool {
	for _, s := range subjects {
		switch s.Kind {
		case rbacv1.UserKind:
			if u.GetName() == s.Name {
				return true
			}
		case rbacv1.GroupKind:
			if contains(u.GetGroups(), s.Name) {
				return true
			}
		case rbacv1.ServiceAccountKind:
			ns := s.Namespace
			if ns == "" {
				ns = namespace
			}
			if ns != "" && u.GetName() == serviceaccount.MakeUsername(ns, s.Name) {
				return true
			}
		}
	}
	return false
}
