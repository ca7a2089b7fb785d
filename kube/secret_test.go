package kube_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubesim/kubesim/testkit"
)

// A Secret's stringData is a write-only convenience: the API server writes
// it into data, over data's values, and never returns it, however the
// Secret was written (the seed's basic-auth Secret is written this way).
func TestSecretStringDataGoesIntoData(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	secrets := env.Client().CoreV1().Secrets("default")
	s, err := secrets.Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "secret-basic-auth"},
		Type:       corev1.SecretTypeBasicAuth,
		Data:       map[string][]byte{"username": []byte("nobody")},
		StringData: map[string]string{"username": "admin", "password": "t0p-Secret"},
	}, metav1.CreateOptions{FieldManager: "creator"})
	if err != nil {
		t.Fatal(err)
	}
	assertData := func(step string, s *corev1.Secret, want map[string]string) {
		t.Helper()
		got := map[string]string{}
		for k, v := range s.Data {
			got[k] = string(v)
		}
		if diff := cmp.Diff(want, got); diff != "" || s.StringData != nil {
			t.Errorf("%s: data (-want +got):\n%s; stringData %v", step, diff, s.StringData)
		}
	}
	assertData("create", s, map[string]string{"username": "admin", "password": "t0p-Secret"})
	for _, mf := range s.ManagedFields {
		if fields := string(mf.FieldsV1.Raw); strings.Contains(fields, "f:stringData") || !strings.Contains(fields, `"f:password"`) {
			t.Errorf("the creator's fields are those of data: %s", fields)
		}
	}

	s.StringData = map[string]string{"password": "n3w"}
	s, err = secrets.Update(ctx, s, metav1.UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	assertData("update", s, map[string]string{"username": "admin", "password": "n3w"})

	patch := `{"stringData":{"token":"abc"}}`
	if s, err = secrets.Patch(ctx, s.Name, types.StrategicMergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	assertData("patch", s, map[string]string{"username": "admin", "password": "n3w", "token": "abc"})

	apply := `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"secret-basic-auth"},"stringData":{"username":"root"}}`
	if s, err = secrets.Patch(ctx, s.Name, types.ApplyPatchType, []byte(apply), metav1.PatchOptions{FieldManager: "applier"}); err != nil {
		t.Fatal(err)
	}
	assertData("apply", s, map[string]string{"username": "root", "password": "n3w", "token": "abc"})

	got, err := secrets.Get(ctx, s.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	assertData("get", got, map[string]string{"username": "root", "password": "n3w", "token": "abc"})
}
