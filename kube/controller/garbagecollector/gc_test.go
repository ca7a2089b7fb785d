package garbagecollector_test

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/testkit"
)

var ctx = context.Background()

func setup(t *testing.T, block bool) (*testkit.Env, *corev1.ConfigMap) {
	env := testkit.Start(t)
	owner, err := env.Client().CoreV1().ConfigMaps("default").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "owner"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dep := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "dependent", OwnerReferences: []metav1.OwnerReference{{
		APIVersion: "v1", Kind: "ConfigMap", Name: "owner", UID: owner.UID, BlockOwnerDeletion: ptr.To(block),
	}}}}
	if _, err := env.Client().CoreV1().Secrets("default").Create(ctx, dep, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Settle()
	return env, owner
}

func exists(t *testing.T, env *testkit.Env, kind, name string) bool {
	t.Helper()
	var err error
	if kind == "secret" {
		_, err = env.Client().CoreV1().Secrets("default").Get(ctx, name, metav1.GetOptions{})
	} else {
		_, err = env.Client().CoreV1().ConfigMaps("default").Get(ctx, name, metav1.GetOptions{})
	}
	if err != nil && !apierrors.IsNotFound(err) {
		t.Fatal(err)
	}
	return err == nil
}

func TestBackgroundDeletionRemovesDependents(t *testing.T) {
	env, _ := setup(t, false)
	if err := env.Client().CoreV1().ConfigMaps("default").Delete(ctx, "owner", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Settle()
	if exists(t, env, "secret", "dependent") {
		t.Error("dependent survived its owner")
	}
}

func TestForegroundDeletionWaitsForDependents(t *testing.T) {
	env, _ := setup(t, true)
	fg := metav1.DeletePropagationForeground
	if err := env.Client().CoreV1().ConfigMaps("default").Delete(ctx, "owner", metav1.DeleteOptions{PropagationPolicy: &fg}); err != nil {
		t.Fatal(err)
	}
	env.Settle()
	if exists(t, env, "secret", "dependent") || exists(t, env, "configmap", "owner") {
		t.Error("foreground deletion did not remove both the dependent and then the owner")
	}
}

func TestOrphanDeletionKeepsDependents(t *testing.T) {
	env, _ := setup(t, false)
	orphan := metav1.DeletePropagationOrphan
	if err := env.Client().CoreV1().ConfigMaps("default").Delete(ctx, "owner", metav1.DeleteOptions{PropagationPolicy: &orphan}); err != nil {
		t.Fatal(err)
	}
	env.Settle()
	if exists(t, env, "configmap", "owner") {
		t.Error("owner still there")
	}
	s, err := env.Client().CoreV1().Secrets("default").Get(ctx, "dependent", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("orphaned dependent was deleted: %v", err)
	}
	if len(s.OwnerReferences) != 0 {
		t.Errorf("orphaned dependent keeps owner references %v", s.OwnerReferences)
	}
}

func TestDanglingOwnerReference(t *testing.T) {
	env := testkit.Start(t)
	dep := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "dependent", OwnerReferences: []metav1.OwnerReference{{
		APIVersion: "v1", Kind: "ConfigMap", Name: "ghost", UID: "00000000-0000-0000-0000-000000000000",
	}}}}
	if _, err := env.Client().CoreV1().Secrets("default").Create(ctx, dep, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Settle()
	if exists(t, env, "secret", "dependent") {
		t.Error("an object owned by nothing was kept")
	}
}
