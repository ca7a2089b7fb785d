package podautoscaler_test

import (
	"strings"
	"testing"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubesim/kubesim/testkit"
)

// TestConditionsWhenItCannotScale: a missing target, then a target scaled
// to zero, show in the HPA's conditions with upstream's reasons.
func TestConditionsWhenItCannotScale(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	createHPA(t, env, &autoscalingv2.HorizontalPodAutoscaler{Spec: autoscalingv2.HorizontalPodAutoscalerSpec{MaxReplicas: 3}})
	env.Advance(20 * time.Second)
	c := condition(getHPA(t, env), autoscalingv2.AbleToScale)
	if c.Status != corev1.ConditionFalse || c.Reason != "FailedGetScale" ||
		!strings.HasPrefix(c.Message, `the HPA controller was unable to get the target's current scale: deployments.apps "web" not found`) {
		t.Errorf("without a target AbleToScale is %+v", c)
	}
	if !hasEvent(t, env, `FailedGetScale: deployments.apps "web" not found`) {
		t.Errorf("no FailedGetScale event among %q", events(t, env))
	}

	deploy(t, env, 1, "500m", "32Mi")
	patch := []byte(`{"spec":{"replicas":0}}`)
	if _, err := env.Client().AppsV1().Deployments(ns).Patch(ctx, "web", types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(time.Minute)
	hpa := getHPA(t, env)
	if c := condition(hpa, autoscalingv2.ScalingActive); c.Status != corev1.ConditionFalse || c.Reason != "ScalingDisabled" {
		t.Errorf("with the target at zero ScalingActive is %+v", c)
	}
	if c := condition(hpa, autoscalingv2.AbleToScale); c.Status != corev1.ConditionTrue || c.Reason != "SucceededGetScale" {
		t.Errorf("with the target at zero AbleToScale is %+v", c)
	}
	if got := replicas(t, env); got != 0 {
		t.Errorf("the HPA scaled a target at zero to %d", got)
	}
}

// TestTwoHPAsOnTheSamePods: once both have seen their target's pods,
// neither scales them, and both say why. (The first sync of the first
// may scale, as upstream's can: it does not know the other yet.)
func TestTwoHPAsOnTheSamePods(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	deploy(t, env, 1, "500m", "32Mi")
	for _, name := range []string{"web", "web-too"} {
		hpa := &autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
			MaxReplicas:    10,
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "web"},
		}}
		if _, err := env.Client().AutoscalingV2().HorizontalPodAutoscalers(ns).Create(ctx, hpa, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	env.Advance(time.Minute)
	for _, name := range []string{"web", "web-too"} {
		hpa, err := env.Client().AutoscalingV2().HorizontalPodAutoscalers(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		c := condition(hpa, autoscalingv2.ScalingActive)
		if c.Status != corev1.ConditionFalse || c.Reason != "AmbiguousSelector" ||
			c.Message != "pods by selector app=web are controlled by multiple HPAs: [default/web default/web-too]" {
			t.Errorf("ScalingActive of %s: %+v", name, c)
		}
	}
	before := replicas(t, env)
	env.Advance(time.Minute)
	if after := replicas(t, env); after != before {
		t.Errorf("ambiguous HPAs scaled the Deployment from %d to %d", before, after)
	}
}
