package testkit_test

import (
	"context"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesim/kubesim/testkit"
)

// TestKubectlTop: kubectl top reads the resource metrics API that kubesim
// serves as metrics-server would, with the usage the pods' sim.kubesim.io
// annotations script.
func TestKubectlTop(t *testing.T) {
	if testing.Short() {
		t.Skip("builds kubectl")
	}
	env := testkit.Start(t, testkit.WithNodes(2))
	for _, p := range []struct{ name, node, cpu, memory string }{
		{"busy", "node-1", "250m", "64Mi"},
		{"hungry", "node-2", "1200m", "1Gi"},
	} {
		pod := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: p.name, Labels: map[string]string{"app": p.name},
				Annotations: map[string]string{"sim.kubesim.io/cpu": p.cpu, "sim.kubesim.io/memory": p.memory}},
			Spec: corev1.PodSpec{NodeName: p.node, Containers: []corev1.Container{{Name: "app", Image: "nginx"}}},
		}
		if _, err := env.Client().CoreV1().Pods("default").Create(context.Background(), pod, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	env.Advance(30 * time.Second)

	out := kubectl(t, env, []string{"NAME", "CPU(cores)", "MEMORY(bytes)"}, "top", "pod")
	wantRow(t, out, "busy", "250m", "64Mi")
	wantRow(t, out, "hungry", "1200m", "1024Mi")
	out = kubectl(t, env, []string{"POD", "NAME", "CPU(cores)"}, "top", "pod", "-l", "app=busy", "--containers")
	wantRow(t, out, "busy", "app", "250m", "64Mi")
	if strings.Contains(out, "hungry") {
		t.Errorf("top pod -l app=busy shows hungry:\n%s", out)
	}

	// Nodes add a system baseline of 100m and 512Mi to their pods'; the
	// percentages are of the allocatable 4 CPUs and 16Gi.
	out = kubectl(t, env, []string{"NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"}, "top", "node")
	wantRow(t, out, "node-1", "350m", "8%", "576Mi", "3%")
	wantRow(t, out, "node-2", "1300m", "32%", "1536Mi", "9%")

	out = kubectl(t, env, []string{"NAME", "CPU", "MEMORY", "WINDOW"}, "get", "pods.metrics.k8s.io")
	wantRow(t, out, "busy", "250m", "64Mi", "15s")
}

// wantRow checks that some line of a table has the fields, in order.
func wantRow(t *testing.T, out string, fields ...string) {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if strings.Join(strings.Fields(line), " ") == strings.Join(fields, " ") {
			return
		}
	}
	t.Errorf("no row %q in:\n%s", strings.Join(fields, " "), out)
}

// TestKubectlAutoscale: kubectl autoscale makes an HPA that scales a
// busy Deployment to its maximum, and kubectl get hpa shows its targets.
func TestKubectlAutoscale(t *testing.T) {
	if testing.Short() {
		t.Skip("builds kubectl")
	}
	env := testkit.Start(t, testkit.WithNodes(2))
	labels := map[string]string{"app": "web"}
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels, Annotations: map[string]string{"sim.kubesim.io/cpu": "200m"}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "nginx",
					Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m")}}}}},
			},
		},
	}
	if _, err := env.Client().AppsV1().Deployments("default").Create(context.Background(), d, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(30 * time.Second)
	kubectl(t, env, []string{"horizontalpodautoscaler.autoscaling/web autoscaled"}, "autoscale", "deployment", "web", "--min=1", "--max=3", "--cpu-percent=50")
	env.Advance(2 * time.Minute)
	out := kubectl(t, env, []string{"NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS"}, "get", "hpa")
	wantRow(t, out, "web", "Deployment/web", "cpu:", "200%/50%", "1", "3", "3", "2m")
	kubectl(t, env, []string{"SuccessfulRescale", "New size: 3; reason: cpu resource utilization (percentage of request) above target",
		"ScalingLimited", "True", "TooManyReplicas"}, "describe", "hpa", "web")
}
