package resourcequota_test

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubesim/kubesim/testkit"
)

var ctx = context.Background()

// ns is a namespace of the test's own: default holds the kubernetes
// Service, which would count.
const ns = "team"

func start(t *testing.T, opts ...testkit.Option) (*testkit.Env, kubernetes.Interface) {
	t.Helper()
	env := testkit.Start(t, append([]testkit.Option{testkit.WithNodes(1)}, opts...)...)
	_, err := env.Client().CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
	check(t, err)
	return env, env.Client()
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func list(pairs ...string) corev1.ResourceList {
	out := corev1.ResourceList{}
	for i := 0; i+1 < len(pairs); i += 2 {
		out[corev1.ResourceName(pairs[i])] = resource.MustParse(pairs[i+1])
	}
	return out
}

// createQuota creates a quota and lets the controller fill its status.
func createQuota(t *testing.T, env *testkit.Env, q *corev1.ResourceQuota) {
	t.Helper()
	_, err := env.Client().CoreV1().ResourceQuotas(ns).Create(ctx, q, metav1.CreateOptions{})
	check(t, err)
	env.Settle()
}

func quota(name string, hard corev1.ResourceList) *corev1.ResourceQuota {
	return &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: corev1.ResourceQuotaSpec{Hard: hard}}
}

// pod runs command in one container asking for requests (and limits,
// when given).
func pod(name, command string, requests, limits corev1.ResourceList) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever,
			Containers: []corev1.Container{{Name: "main", Image: "busybox", Command: []string{"sh", "-c", command},
				Resources: corev1.ResourceRequirements{Requests: requests, Limits: limits}}},
		},
	}
}

// used reads a quota's status.used as "name=quantity" strings.
func used(t *testing.T, c kubernetes.Interface, name string) map[string]string {
	t.Helper()
	q, err := c.CoreV1().ResourceQuotas(ns).Get(ctx, name, metav1.GetOptions{})
	check(t, err)
	out := map[string]string{}
	for n, v := range q.Status.Used {
		out[string(n)] = v.String()
	}
	return out
}

func wantUsed(t *testing.T, c kubernetes.Interface, name string, want map[string]string) {
	t.Helper()
	got := used(t, c, name)
	for n, v := range want {
		if got[n] != v {
			t.Errorf("quota %s used %s = %q, want %q (all: %v)", name, n, got[n], v, got)
		}
	}
}

func settle(env *testkit.Env) { env.Advance(5 * time.Second) }
