package webhook_test

import (
	"context"
	"sync"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/testkit"
)

func deployment(name string, replicas int32) *appsv1.Deployment {
	labels := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To(replicas),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx"}}},
			},
		},
	}
}

func createDeployment(client kubernetes.Interface, d *appsv1.Deployment) error {
	_, err := client.AppsV1().Deployments("default").Create(context.Background(), d, metav1.CreateOptions{})
	return err
}

// maxReplicasPolicy limits Deployments to five replicas.
func maxReplicasPolicy(v admissionregistrationv1.Validation) *admissionregistrationv1.ValidatingAdmissionPolicy {
	return &admissionregistrationv1.ValidatingAdmissionPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "max-replicas"},
		Spec: admissionregistrationv1.ValidatingAdmissionPolicySpec{
			FailurePolicy: ptr.To(admissionregistrationv1.Fail),
			MatchConstraints: &admissionregistrationv1.MatchResources{
				ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{{
					RuleWithOperations: admissionregistrationv1.RuleWithOperations{
						Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update},
						Rule: admissionregistrationv1.Rule{
							APIGroups: []string{"apps"}, APIVersions: []string{"v1"}, Resources: []string{"deployments"},
						},
					},
				}},
			},
			Validations: []admissionregistrationv1.Validation{v},
		},
	}
}

func bind(t *testing.T, env *testkit.Env, p *admissionregistrationv1.ValidatingAdmissionPolicy, b *admissionregistrationv1.ValidatingAdmissionPolicyBinding) {
	t.Helper()
	ctx := context.Background()
	api := env.Client().AdmissionregistrationV1()
	if _, err := api.ValidatingAdmissionPolicies().Create(ctx, p, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create policy: %v", err)
	}
	if b.Spec.PolicyName == "" {
		b.Spec.PolicyName = p.Name
	}
	if len(b.Spec.ValidationActions) == 0 {
		b.Spec.ValidationActions = []admissionregistrationv1.ValidationAction{admissionregistrationv1.Deny}
	}
	if _, err := api.ValidatingAdmissionPolicyBindings().Create(ctx, b, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create binding: %v", err)
	}
}

func binding(name string) *admissionregistrationv1.ValidatingAdmissionPolicyBinding {
	return &admissionregistrationv1.ValidatingAdmissionPolicyBinding{ObjectMeta: metav1.ObjectMeta{Name: name}}
}

func TestPolicyDeniesWithFailedExpression(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	bind(t, env, maxReplicasPolicy(admissionregistrationv1.Validation{Expression: "object.spec.replicas <= 5"}), binding("max-replicas-binding"))

	// No Settle: the policy applies to the very next write.
	err := createDeployment(env.Client(), deployment("web", 6))
	want := `deployments.apps "web" is forbidden: ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-binding' denied request: failed expression: object.spec.replicas <= 5`
	if err == nil || err.Error() != want {
		t.Fatalf("create 6 replicas: err = %v, want %q", err, want)
	}
	if !apierrors.IsInvalid(err) {
		t.Errorf("reason = %q, want Invalid (422)", apierrors.ReasonForError(err))
	}
	if err := createDeployment(env.Client(), deployment("small", 5)); err != nil {
		t.Errorf("create 5 replicas: %v", err)
	}
}

func TestPolicyMessageExpressionAndReason(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	bind(t, env, maxReplicasPolicy(admissionregistrationv1.Validation{
		Expression:        "object.spec.replicas <= 5",
		MessageExpression: `"replicas must be at most 5, got " + string(object.spec.replicas)`,
		Reason:            ptr.To(metav1.StatusReasonForbidden),
	}), binding("b"))
	err := createDeployment(env.Client(), deployment("web", 7))
	want := `deployments.apps "web" is forbidden: ValidatingAdmissionPolicy 'max-replicas' with binding 'b' denied request: replicas must be at most 5, got 7`
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %q", err, want)
	}
	if !apierrors.IsForbidden(err) {
		t.Errorf("reason = %q, want Forbidden", apierrors.ReasonForError(err))
	}
}

// warnings collects the warnings the API server sends a client.
type warnings struct {
	mu   sync.Mutex
	list []string
}

func (w *warnings) HandleWarningHeader(_ int, _ string, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.list = append(w.list, text)
}

func TestPolicyWarnAction(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	b := binding("warn")
	b.Spec.ValidationActions = []admissionregistrationv1.ValidationAction{admissionregistrationv1.Warn}
	bind(t, env, maxReplicasPolicy(admissionregistrationv1.Validation{Expression: "object.spec.replicas <= 5", Message: "too many replicas"}), b)

	var got warnings
	cfg := env.Config()
	cfg.WarningHandler = &got
	client := kubernetes.NewForConfigOrDie(cfg)
	if err := createDeployment(client, deployment("web", 9)); err != nil {
		t.Fatalf("create with a Warn binding: %v", err)
	}
	want := "Validation failed for ValidatingAdmissionPolicy 'max-replicas' with binding 'warn': too many replicas"
	if len(got.list) != 1 || got.list[0] != want {
		t.Errorf("warnings = %q, want [%q]", got.list, want)
	}
}

func TestPolicyParams(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	ctx := context.Background()
	limits := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "limits", Namespace: "default"}, Data: map[string]string{"max": "3"}}
	if _, err := env.Client().CoreV1().ConfigMaps("default").Create(ctx, limits, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	p := maxReplicasPolicy(admissionregistrationv1.Validation{
		Expression:        "object.spec.replicas <= int(params.data.max)",
		MessageExpression: `"at most " + params.data.max + " replicas"`,
	})
	p.Spec.ParamKind = &admissionregistrationv1.ParamKind{APIVersion: "v1", Kind: "ConfigMap"}
	b := binding("limits")
	b.Spec.ParamRef = &admissionregistrationv1.ParamRef{Name: "limits", Namespace: "default",
		ParameterNotFoundAction: ptr.To(admissionregistrationv1.DenyAction)}
	bind(t, env, p, b)

	err := createDeployment(env.Client(), deployment("web", 4))
	if err == nil || !apierrors.IsInvalid(err) || !containsAll(err.Error(), "denied request: at most 3 replicas") {
		t.Fatalf("create 4 replicas with max 3: err = %v", err)
	}
	// Raising the param applies to the next write.
	limits.Data["max"] = "4"
	if _, err := env.Client().CoreV1().ConfigMaps("default").Update(ctx, limits, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := createDeployment(env.Client(), deployment("web", 4)); err != nil {
		t.Errorf("create 4 replicas with max 4: %v", err)
	}
	// Without its param, the binding denies (parameterNotFoundAction Deny).
	if err := env.Client().CoreV1().ConfigMaps("default").Delete(ctx, "limits", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	err = createDeployment(env.Client(), deployment("other", 1))
	if err == nil || !containsAll(err.Error(), "no params found for policy binding with `Deny` parameterNotFoundAction") {
		t.Errorf("create with the param gone: err = %v, want upstream's no params found", err)
	}
}

func TestPolicyWithoutBindingDoesNothing(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	p := maxReplicasPolicy(admissionregistrationv1.Validation{Expression: "object.spec.replicas <= 5"})
	if _, err := env.Client().AdmissionregistrationV1().ValidatingAdmissionPolicies().Create(context.Background(), p, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := createDeployment(env.Client(), deployment("web", 6)); err != nil {
		t.Errorf("create with an unbound policy: %v", err)
	}
}
