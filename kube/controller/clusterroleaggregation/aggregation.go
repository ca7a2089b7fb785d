// Package clusterroleaggregation fills in aggregated ClusterRoles, as
// kube-controller-manager's clusterrole-aggregation controller does: a
// ClusterRole with an aggregationRule gets the rules of every other
// ClusterRole its selectors match, so that labelling a role
// "rbac.authorization.k8s.io/aggregate-to-view: true" extends view.
package clusterroleaggregation

import (
	"context"
	"fmt"
	"sort"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/store"
)

// Name is the controller's name in kube-controller-manager's --controllers.
const Name = "clusterrole-aggregation"

const clusterRoles = "clusterroles.rbac.authorization.k8s.io"

type reconciler struct {
	m *controller.Manager
}

// Add registers the controller.
func Add(m *controller.Manager) {
	q := m.NewQueue()
	// Any ClusterRole change may change what an aggregated role selects.
	m.Feed.Handle(clusterRoles, func(store.Event) {
		m.Store.View().List(clusterRoles, "", func(obj runtime.Object) bool {
			if cr := obj.(*rbacv1.ClusterRole); cr.AggregationRule != nil {
				q.Add(controller.Request{Name: cr.Name})
			}
			return true
		})
	})
	m.Add(&controller.Controller{Name: Name, Queue: q, Reconciler: reconciler{m}, Workers: 1})
}

// Reconcile sets one aggregated ClusterRole's rules to the union of the
// rules of the roles it selects, in name order, without duplicates.
func (r reconciler) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	obj := r.m.Store.View().Get(clusterRoles, "", req.Name)
	if obj == nil {
		return controller.Result{}, nil
	}
	cr := obj.(*rbacv1.ClusterRole)
	if cr.AggregationRule == nil {
		return controller.Result{}, nil
	}
	want, err := r.aggregate(cr)
	if err != nil {
		return controller.Result{}, err
	}
	if equality.Semantic.DeepEqual(want, cr.Rules) {
		return controller.Result{}, nil
	}
	upd := cr.DeepCopy()
	upd.Rules = want
	if _, err := r.m.Client.RbacV1().ClusterRoles().Update(ctx, upd, metav1.UpdateOptions{}); err != nil {
		return controller.Result{}, fmt.Errorf("aggregate clusterrole %s: %w", cr.Name, err)
	}
	return controller.Result{}, nil
}

func (r reconciler) aggregate(cr *rbacv1.ClusterRole) ([]rbacv1.PolicyRule, error) {
	var sources []*rbacv1.ClusterRole
	for _, sel := range cr.AggregationRule.ClusterRoleSelectors {
		s, err := metav1.LabelSelectorAsSelector(&sel)
		if err != nil {
			return nil, fmt.Errorf("clusterrole %s: aggregation selector: %w", cr.Name, err)
		}
		r.m.Store.View().List(clusterRoles, "", func(obj runtime.Object) bool {
			other := obj.(*rbacv1.ClusterRole)
			if other.Name != cr.Name && s.Matches(labels.Set(other.Labels)) {
				sources = append(sources, other)
			}
			return true
		})
	}
	sort.SliceStable(sources, func(i, j int) bool { return sources[i].Name < sources[j].Name })
	var rules []rbacv1.PolicyRule
	seen := map[string]bool{}
	for _, src := range sources {
		if seen[src.Name] {
			continue // matched by two selectors
		}
		seen[src.Name] = true
		for _, rule := range src.Rules {
			if !hasRule(rules, rule) {
				rules = append(rules, rule)
			}
		}
	}
	return rules, nil
}

func hasRule(rules []rbacv1.PolicyRule, r rbacv1.PolicyRule) bool {
	for _, have := range rules {
		if equality.Semantic.DeepEqual(have, r) {
			return true
		}
	}
	return false
}
