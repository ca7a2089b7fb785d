package auth_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/testkit"
)

// bearer is a client that presents token.
func bearer(t *testing.T, env *testkit.Env, token string) kubernetes.Interface {
	t.Helper()
	cfg := env.Config()
	cfg.BearerToken = token
	return clientFor(t, cfg)
}

// identity is who the API server takes token's bearer for: RBAC's
// refusal names the user; "" with the error when authentication fails.
func identity(t *testing.T, env *testkit.Env, token string) (string, error) {
	t.Helper()
	_, err := bearer(t, env, token).CoreV1().Secrets("default").List(ctx, metav1.ListOptions{})
	if apierrors.IsForbidden(err) {
		msg := err.Error()
		if i := strings.Index(msg, `User "`); i >= 0 {
			rest := msg[i+len(`User "`):]
			return rest[:strings.Index(rest, `"`)], nil
		}
	}
	if err == nil {
		return "", nil
	}
	return "", err
}

func TestTokenRequest(t *testing.T) {
	env := testkit.Start(t)
	sas := env.Client().CoreV1().ServiceAccounts("default")
	robot, err := sas.Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "robot"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := sas.CreateToken(ctx, "robot", &authenticationv1.TokenRequest{}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := env.Clock().Now().Add(time.Hour); !tr.Status.ExpirationTimestamp.Time.Equal(want) {
		t.Errorf("expirationTimestamp = %v, want now + 1h (%v)", tr.Status.ExpirationTimestamp, want)
	}
	if got := tr.Spec.Audiences; len(got) != 1 || got[0] != "https://kubernetes.default.svc.cluster.local" {
		t.Errorf("audiences = %v, want the API server's", got)
	}
	claims := decodeClaims(t, tr.Status.Token)
	if claims["sub"] != "system:serviceaccount:default:robot" {
		t.Errorf("sub = %v", claims["sub"])
	}
	k8s, _ := claims["kubernetes.io"].(map[string]any)
	if sa, _ := k8s["serviceaccount"].(map[string]any); sa["uid"] != string(robot.UID) {
		t.Errorf("kubernetes.io.serviceaccount = %v, want uid %s", sa, robot.UID)
	}
	if who, err := identity(t, env, tr.Status.Token); who != "system:serviceaccount:default:robot" {
		t.Fatalf("the token authenticates as %q (%v)", who, err)
	}

	// A token for another audience is not for the API server.
	other, err := sas.CreateToken(ctx, "robot", &authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{Audiences: []string{"vault"}}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := identity(t, env, other.Status.Token); !apierrors.IsUnauthorized(err) {
		t.Errorf("a vault token: got %v, want 401", err)
	}

	// Expired on the virtual clock, the token stops working.
	env.Advance(time.Hour + time.Second)
	if _, err := identity(t, env, tr.Status.Token); !apierrors.IsUnauthorized(err) {
		t.Errorf("an expired token: got %v, want 401", err)
	}

	// So does one whose account is deleted.
	fresh, err := sas.CreateToken(ctx, "robot", &authenticationv1.TokenRequest{}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := sas.Delete(ctx, "robot", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := identity(t, env, fresh.Status.Token); !apierrors.IsUnauthorized(err) {
		t.Errorf("the token of a deleted account: got %v, want 401", err)
	}
}

func decodeClaims(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q is not a JWT", token)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestTokenRequestErrors(t *testing.T) {
	env := testkit.Start(t)
	env.Settle() // the serviceaccount controller makes default
	sas := env.Client().CoreV1().ServiceAccounts("default")
	_, err := sas.CreateToken(ctx, "nobody", &authenticationv1.TokenRequest{}, metav1.CreateOptions{})
	if want := `serviceaccounts "nobody" not found`; !apierrors.IsNotFound(err) || err.Error() != want {
		t.Errorf("missing account: got %v, want %q", err, want)
	}
	short := &authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: ptr.To[int64](60)}}
	_, err = sas.CreateToken(ctx, "default", short, metav1.CreateOptions{})
	if want := `TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes`; !apierrors.IsInvalid(err) || err.Error() != want {
		t.Errorf("short token: got %v, want %q", err, want)
	}
	bound := &authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{
		BoundObjectRef: &authenticationv1.BoundObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "web"}}}
	_, err = sas.CreateToken(ctx, "default", bound, metav1.CreateOptions{})
	if want := `cannot bind token to object of type apps/v1, Kind=Deployment`; !apierrors.IsBadRequest(err) || err.Error() != want {
		t.Errorf("bound to a deployment: got %v, want %q", err, want)
	}
}

// A pod's mounted token is a real one: the kubelet asks TokenRequest for
// it, bound to the pod, and the API server takes it for the pod's
// service account until the pod is gone.
func TestPodTokenAuthenticates(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	pods := env.Client().CoreV1().Pods("default")
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "reader"},
		Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever,
			Containers: []corev1.Container{{Name: "app", Image: "busybox", Command: []string{"sh", "-c",
				"cat /var/run/secrets/kubernetes.io/serviceaccount/token; echo; cat /var/run/secrets/kubernetes.io/serviceaccount/namespace; echo; head -1 /var/run/secrets/kubernetes.io/serviceaccount/ca.crt"}}},
		},
	}
	if _, err := pods.Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(5 * time.Second)
	logs, err := pods.GetLogs("reader", &corev1.PodLogOptions{}).DoRaw(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(logs)), "\n")
	if len(lines) != 3 || lines[1] != "default" || lines[2] != "-----BEGIN CERTIFICATE-----" {
		t.Fatalf("the pod printed %q, want its token, namespace and CA", logs)
	}
	token := lines[0]
	if who, err := identity(t, env, token); who != "system:serviceaccount:default:default" {
		t.Fatalf("the pod's token authenticates as %q (%v)", who, err)
	}
	k8s, _ := decodeClaims(t, token)["kubernetes.io"].(map[string]any)
	if p, _ := k8s["pod"].(map[string]any); p["name"] != "reader" {
		t.Errorf("the token is bound to %v, want pod reader", k8s["pod"])
	}
	// Bound to the pod, the token dies with it.
	if err := pods.Delete(ctx, "reader", metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)}); err != nil {
		t.Fatal(err)
	}
	env.Settle()
	if _, err := identity(t, env, token); !apierrors.IsUnauthorized(err) {
		t.Errorf("the token of a deleted pod: got %v, want 401", err)
	}
}

// kubectl create token prints a token that works.
func TestKubectlCreateToken(t *testing.T) {
	env := testkit.Start(t)
	env.Settle()
	out, err := env.Kubectl("create", "token", "default", "--duration=20m")
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(out)
	if who, err := identity(t, env, token); who != "system:serviceaccount:default:default" {
		t.Fatalf("kubectl's token authenticates as %q (%v)", who, err)
	}
	claims := decodeClaims(t, token)
	if exp, iat := claims["exp"].(float64), claims["iat"].(float64); exp-iat != 20*60 {
		t.Errorf("token lifetime %v s, want 1200", exp-iat)
	}
}

// The kubelet renews a pod's token once 80% of its 3607 seconds have
// passed, and the file changes under the running container.
func TestPodTokenIsRenewed(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	pods := env.Client().CoreV1().Pods("default")
	const file = "/var/run/secrets/kubernetes.io/serviceaccount/token"
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "reader"},
		Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever,
			Containers: []corev1.Container{{Name: "app", Image: "busybox", Command: []string{"sh", "-c",
				"cat " + file + "; echo; sleep 600; cat " + file + "; echo; sleep 2700; cat " + file}}},
		},
	}
	if _, err := pods.Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(56 * time.Minute)
	logs, err := pods.GetLogs("reader", &corev1.PodLogOptions{}).DoRaw(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tokens := strings.Split(strings.TrimSpace(string(logs)), "\n")
	if len(tokens) != 3 {
		t.Fatalf("the pod printed %q, want three tokens", logs)
	}
	if tokens[0] != tokens[1] {
		t.Error("the token changed after 10 minutes")
	}
	if tokens[1] == tokens[2] {
		t.Error("the token was not renewed after 55 minutes")
	}
	if who, err := identity(t, env, tokens[2]); who != "system:serviceaccount:default:default" {
		t.Errorf("the renewed token authenticates as %q (%v)", who, err)
	}
}
