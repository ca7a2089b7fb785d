package resourcequota_test

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

func TestScopes(t *testing.T) {
	env, c := start(t)
	scoped := func(name string, scopes ...corev1.ResourceQuotaScope) *corev1.ResourceQuota {
		q := quota(name, list("pods", "1"))
		q.Spec.Scopes = scopes
		return q
	}
	createQuota(t, env, scoped("besteffort", corev1.ResourceQuotaScopeBestEffort))
	createQuota(t, env, scoped("notbesteffort", corev1.ResourceQuotaScopeNotBestEffort, corev1.ResourceQuotaScopeNotTerminating))
	createQuota(t, env, scoped("terminating", corev1.ResourceQuotaScopeTerminating))

	create := func(p *corev1.Pod) error {
		_, err := c.CoreV1().Pods(ns).Create(ctx, p, metav1.CreateOptions{})
		return err
	}
	check(t, create(pod("be", "sleep 1000", nil, nil)))
	if err := create(pod("be2", "sleep 1000", nil, nil)); !apierrors.IsForbidden(err) {
		t.Errorf("second best-effort pod: %v, want forbidden by quota besteffort", err)
	}
	check(t, create(pod("burst", "sleep 1000", list("cpu", "100m"), nil)))
	job := pod("job", "sleep 10", list("cpu", "100m"), nil)
	job.Spec.ActiveDeadlineSeconds = ptr.To[int64](60)
	check(t, create(job))
	env.Settle()
	wantUsed(t, c, "besteffort", map[string]string{"pods": "1"})
	wantUsed(t, c, "notbesteffort", map[string]string{"pods": "1"})
	wantUsed(t, c, "terminating", map[string]string{"pods": "1"})
}

func TestPriorityClassScope(t *testing.T) {
	env, c := start(t)
	for _, name := range []string{"high", "low"} {
		_, err := c.SchedulingV1().PriorityClasses().Create(ctx, &schedulingv1.PriorityClass{ObjectMeta: metav1.ObjectMeta{Name: name}, Value: 1000}, metav1.CreateOptions{})
		check(t, err)
	}
	q := quota("high", list("pods", "1"))
	q.Spec.ScopeSelector = &corev1.ScopeSelector{MatchExpressions: []corev1.ScopedResourceSelectorRequirement{
		{ScopeName: corev1.ResourceQuotaScopePriorityClass, Operator: corev1.ScopeSelectorOpIn, Values: []string{"high"}}}}
	createQuota(t, env, q)
	prio := func(name, class string) error {
		p := pod(name, "sleep 1000", nil, nil)
		p.Spec.PriorityClassName = class
		_, err := c.CoreV1().Pods(ns).Create(ctx, p, metav1.CreateOptions{})
		return err
	}
	check(t, prio("h1", "high"))
	check(t, prio("l1", "low"))
	check(t, prio("l2", "low"))
	if err := prio("h2", "high"); !apierrors.IsForbidden(err) {
		t.Errorf("second high-priority pod: %v, want forbidden", err)
	}
	env.Settle()
	wantUsed(t, c, "high", map[string]string{"pods": "1"})
}
