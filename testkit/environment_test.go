package testkit_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubesim/kubesim/testkit"
)

const crdYAML = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, listKind: WidgetList, plural: widgets, singular: widget}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: not-a-crd}
`

func TestEnvironmentIsABareAPIServerByDefault(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "crds.yaml"), []byte(crdYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	env := &testkit.Environment{CRDDirectoryPaths: []string{dir}, ErrorIfCRDPathMissing: true}
	cfg, err := env.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := env.Stop(); err != nil {
			t.Error(err)
		}
	}()
	ctx := context.Background()
	ext, err := apiextensionsclient.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ext.ApiextensionsV1().CustomResourceDefinitions().Get(ctx, "widgets.example.com", metav1.GetOptions{}); err != nil {
		t.Errorf("CRD not installed: %v", err)
	}
	// Start returns once the CRD is served: a widget can be created at once.
	widget := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "example.com/v1", "kind": "Widget", "metadata": map[string]any{"name": "w"}}}
	widgets := schema.GroupVersionResource{Group: "example.com", Version: "v1", Resource: "widgets"}
	if _, err := dynamic.NewForConfigOrDie(cfg).Resource(widgets).Namespace("default").Create(ctx, widget, metav1.CreateOptions{}); err != nil {
		t.Errorf("create a widget right after Start: %v", err)
	}
	// As in envtest, nothing acts on a Job: the suite drives its status.
	c, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	job := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: "j", Namespace: "default"},
		Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever,
			Containers:    []corev1.Container{{Name: "c", Image: "busybox"}},
		}}},
	}
	if _, err := c.BatchV1().Jobs("default").Create(ctx, job, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := env.SimulatedCluster().Advance(ctx, time.Minute); err != nil {
		t.Fatal(err)
	}
	pods, err := c.CoreV1().Pods("default").List(ctx, metav1.ListOptions{})
	if err != nil || len(pods.Items) != 0 {
		t.Errorf("a bare API server created pods: %v %v", pods, err)
	}
	if len(env.KubeConfig) == 0 {
		t.Error("no kubeconfig")
	}
}

func TestEnvironmentMissingCRDPath(t *testing.T) {
	env := &testkit.Environment{CRDDirectoryPaths: []string{"does/not/exist"}, ErrorIfCRDPathMissing: true}
	if _, err := env.Start(); err == nil {
		_ = env.Stop()
		t.Fatal("Start succeeded with a missing CRD path")
	}
	env = &testkit.Environment{CRDDirectoryPaths: []string{"does/not/exist"}}
	if _, err := env.Start(); err != nil {
		t.Fatalf("missing optional CRD path: %v", err)
	}
	_ = env.Stop()
}

// TestEnvironmentAddUser: as with envtest, a suite adds a user and checks
// what RBAC lets it do, in-process and through a kubeconfig.
func TestEnvironmentAddUser(t *testing.T) {
	env := &testkit.Environment{}
	if _, err := env.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := env.Stop(); err != nil {
			t.Error(err)
		}
	}()
	u, err := env.AddUser(testkit.User{Name: "dev", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kubernetes.NewForConfigOrDie(u.Config()).CoreV1().Secrets("default").List(context.Background(), metav1.ListOptions{}); err != nil {
		t.Errorf("system:masters member lists secrets: %v", err)
	}
	viewer, err := env.AddUser(testkit.User{Name: "viewer"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	kubeconfig, err := viewer.KubeConfig()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := clientcmd.RESTConfigFromKubeConfig(kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	_, err = kubernetes.NewForConfigOrDie(cfg).CoreV1().Secrets("default").List(context.Background(), metav1.ListOptions{})
	if !apierrors.IsForbidden(err) {
		t.Errorf("user without roles lists secrets over HTTPS: %v, want Forbidden", err)
	}
}
