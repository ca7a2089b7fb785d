package webhook_test

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/testkit"
)

// reviewer answers one AdmissionReview request.
type reviewer func(req *admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse

// hookServer is a webhook server, as a test (or envtest user) writes one:
// HTTPS on loopback, AdmissionReview v1 in and out.
type hookServer struct {
	*httptest.Server
	mu    sync.Mutex
	calls []*admissionv1.AdmissionRequest
}

func newHookServer(t *testing.T, review reviewer) *hookServer {
	h := newUnstartedHookServer(review)
	h.StartTLS()
	t.Cleanup(h.Close)
	return h
}

// newUnstartedHookServer is newHookServer for a test that sets the TLS
// configuration itself, then calls StartTLS.
func newUnstartedHookServer(review reviewer) *hookServer {
	h := &hookServer{}
	h.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in admissionv1.AdmissionReview
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Request == nil {
			http.Error(w, "bad review", http.StatusBadRequest)
			return
		}
		h.mu.Lock()
		h.calls = append(h.calls, in.Request)
		h.mu.Unlock()
		resp := review(in.Request)
		resp.UID = in.Request.UID
		out := admissionv1.AdmissionReview{TypeMeta: in.TypeMeta, Response: resp}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(out)
	}))
	return h
}

// callCount is how many reviews the server answered.
func (h *hookServer) callCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.calls)
}

// clientConfig points a webhook at path on the server, trusting its
// certificate.
func (h *hookServer) clientConfig(path string) admissionregistrationv1.WebhookClientConfig {
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: h.Certificate().Raw})
	return admissionregistrationv1.WebhookClientConfig{URL: ptr.To(h.URL + path), CABundle: ca}
}

func allow(*admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse {
	return &admissionv1.AdmissionResponse{Allowed: true}
}

func deny(message string) reviewer {
	return func(*admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse {
		return &admissionv1.AdmissionResponse{Allowed: false, Result: &metav1.Status{Message: message}}
	}
}

// rulesFor matches CREATE of resource in the core group, or in group.
func rulesFor(group, resource string) []admissionregistrationv1.RuleWithOperations {
	return []admissionregistrationv1.RuleWithOperations{{
		Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create},
		Rule: admissionregistrationv1.Rule{
			APIGroups: []string{group}, APIVersions: []string{"*"}, Resources: []string{resource},
		},
	}}
}

// validatingHook is a validating webhook on CREATE of core resource.
func validatingHook(name string, cc admissionregistrationv1.WebhookClientConfig, resource string) admissionregistrationv1.ValidatingWebhook {
	return admissionregistrationv1.ValidatingWebhook{
		Name: name, ClientConfig: cc, Rules: rulesFor("", resource),
		SideEffects:             ptr.To(admissionregistrationv1.SideEffectClassNone),
		AdmissionReviewVersions: []string{"v1"},
	}
}

func createValidating(t *testing.T, env *testkit.Env, hooks ...admissionregistrationv1.ValidatingWebhook) {
	t.Helper()
	cfg := &admissionregistrationv1.ValidatingWebhookConfiguration{ObjectMeta: metav1.ObjectMeta{Name: "test"}, Webhooks: hooks}
	_, err := env.Client().AdmissionregistrationV1().ValidatingWebhookConfigurations().Create(context.Background(), cfg, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create ValidatingWebhookConfiguration: %v", err)
	}
}

func createMutating(t *testing.T, env *testkit.Env, hooks ...admissionregistrationv1.MutatingWebhook) {
	t.Helper()
	cfg := &admissionregistrationv1.MutatingWebhookConfiguration{ObjectMeta: metav1.ObjectMeta{Name: "test"}, Webhooks: hooks}
	_, err := env.Client().AdmissionregistrationV1().MutatingWebhookConfigurations().Create(context.Background(), cfg, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create MutatingWebhookConfiguration: %v", err)
	}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
