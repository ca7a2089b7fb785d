package webhook_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/testkit"
)

func configMap(name string, labels map[string]string) *corev1.ConfigMap {
	return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}
}

func createConfigMap(env *testkit.Env, ns string, cm *corev1.ConfigMap) (*corev1.ConfigMap, error) {
	return env.Client().CoreV1().ConfigMaps(ns).Create(context.Background(), cm, metav1.CreateOptions{})
}

func TestMutatingWebhookPatchesObject(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	srv := newHookServer(t, func(req *admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse {
		patch, _ := json.Marshal([]map[string]any{{"op": "add", "path": "/metadata/labels", "value": map[string]string{"mutated": "yes"}}})
		return &admissionv1.AdmissionResponse{Allowed: true, Patch: patch, PatchType: ptr.To(admissionv1.PatchTypeJSONPatch),
			Warnings: []string{"labelled by the webhook"}}
	})
	createMutating(t, env, admissionregistrationv1.MutatingWebhook{
		Name: "label.example.com", ClientConfig: srv.clientConfig("/mutate"), Rules: rulesFor("", "configmaps"),
		SideEffects:             ptr.To(admissionregistrationv1.SideEffectClassNone),
		AdmissionReviewVersions: []string{"v1"},
	})

	// No Settle: the configuration applies to the very next write.
	got, err := createConfigMap(env, "default", configMap("cm", nil))
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if got.Labels["mutated"] != "yes" {
		t.Errorf("labels = %v, want the webhook's mutated=yes", got.Labels)
	}
	stored, err := env.Client().CoreV1().ConfigMaps("default").Get(context.Background(), "cm", metav1.GetOptions{})
	if err != nil || stored.Labels["mutated"] != "yes" {
		t.Errorf("stored labels = %v (%v), want mutated=yes", stored.Labels, err)
	}
	if srv.callCount() != 1 {
		t.Errorf("webhook called %d times, want 1", srv.callCount())
	}
	// Writes the rules do not match do not reach the webhook.
	if _, err := env.Client().CoreV1().Secrets("default").Create(context.Background(),
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "s"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if srv.callCount() != 1 {
		t.Errorf("webhook called %d times after a Secret write, want 1", srv.callCount())
	}
}

func TestValidatingWebhookDenies(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	srv := newHookServer(t, deny("configmaps are not welcome here"))
	createValidating(t, env, validatingHook("deny.example.com", srv.clientConfig("/validate"), "configmaps"))

	_, err := createConfigMap(env, "default", configMap("cm", nil))
	want := `admission webhook "deny.example.com" denied the request: configmaps are not welcome here`
	if err == nil || err.Error() != want {
		t.Fatalf("create: err = %v, want %q", err, want)
	}
	// Upstream answers a denial without a status code with 400 and no
	// reason (webhook/errors.ToStatusErr).
	var status apierrors.APIStatus
	if !errors.As(err, &status) || status.Status().Code != http.StatusBadRequest {
		t.Errorf("status = %+v, want code 400", status)
	}
	if _, err := env.Client().CoreV1().ConfigMaps("default").Get(context.Background(), "cm", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("denied object was stored: get err = %v", err)
	}

	// Deleting the configuration lifts the denial for the next write.
	if err := env.Client().AdmissionregistrationV1().ValidatingWebhookConfigurations().Delete(context.Background(), "test", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := createConfigMap(env, "default", configMap("cm", nil)); err != nil {
		t.Errorf("create after deleting the webhook: %v", err)
	}
}

func TestValidatingWebhookDeniesWithStatusCode(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	srv := newHookServer(t, func(*admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse {
		return &admissionv1.AdmissionResponse{Result: &metav1.Status{Code: http.StatusForbidden, Reason: metav1.StatusReasonForbidden, Message: "nope"}}
	})
	createValidating(t, env, validatingHook("deny.example.com", srv.clientConfig("/"), "configmaps"))
	_, err := createConfigMap(env, "default", configMap("cm", nil))
	if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), `admission webhook "deny.example.com" denied the request: nope`) {
		t.Errorf("create: err = %v, want 403 denied by deny.example.com", err)
	}
}

func TestUnreachableWebhookFailurePolicy(t *testing.T) {
	down := newHookServer(t, allow)
	cc := down.clientConfig("/validate")
	down.Close()

	t.Run("Fail", func(t *testing.T) {
		env := testkit.Start(t, testkit.Bare())
		hook := validatingHook("down.example.com", cc, "configmaps")
		hook.FailurePolicy = ptr.To(admissionregistrationv1.Fail)
		createValidating(t, env, hook)
		_, err := createConfigMap(env, "default", configMap("cm", nil))
		if err == nil || !strings.HasPrefix(err.Error(), `Internal error occurred: failed calling webhook "down.example.com": failed to call webhook: `) {
			t.Fatalf("create: err = %v, want failed calling webhook", err)
		}
		if !apierrors.IsInternalError(err) {
			t.Errorf("reason = %q, want InternalError", apierrors.ReasonForError(err))
		}
	})
	t.Run("Ignore", func(t *testing.T) {
		env := testkit.Start(t, testkit.Bare())
		hook := validatingHook("down.example.com", cc, "configmaps")
		hook.FailurePolicy = ptr.To(admissionregistrationv1.Ignore)
		createValidating(t, env, hook)
		if _, err := createConfigMap(env, "default", configMap("cm", nil)); err != nil {
			t.Fatalf("create with failurePolicy Ignore: %v", err)
		}
	})
}

func TestWebhookSelectors(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	ctx := context.Background()
	for _, ns := range []*corev1.Namespace{
		{ObjectMeta: metav1.ObjectMeta{Name: "guarded", Labels: map[string]string{"guard": "on"}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "open"}},
	} {
		if _, err := env.Client().CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	srv := newHookServer(t, deny("guarded"))
	byNamespace := validatingHook("ns.example.com", srv.clientConfig("/ns"), "configmaps")
	byNamespace.NamespaceSelector = &metav1.LabelSelector{MatchLabels: map[string]string{"guard": "on"}}
	byObject := validatingHook("obj.example.com", srv.clientConfig("/obj"), "configmaps")
	byObject.ObjectSelector = &metav1.LabelSelector{MatchLabels: map[string]string{"checked": "true"}}
	createValidating(t, env, byNamespace, byObject)

	for _, tc := range []struct {
		ns, name  string
		labels    map[string]string
		deniedBy  string
		explained string
	}{
		{ns: "guarded", name: "a", deniedBy: "ns.example.com", explained: "namespace matches namespaceSelector"},
		{ns: "open", name: "b", explained: "neither selector matches"},
		{ns: "open", name: "c", labels: map[string]string{"checked": "true"}, deniedBy: "obj.example.com", explained: "object matches objectSelector"},
	} {
		_, err := createConfigMap(env, tc.ns, configMap(tc.name, tc.labels))
		switch {
		case tc.deniedBy == "" && err != nil:
			t.Errorf("%s: create: %v, want admitted", tc.explained, err)
		case tc.deniedBy != "" && (err == nil || !strings.Contains(err.Error(), `admission webhook "`+tc.deniedBy+`" denied`)):
			t.Errorf("%s: create: err = %v, want denied by %s", tc.explained, err, tc.deniedBy)
		}
	}

	// Labelling the namespace puts it under the webhook at once.
	open, err := env.Client().CoreV1().Namespaces().Get(ctx, "open", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	open.Labels["guard"] = "on"
	if _, err := env.Client().CoreV1().Namespaces().Update(ctx, open, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := createConfigMap(env, "open", configMap("d", nil)); err == nil {
		t.Errorf("create in a newly guarded namespace was admitted")
	}
}

func TestWebhookMatchConditions(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	srv := newHookServer(t, deny("reserved name"))
	hook := validatingHook("names.example.com", srv.clientConfig("/"), "configmaps")
	hook.MatchConditions = []admissionregistrationv1.MatchCondition{{
		Name: "reserved-prefix", Expression: `object.metadata.name.startsWith("reserved-")`,
	}}
	createValidating(t, env, hook)

	if _, err := createConfigMap(env, "default", configMap("ordinary", nil)); err != nil {
		t.Errorf("create ordinary: %v", err)
	}
	if srv.callCount() != 0 {
		t.Errorf("webhook called %d times for a request its matchConditions exclude", srv.callCount())
	}
	_, err := createConfigMap(env, "default", configMap("reserved-x", nil))
	if err == nil || !strings.Contains(err.Error(), "reserved name") {
		t.Errorf("create reserved-x: err = %v, want denied", err)
	}
}

func TestWebhookConfigurationUpdateAppliesToNextWrite(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	ctx := context.Background()
	srv := newHookServer(t, deny("stop"))
	createValidating(t, env, validatingHook("stop.example.com", srv.clientConfig("/"), "configmaps"))
	if _, err := createConfigMap(env, "default", configMap("a", nil)); err == nil {
		t.Fatal("create a: admitted, want denied")
	}

	api := env.Client().AdmissionregistrationV1().ValidatingWebhookConfigurations()
	cfg, err := api.Get(ctx, "test", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Webhooks[0].Rules = rulesFor("", "secrets")
	if _, err := api.Update(ctx, cfg, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := createConfigMap(env, "default", configMap("b", nil)); err != nil {
		t.Errorf("create b after the rules moved to secrets: %v", err)
	}
	_, err = env.Client().CoreV1().Secrets("default").Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "s"}}, metav1.CreateOptions{})
	if err == nil || !strings.Contains(err.Error(), `admission webhook "stop.example.com" denied the request: stop`) {
		t.Errorf("create secret: err = %v, want denied by the updated webhook", err)
	}
}

func TestWebhookSeesDryRun(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	srv := newHookServer(t, allow)
	createValidating(t, env, validatingHook("dry.example.com", srv.clientConfig("/"), "configmaps"))
	_, err := env.Client().CoreV1().ConfigMaps("default").Create(context.Background(), configMap("cm", nil),
		metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
	if err != nil {
		t.Fatalf("dry-run create: %v", err)
	}
	srv.mu.Lock()
	calls := srv.calls
	srv.mu.Unlock()
	if len(calls) != 1 || calls[0].DryRun == nil || !*calls[0].DryRun {
		t.Errorf("webhook requests = %d, want one with dryRun true", len(calls))
	}
	if _, err := env.Client().CoreV1().ConfigMaps("default").Get(context.Background(), "cm", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("dry-run object was stored: get err = %v", err)
	}
}
