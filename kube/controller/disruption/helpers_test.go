package disruption_test

import (
	"context"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/testkit"
)

var ctx = context.Background()

const ns = "default"

func start(t testing.TB) (*testkit.Env, kubernetes.Interface) {
	t.Helper()
	env := testkit.Start(t, testkit.WithNodes(2))
	return env, env.Client()
}

func labels(app string) map[string]string { return map[string]string{"app": app} }

// deploy creates a Deployment of n pods labelled app=<name>, ready
// five seconds after they start, and lets them become ready.
func deploy(t testing.TB, env *testkit.Env, name string, n int32) {
	t.Helper()
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To(n),
			Selector: &metav1.LabelSelector{MatchLabels: labels(name)},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels(name)},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{
					Name: "web", Image: "busybox", Command: []string{"sh", "-c", "sleep 100000"},
					// A replacement takes a few seconds to become ready, so
					// a test can act while it is not.
					ReadinessProbe: &corev1.Probe{
						ProbeHandler:        corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}},
						InitialDelaySeconds: 5,
					},
				}}},
			},
		},
	}
	if _, err := env.Client().AppsV1().Deployments(ns).Create(ctx, d, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(30 * time.Second)
}

func minAvailable(name string, v intstr.IntOrString) *policyv1.PodDisruptionBudget {
	return &policyv1.PodDisruptionBudget{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       policyv1.PodDisruptionBudgetSpec{MinAvailable: &v, Selector: &metav1.LabelSelector{MatchLabels: labels(name)}},
	}
}

func maxUnavailable(name string, v intstr.IntOrString) *policyv1.PodDisruptionBudget {
	return &policyv1.PodDisruptionBudget{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       policyv1.PodDisruptionBudgetSpec{MaxUnavailable: &v, Selector: &metav1.LabelSelector{MatchLabels: labels(name)}},
	}
}

func createPDB(t testing.TB, env *testkit.Env, pdb *policyv1.PodDisruptionBudget) {
	t.Helper()
	if _, err := env.Client().PolicyV1().PodDisruptionBudgets(ns).Create(ctx, pdb, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Settle()
}

func getPDB(t testing.TB, c kubernetes.Interface, name string) *policyv1.PodDisruptionBudget {
	t.Helper()
	pdb, err := c.PolicyV1().PodDisruptionBudgets(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return pdb
}

// runningPods lists the pods labelled app=<app> that are not terminating.
func runningPods(t testing.TB, c kubernetes.Interface, app string) []corev1.Pod {
	t.Helper()
	list, err := c.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "app=" + app})
	if err != nil {
		t.Fatal(err)
	}
	var out []corev1.Pod
	for _, p := range list.Items {
		if p.DeletionTimestamp == nil {
			out = append(out, p)
		}
	}
	return out
}

func evict(c kubernetes.Interface, pod string) error {
	return c.CoreV1().Pods(ns).EvictV1(ctx, &policyv1.Eviction{ObjectMeta: metav1.ObjectMeta{Name: pod, Namespace: ns}})
}

// wantStatus compares the counts of a budget's status.
func wantStatus(t testing.TB, pdb *policyv1.PodDisruptionBudget, expected, healthy, desired, allowed int32) {
	t.Helper()
	s := pdb.Status
	if s.ExpectedPods != expected || s.CurrentHealthy != healthy || s.DesiredHealthy != desired || s.DisruptionsAllowed != allowed {
		t.Fatalf("status expected/healthy/desired/allowed = %d/%d/%d/%d, want %d/%d/%d/%d",
			s.ExpectedPods, s.CurrentHealthy, s.DesiredHealthy, s.DisruptionsAllowed, expected, healthy, desired, allowed)
	}
	if s.ObservedGeneration != pdb.Generation {
		t.Fatalf("observedGeneration %d, generation %d", s.ObservedGeneration, pdb.Generation)
	}
}

func condition(pdb *policyv1.PodDisruptionBudget) *metav1.Condition {
	for i := range pdb.Status.Conditions {
		if pdb.Status.Conditions[i].Type == policyv1.DisruptionAllowedCondition {
			return &pdb.Status.Conditions[i]
		}
	}
	return nil
}

func podCondition(pod *corev1.Pod, t corev1.PodConditionType) *corev1.PodCondition {
	for i := range pod.Status.Conditions {
		if pod.Status.Conditions[i].Type == t {
			return &pod.Status.Conditions[i]
		}
	}
	return nil
}
