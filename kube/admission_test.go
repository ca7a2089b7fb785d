package kube_test

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesim/kubesim/testkit"
)

func TestPriorityAdmission(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	pods := env.Client().CoreV1().Pods("default")
	classes := env.Client().SchedulingV1().PriorityClasses()

	p, err := pods.Create(ctx, pod("plain"), metav1.CreateOptions{})
	if err != nil || *p.Spec.Priority != 0 || *p.Spec.PreemptionPolicy != corev1.PreemptLowerPriority {
		t.Errorf("pod without a class: priority %v policy %v err %v", p.Spec.Priority, p.Spec.PreemptionPolicy, err)
	}
	crit := pod("critical")
	crit.Spec.PriorityClassName = "system-cluster-critical"
	if p, err := pods.Create(ctx, crit, metav1.CreateOptions{}); err != nil || *p.Spec.Priority != 2000000000 {
		t.Errorf("system-cluster-critical pod: %v %v", p.Spec.Priority, err)
	}
	unknown := pod("unknown")
	unknown.Spec.PriorityClassName = "gold"
	_, err = pods.Create(ctx, unknown, metav1.CreateOptions{})
	if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), "no PriorityClass with name gold was found") {
		t.Errorf("unknown class: %v", err)
	}

	never := corev1.PreemptNever
	def := &schedulingv1.PriorityClass{ObjectMeta: metav1.ObjectMeta{Name: "default-low"}, Value: 100, GlobalDefault: true, PreemptionPolicy: &never}
	if _, err := classes.Create(ctx, def, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	second := &schedulingv1.PriorityClass{ObjectMeta: metav1.ObjectMeta{Name: "other"}, Value: 5, GlobalDefault: true}
	_, err = classes.Create(ctx, second, metav1.CreateOptions{})
	if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), "PriorityClass default-low is already marked as default") {
		t.Errorf("second default class: %v", err)
	}
	if p, err := pods.Create(ctx, pod("defaulted"), metav1.CreateOptions{}); err != nil || *p.Spec.Priority != 100 || *p.Spec.PreemptionPolicy != never {
		t.Errorf("pod under a default class: %v %v %v", p.Spec.Priority, p.Spec.PreemptionPolicy, err)
	}
	huge := &schedulingv1.PriorityClass{ObjectMeta: metav1.ObjectMeta{Name: "huge"}, Value: 2000000000}
	if _, err := classes.Create(ctx, huge, metav1.CreateOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("class above the user limit: %v", err)
	}
}
