package testkit_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/testkit"
)

// TestApplyDeleteWaitFor: manifests as typed objects, YAML text and files
// go in with Apply, WaitFor waits on the virtual clock, Delete takes them
// out again.
func TestApplyDeleteWaitFor(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(2))
	labels := map[string]string{"app": "web"}
	deploy := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default"},
		Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](2), Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "nginx:1.27"}}}}},
	}
	file := filepath.Join(t.TempDir(), "svc.yaml")
	if err := os.WriteFile(file, []byte("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env.Apply(deploy, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {level: debug}\n---\n# nothing\n", file)
	env.WaitFor(deploy, testkit.BeAvailable())

	ctx := context.Background()
	if cm, err := env.Client().CoreV1().ConfigMaps("default").Get(ctx, "settings", metav1.GetOptions{}); err != nil || cm.Data["level"] != "debug" {
		t.Errorf("configmap from YAML text: %v %v", cm, err)
	}
	if _, err := env.Client().CoreV1().Services("default").Get(ctx, "web", metav1.GetOptions{}); err != nil {
		t.Errorf("service from a file: %v", err)
	}
	// Applying again with a change updates, as kubectl apply does.
	deploy.Spec.Replicas = ptr.To[int32](3)
	env.Apply(deploy)
	env.WaitFor(deploy, testkit.BeAvailable())
	if deploy.Status.AvailableReplicas != 3 {
		t.Errorf("available replicas %d after applying 3", deploy.Status.AvailableReplicas)
	}

	pods, err := env.Client().CoreV1().Pods("default").List(ctx, metav1.ListOptions{LabelSelector: "app=web"})
	if err != nil || len(pods.Items) != 3 {
		t.Fatalf("pods: %v %d", err, len(pods.Items))
	}
	env.Delete(deploy, file)
	env.WaitForDeletion(&pods.Items[0])
	if _, err := env.Client().CoreV1().Services("default").Get(ctx, "web", metav1.GetOptions{}); err == nil {
		t.Error("service still there after Delete")
	}
}
