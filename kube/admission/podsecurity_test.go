package admission_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/testkit"
)

// warnings collects the Warning headers a client receives.
type warnings struct {
	mu  sync.Mutex
	got []string
}

func (w *warnings) HandleWarningHeader(code int, agent, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.got = append(w.got, text)
}

func (w *warnings) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.got
	w.got = nil
	return out
}

func warnedClient(t *testing.T, env *testkit.Env) (kubernetes.Interface, *warnings) {
	t.Helper()
	w := &warnings{}
	cfg := env.Config()
	cfg.WarningHandler = w
	c, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, w
}

func labelledNamespace(t *testing.T, c kubernetes.Interface, name string, labels map[string]string) {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}
	if _, err := c.CoreV1().Namespaces().Create(context.Background(), ns, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// restrictedPod passes the restricted standard.
func restrictedPod(name string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: corev1.PodSpec{
			SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: ptr.To(true), SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
			Containers: []corev1.Container{{Name: "app", Image: "nginx", SecurityContext: &corev1.SecurityContext{
				AllowPrivilegeEscalation: ptr.To(false),
				Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
			}}},
		},
	}
}

func privilegedPod(name string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "nginx",
			SecurityContext: &corev1.SecurityContext{Privileged: ptr.To(true)}}}},
	}
}

func TestPodSecurityEnforce(t *testing.T) {
	env := testkit.Start(t)
	ctx := context.Background()
	c := env.Client()
	labelledNamespace(t, c, "locked", map[string]string{"pod-security.kubernetes.io/enforce": "restricted"})
	pods := c.CoreV1().Pods("locked")
	_, err := pods.Create(ctx, appPod("web"), metav1.CreateOptions{})
	const prefix = `pods "web" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (containers "init", "app" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (containers "init", "app" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true`
	if !apierrors.IsForbidden(err) || !strings.HasPrefix(err.Error(), prefix) {
		t.Errorf("got %v,\nwant 403 starting %q", err, prefix)
	}
	if _, err := pods.Create(ctx, restrictedPod("ok"), metav1.CreateOptions{}); err != nil {
		t.Errorf("a restricted pod was refused: %v", err)
	}
	// Namespaces without labels are privileged.
	if _, err := c.CoreV1().Pods("default").Create(ctx, privilegedPod("root"), metav1.CreateOptions{}); err != nil {
		t.Errorf("a privileged pod in an unlabelled namespace was refused: %v", err)
	}
}

func TestPodSecurityWarn(t *testing.T) {
	env := testkit.Start(t)
	ctx := context.Background()
	c, w := warnedClient(t, env)
	labelledNamespace(t, c, "watched", map[string]string{
		"pod-security.kubernetes.io/warn":         "baseline",
		"pod-security.kubernetes.io/warn-version": "v1.30",
	})
	if _, err := c.CoreV1().Pods("watched").Create(ctx, privilegedPod("root"), metav1.CreateOptions{}); err != nil {
		t.Fatalf("warn refused the pod: %v", err)
	}
	want := `would violate PodSecurity "baseline:v1.30": privileged (container "app" must not set securityContext.privileged=true)`
	if got := w.take(); len(got) != 1 || got[0] != want {
		t.Errorf("warnings = %q, want [%q]", got, want)
	}
	// Workloads are checked against warn, never refused.
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}}, Spec: privilegedPod("").Spec},
		},
	}
	if _, err := c.AppsV1().Deployments("watched").Create(ctx, d, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	want = `would violate PodSecurity "baseline:v1.30": privileged (container "app" must not set securityContext.privileged=true)`
	if got := w.take(); len(got) != 1 || got[0] != want {
		t.Errorf("deployment warnings = %q, want [%q]", got, want)
	}
	// The Deployment's ReplicaSet and pods, made by the controllers,
	// are admitted too (warn never refuses).
	env.Settle()
	list, err := c.CoreV1().Pods("watched").List(ctx, metav1.ListOptions{LabelSelector: "app=web"})
	if err != nil || len(list.Items) != 1 {
		t.Errorf("the deployment's pods: %v, %d", err, len(list.Items))
	}
}

func TestPodSecurityNamespaceLabels(t *testing.T) {
	env := testkit.Start(t)
	ctx := context.Background()
	c, w := warnedClient(t, env)
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "bad", Labels: map[string]string{"pod-security.kubernetes.io/enforce": "strict"}}}
	_, err := c.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{})
	if !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), `metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict"`) {
		t.Errorf("invalid level: got %v", err)
	}

	// Tightening enforce warns about the pods already there.
	labelledNamespace(t, c, "loose", nil)
	if _, err := c.CoreV1().Pods("loose").Create(ctx, privilegedPod("root"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	w.take()
	got, err := c.CoreV1().Namespaces().Get(ctx, "loose", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got.Labels["pod-security.kubernetes.io/enforce"] = "baseline"
	if _, err := c.CoreV1().Namespaces().Update(ctx, got, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`existing pods in namespace "loose" violate the new PodSecurity enforce level "baseline:latest"`,
		`root: privileged`,
	}
	if diff := w.take(); len(diff) != 2 || diff[0] != want[0] || diff[1] != want[1] {
		t.Errorf("warnings = %q, want %q", diff, want)
	}
}
