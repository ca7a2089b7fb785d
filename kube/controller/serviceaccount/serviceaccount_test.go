package serviceaccount_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesim/kubesim/kube/controller/serviceaccount"
	"github.com/kubesim/kubesim/testkit"
)

var ctx = context.Background()

func createNamespace(t *testing.T, env *testkit.Env, name string) {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
	if _, err := env.Client().CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

func TestEveryNamespaceGetsADefaultServiceAccount(t *testing.T) {
	env := testkit.Start(t)
	createNamespace(t, env, "team")
	env.Settle()
	sas := env.Client().CoreV1().ServiceAccounts("team")
	for _, ns := range []string{"default", "kube-system", "kube-public", "kube-node-lease", "team"} {
		if _, err := env.Client().CoreV1().ServiceAccounts(ns).Get(ctx, "default", metav1.GetOptions{}); err != nil {
			t.Errorf("namespace %s: %v", ns, err)
		}
	}
	first, err := sas.Get(ctx, "default", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := sas.Delete(ctx, "default", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Settle()
	again, err := sas.Get(ctx, "default", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("the deleted default account was not made again: %v", err)
	}
	if again.UID == first.UID {
		t.Errorf("the default account was not replaced (same UID %s)", again.UID)
	}
	// Other accounts are the user's business.
	robot := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "robot"}}
	if _, err := sas.Create(ctx, robot, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := sas.Delete(ctx, "robot", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Settle()
	if _, err := sas.Get(ctx, "robot", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("robot: got %v, want NotFound", err)
	}
}

func TestRootCAIsPublishedInEveryNamespace(t *testing.T) {
	env := testkit.Start(t)
	createNamespace(t, env, "team")
	env.Settle()
	cms := env.Client().CoreV1().ConfigMaps("team")
	cm, err := cms.Get(ctx, serviceaccount.RootCACertConfigMapName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode([]byte(cm.Data["ca.crt"]))
	if block == nil {
		t.Fatalf("ca.crt is not PEM: %q", cm.Data["ca.crt"])
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil || !cert.IsCA {
		t.Fatalf("ca.crt is not a CA certificate: %v", err)
	}
	if got := cm.Annotations["kubernetes.io/description"]; got == "" {
		t.Error("kube-root-ca.crt lacks its kubernetes.io/description annotation")
	}
	want := cm.Data["ca.crt"]

	// An edited ConfigMap is put back; a deleted one made again.
	cm.Data["ca.crt"] = "tampered"
	if _, err := cms.Update(ctx, cm, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Settle()
	if got, _ := cms.Get(ctx, serviceaccount.RootCACertConfigMapName, metav1.GetOptions{}); got.Data["ca.crt"] != want {
		t.Errorf("after an edit, ca.crt = %q, want the cluster CA", got.Data["ca.crt"])
	}
	if err := cms.Delete(ctx, serviceaccount.RootCACertConfigMapName, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Settle()
	if got, err := cms.Get(ctx, serviceaccount.RootCACertConfigMapName, metav1.GetOptions{}); err != nil || got.Data["ca.crt"] != want {
		t.Errorf("after a delete: %v, ca.crt = %q", err, got.Data["ca.crt"])
	}
	kubeSystem, err := env.Client().CoreV1().ConfigMaps("kube-system").Get(ctx, serviceaccount.RootCACertConfigMapName, metav1.GetOptions{})
	if err != nil || kubeSystem.Data["ca.crt"] != want {
		t.Errorf("kube-system: %v, same CA: %v", err, kubeSystem.Data["ca.crt"] == want)
	}
}

// Switched off, as envtest's kube-apiserver runs without a controller
// manager: no accounts are made, and the ServiceAccount admission plugin
// leaves pods alone.
func TestSwitchedOff(t *testing.T) {
	env := testkit.Start(t, testkit.WithoutControllers(serviceaccount.Name, serviceaccount.PublisherName))
	createNamespace(t, env, "team")
	env.Settle()
	if _, err := env.Client().CoreV1().ServiceAccounts("team").Get(ctx, "default", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("default account: got %v, want NotFound", err)
	}
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p"}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "nginx"}}}}
	got, err := env.Client().CoreV1().Pods("team").Create(ctx, pod, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Spec.ServiceAccountName != "" || len(got.Spec.Volumes) != 0 {
		t.Errorf("pod was changed: serviceAccountName %q, volumes %v", got.Spec.ServiceAccountName, got.Spec.Volumes)
	}
}
