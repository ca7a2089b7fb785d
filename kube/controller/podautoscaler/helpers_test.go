package podautoscaler_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/testkit"
)

var ctx = context.Background()

const ns = "default"

// deploy creates Deployment web: replicas pods requesting 100m CPU and
// 64Mi, each using cpu and memory (sim.kubesim.io annotations on the
// template), and lets them run.
func deploy(t *testing.T, env *testkit.Env, replicas int32, cpu, memory string) {
	t.Helper()
	labels := map[string]string{"app": "web"}
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To(replicas),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels,
					Annotations: map[string]string{"sim.kubesim.io/cpu": cpu, "sim.kubesim.io/memory": memory}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{
					Name: "web", Image: "nginx",
					Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{
						corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("64Mi"),
					}},
				}}},
			},
		},
	}
	if _, err := env.Client().AppsV1().Deployments(ns).Create(ctx, d, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(30 * time.Second)
}

// setUsage changes what the Deployment's pods use, by a rollout of the
// template's annotations.
func setUsage(t *testing.T, env *testkit.Env, key, value string) {
	t.Helper()
	patch := fmt.Sprintf(`{"spec":{"template":{"metadata":{"annotations":{"sim.kubesim.io/%s":%q}}}}}`, key, value)
	if _, err := env.Client().AppsV1().Deployments(ns).Patch(ctx, "web", types.StrategicMergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
}

func createHPA(t *testing.T, env *testkit.Env, hpa *autoscalingv2.HorizontalPodAutoscaler) {
	t.Helper()
	hpa.Name = "web"
	hpa.Spec.ScaleTargetRef = autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "web"}
	if _, err := env.Client().AutoscalingV2().HorizontalPodAutoscalers(ns).Create(ctx, hpa, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

func cpuUtilization(target int32) []autoscalingv2.MetricSpec {
	return []autoscalingv2.MetricSpec{{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{
		Name: corev1.ResourceCPU, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: ptr.To(target)},
	}}}
}

func replicas(t *testing.T, env *testkit.Env) int32 {
	t.Helper()
	d, err := env.Client().AppsV1().Deployments(ns).Get(ctx, "web", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return *d.Spec.Replicas
}

func getHPA(t *testing.T, env *testkit.Env) *autoscalingv2.HorizontalPodAutoscaler {
	t.Helper()
	hpa, err := env.Client().AutoscalingV2().HorizontalPodAutoscalers(ns).Get(ctx, "web", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return hpa
}

func condition(hpa *autoscalingv2.HorizontalPodAutoscaler, typ autoscalingv2.HorizontalPodAutoscalerConditionType) autoscalingv2.HorizontalPodAutoscalerCondition {
	for _, c := range hpa.Status.Conditions {
		if c.Type == typ {
			return c
		}
	}
	return autoscalingv2.HorizontalPodAutoscalerCondition{}
}

// events lists the HPA's events as "Reason: message".
func events(t *testing.T, env *testkit.Env) []string {
	t.Helper()
	list, err := env.Client().CoreV1().Events(ns).List(ctx, metav1.ListOptions{FieldSelector: "involvedObject.kind=HorizontalPodAutoscaler"})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range list.Items {
		out = append(out, e.Reason+": "+e.Message)
	}
	return out
}

func hasEvent(t *testing.T, env *testkit.Env, want string) bool {
	t.Helper()
	for _, e := range events(t, env) {
		if strings.HasPrefix(e, want) {
			return true
		}
	}
	return false
}

// advanceUntil moves time in steps of 15 s until ok holds or limit has
// passed, and returns how long it took.
func advanceUntil(t *testing.T, env *testkit.Env, limit time.Duration, ok func() bool) time.Duration {
	t.Helper()
	var took time.Duration
	for !ok() {
		if took >= limit {
			t.Fatalf("not so after %v", took)
		}
		env.Advance(15 * time.Second)
		took += 15 * time.Second
	}
	return took
}
